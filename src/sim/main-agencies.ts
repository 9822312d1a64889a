// Agencies whose statements need the whole city or the engines, acting on the main thread between epochs: the credit
// office (officer entries), implementing agencies (refused purchases), the court (expiry statements).
import type { WorkingCalendar } from '../core/calendar.js';
import type { Rng } from '../core/rng.js';
import { makeRecord, type CreditRecord } from '../core/types.js';
import { groupsOf, type MonthCounts } from './collectors.js';
import { iso } from './days.js';
import type { DistrictOutput, EventBuffers } from './district.js';
import type { ListsSeam } from './lists.js';
import type { CompiledAgency, Model } from './model.js';
import { MSG_LISTED, MSG_LISTING_REFUSED } from './messages.js';
import type { World } from './world.js';

/**
 * Agencies whose statements need the whole city or the engines, so they act on the main thread in a fixed order:
 * the credit office (officer entries), implementing agencies (refused purchases), the court (expiry statements).
 */
export class MainAgencies {
  private readonly m: Model;
  private readonly cal: WorkingCalendar;
  private readonly ids: string[];
  private readonly seq: Int32Array;
  private readonly byCode: Map<string, CompiledAgency>;
  private pending: { r: CreditRecord; s: number; day: number }[] = [];
  private readonly firmOfficerListed = new Set<string>();
  private readonly rng: Rng;

  constructor(m: Model, cal: WorkingCalendar, ids: string[], rng: Rng) {
    this.rng = rng;
    this.m = m;
    this.cal = cal;
    this.ids = ids;
    this.seq = new Int32Array(m.agencies.length);
    this.byCode = new Map(m.agencies.map((a) => [a.code, a]));
  }

  private make(
    subject: number,
    kind: string,
    day: number,
    a: CompiledAgency,
    delay: number,
    basis?: string,
    severity?: string,
  ): string {
    const reported = this.cal.addWorkingDays(day, delay);
    const input: Parameters<typeof makeRecord>[0] = {
      subject: this.ids[subject]!,
      kind,
      occurredAt: iso(day),
      reportedAt: iso(reported),
      agency: a.code,
      basis: basis ?? `${a.basis}; ${a.docPrefix} [${iso(day).slice(0, 4)}] central-${++this.seq[a.index]!}`,
    };
    if (severity !== undefined) input.severity = severity;
    const r = makeRecord(input);
    this.pending.push({ r, s: subject, day: reported });
    return r.id;
  }

  private delay(a: CompiledAgency): number {
    return a.minDelay + this.rng.int(a.maxDelay - a.minDelay + 1);
  }

  /** The credit office enters a statement about a firm's legal representative when the firm is listed or performs. */
  officerStatements(batch: CreditRecord[], subj: number[], w: World): void {
    const S = this.m.stages;
    const listing = S['credit.listing']!;
    const deletion = S['credit.deletion']!;
    const P = w.persons.length;
    for (let k = 0; k < batch.length; k++) {
      const r = batch[k]!;
      const s = subj[k]!;
      if (s < P) continue;
      const rep = w.firms.legalRep[s - P]!;
      if (rep < 0) continue;
      const occurred = Math.round(Date.parse(r.occurredAt) / 86_400_000);
      if (r.kind === listing.kind) {
        const st = S['credit.officer_listed']!;
        const a = this.m.agencies[st.agency]!;
        this.firmOfficerListed.add(r.basis);
        this.make(rep, st.kind, occurred, a, this.delay(a), r.basis);
      } else if (
        r.kind === deletion.kind &&
        r.severity === deletion.severity &&
        this.firmOfficerListed.has(r.basis)
      ) {
        const st = S['credit.officer_performed']!;
        const a = this.m.agencies[st.agency]!;
        this.make(rep, st.kind, occurred, a, this.delay(a), r.basis);
      }
    }
  }

  /** Each attempt at a restricted action is decided by the lists engine; refusals become receipts and events. */
  resolveAttempts(
    d: DistrictOutput,
    lists: ListsSeam,
    w: World,
    c: MonthCounts,
    gs: Int32Array,
  ): { events: EventBuffers; denied: number } {
    const A = d.attempts;
    const C = this.m.consumption;
    let denied = 0;
    const ev = {
      id: [] as number[],
      subject: [] as number[],
      type: [] as number[],
      day: [] as number[],
      agency: [] as number[],
      recorded: [] as number[],
      recordId: [] as string[],
    };
    for (let k = 0; k < A.subject.length; k++) {
      const s = A.subject[k]!;
      const a = A.action[k]!;
      const day = A.day[k]!;
      // Attempts the engine allows happen unrecorded and are not events of interest.
      if (lists.decide(s, a, day) < 2) continue;
      const ag = this.m.agencies[C.agencies[a]!]!;
      const recorded = A.u[k]! < ag.coverage;
      let rid = '';
      if (recorded) {
        rid = this.make(
          s,
          this.m.eventKinds[C.eventTypes[a]!]!,
          day,
          ag,
          A.delay[k]!,
          undefined,
          C.actions[a],
        );
        denied++;
        if (s < w.persons.length) {
          const n = groupsOf(w, s, gs);
          for (let g = 0; g < n; g++) c.denied[gs[g]!]!++;
        }
      }
      ev.id.push(A.eventId[k]!);
      ev.subject.push(s);
      ev.type.push(C.eventTypes[a]!);
      ev.day.push(day);
      ev.agency.push(ag.index);
      ev.recorded.push(recorded ? 1 : 0);
      ev.recordId.push(rid);
    }
    return {
      denied,
      events: {
        id: Float64Array.from(ev.id),
        subject: Int32Array.from(ev.subject),
        type: Uint16Array.from(ev.type),
        day: Int32Array.from(ev.day),
        amount: new Float64Array(ev.id.length).fill(NaN),
        agency: Int16Array.from(ev.agency),
        recorded: Uint8Array.from(ev.recorded),
        fabricated: new Uint8Array(ev.id.length),
        recordId: ev.recordId,
      },
    };
  }

  /** The court records that a listing ended at its term (list definition's expiry kind), within its deadline. */
  expiry(
    subject: number,
    kind: string,
    termEnd: number,
    agencyCode: string,
    caseNo: string | undefined,
  ): void {
    const a = this.byCode.get(agencyCode) ?? this.m.agencies[this.m.stages['credit.listing']!.agency]!;
    this.make(subject, kind, termEnd, a, this.delay(a), caseNo);
  }

  /**
   * The court's listing requests of the districts, decided by the lists engine. A granted listing is recorded with the
   * consumption restriction (same case, same day); either answer goes back to the debtor's district.
   */
  resolveListings(
    d: DistrictOutput,
    lists: ListsSeam,
    answer: (subject: number, msg: number, day: number) => void,
  ): { events: EventBuffers; refused: Map<string, number>; refusedRequests: number } {
    const S = this.m.stages;
    const listing = S['credit.listing'];
    const restriction = S['credit.restriction'];
    const a = this.m.agencies[listing.agency]!;
    const refused = new Map<string, number>();
    let refusedRequests = 0;
    const ev = { id: [] as number[], subject: [] as number[], type: [] as number[], day: [] as number[] };
    const rid: string[] = [];
    for (const ask of d.listingAsks) {
      const delay = this.delay(a);
      const reported = this.cal.addWorkingDays(ask.day, delay);
      const out = lists.requestListing(ask.subject, ask, a.code, reported);
      if (!out.ok) {
        for (const i of out.issues) refused.set(i.code, (refused.get(i.code) ?? 0) + 1);
        refusedRequests++;
        answer(ask.subject, MSG_LISTING_REFUSED, ask.day);
        continue;
      }
      this.pending.push({ r: out.record, s: ask.subject, day: reported });
      const restrictionId = this.make(
        ask.subject,
        restriction.kind,
        ask.day,
        this.m.agencies[restriction.agency]!,
        // the same working day as the listing: the court's restriction order accompanies it
        delay,
        ask.basis,
        restriction.severity,
      );
      for (const [k, st, r] of [
        [0, listing, out.record.id],
        [1, restriction, restrictionId],
      ] as const) {
        ev.id.push(ask.eventIds[k]);
        ev.subject.push(ask.subject);
        ev.type.push(st.eventType);
        ev.day.push(ask.day);
        rid.push(r);
      }
      answer(ask.subject, MSG_LISTED, ask.day);
    }
    const n = ev.id.length;
    return {
      refused,
      refusedRequests,
      events: {
        id: Float64Array.from(ev.id),
        subject: Int32Array.from(ev.subject),
        type: Uint16Array.from(ev.type),
        day: Int32Array.from(ev.day),
        amount: new Float64Array(n).fill(NaN),
        agency: Int16Array.from(ev.type.map((t) => (t === listing.eventType ? a.index : restriction.agency))),
        recorded: new Uint8Array(n).fill(1),
        fabricated: new Uint8Array(n),
        recordId: rid,
      },
    };
  }

  /** Move statements whose report day falls before `to` into the batch. */
  flush(batch: CreditRecord[], subj: number[], to: number): void {
    const keep: typeof this.pending = [];
    for (const p of this.pending) {
      if (p.day < to) {
        batch.push(p.r);
        subj.push(p.s);
      } else keep.push(p);
    }
    this.pending = keep;
  }

  unreported(): string[] {
    return this.pending.map((p) => p.r.id);
  }
}
