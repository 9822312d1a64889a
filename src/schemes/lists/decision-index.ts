// The decision index: typed arrays answering "may X do A on day D" without allocating, rebuilt from the ledger
// and kept current record by record. Explanations come from per-entry info referenced by index.
import type { Catalogue } from '../../core/catalogue.js';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { RECORD_STATUSES, type CreditRecord, type Subject } from '../../core/types.js';
import type { Ledger, RecordColumns } from '../../ledger/ledger.js';
import { PackedIdMap } from '../../ledger/packed-ids.js';
import { checkAction, reasonFor, sortReasons, type Decision, type Reason } from './decide.js';
import { entriesOf, statementOf, type ListEntry, type ListStatement } from './lifecycle.js';
import {
  OUTCOME_CODE,
  OUTCOMES,
  outcomeOf,
  type AppliedMeasure,
  type ListPolicy,
  type Outcome,
} from './policy.js';
import { Register } from './register.js';
import type { Effect, Relation } from './schema.js';

/** Open-ended intervals end at the largest Uint16 epoch day (year 2149), like the ledger's date columns. */
const OPEN = 0xffff;

/** What a contribution stands for: one list entry reaching one target through one relation, in one epoch. */
interface ContributionInfo {
  entry: ListEntry;
  relation: Relation;
  measures: { am: AppliedMeasure; effect: Effect }[];
}

/**
 * Per target subject, a singly linked chain of contributions: [from, until) × (deny, restrict, incentive) bitmasks
 * over actions. Subjects with no chain answer 'allow' at once, which is the common case.
 */
export class DecisionIndex {
  readonly policy: ListPolicy;
  readonly register: Register;
  private readonly ids: string[] = [];
  /** Subject id → slot (ids[slot] is the id): identifier-shaped ids are held inline (packed-ids.ts, 0140). */
  private readonly idx = new PackedIdMap();
  private head = new Int32Array(1024).fill(-1);
  private cap = 0;
  private cFrom = new Uint16Array(0);
  private cUntil = new Uint16Array(0);
  private cDeny = new Uint32Array(0);
  private cRestrict = new Uint32Array(0);
  private cIncent = new Uint32Array(0);
  private cNext = new Int32Array(0);
  private cTarget = new Int32Array(0);
  private readonly cInfo: (ContributionInfo | undefined)[] = [];
  private used = 0;
  private readonly free: number[] = [];
  private live = 0;
  private readonly statements = new Map<number, ListStatement[]>();
  private readonly bySource = new Map<number, number[]>();
  /** Sources whose statements came from a scan and cannot be matched without case numbers or record ids. */
  private readonly stale = new Set<number>();
  private readonly relevantKinds: Set<string>;

  constructor(policy: ListPolicy, subjects: Iterable<Subject> = []) {
    this.policy = policy;
    this.register = new Register(subjects);
    this.relevantKinds = new Set(policy.lifecycleKinds());
    this.grow(1024);
  }

  // ---- building ----

  /**
   * Rebuild from a columnar scan. Rows whose kind takes part in no list lifecycle are skipped with one typed-array
   * test each. `kinds` is the catalogue the columns' kind indexes refer to (the ledger's).
   */
  static fromColumns(
    policy: ListPolicy,
    cols: RecordColumns,
    subjects: Iterable<Subject>,
    kinds: Catalogue,
  ): DecisionIndex {
    const ix = new DecisionIndex(policy, subjects);
    const relevant = new Uint8Array(kinds.kinds.length);
    kinds.kinds.forEach((k, i) => (relevant[i] = ix.relevantKinds.has(k.code) ? 1 : 0));
    const superseded = new Map<number, number>();
    for (let i = 0; i < cols.supersedeFrom.length; i++)
      superseded.set(cols.supersedeFrom[i]!, cols.supersedeTo[i]!);
    const n = cols.length;
    const rows: number[] = [];
    const kind = cols.kind;
    for (let i = 0; i < n; i++) if (relevant[kind[i]!] === 1) rows.push(i);
    const bySubject = new Map<number, ListStatement[]>();
    for (const i of rows) {
      const k = cols.kind[i]!;
      const s: ListStatement = {
        ref: '#' + i,
        subject: cols.subjects[cols.subject[i]!]!,
        kind: kinds.kinds[k]!.code,
        occurred: cols.occurred[i]!,
        reported: cols.reported[i]!,
        agency: cols.agencies[cols.agency[i]!]!,
        status: RECORD_STATUSES[cols.status[i]!]!,
      };
      const sev = kinds.severityName(k, cols.severity[i]!);
      if (sev !== undefined) s.severity = sev;
      const amt = cols.amount[i]!;
      if (!Number.isNaN(amt)) s.amount = amt;
      const to = superseded.get(i);
      if (to !== undefined && to >= 0) s.supersedes = '#' + to;
      const src = ix.ensure(s.subject);
      const arr = bySubject.get(src);
      if (arr) arr.push(s);
      else bySubject.set(src, [s]);
    }
    for (const [src, arr] of bySubject) {
      ix.statements.set(src, arr);
      ix.compile(src, true);
    }
    return ix;
  }

  /** Rebuild from a ledger: one scan, then full records only for the few sources a scan cannot resolve. */
  static async fromLedger(policy: ListPolicy, ledger: Ledger): Promise<DecisionIndex> {
    const [cols, subjects] = await Promise.all([ledger.scan(), ledger.subjects()]);
    const ix = DecisionIndex.fromColumns(policy, cols, subjects, ledger.catalogue);
    await ix.sync(ledger);
    return ix;
  }

  /** Re-read full records (with case numbers and ids) for sources the scan left ambiguous. */
  async sync(ledger: Pick<Ledger, 'readSubject'>): Promise<number> {
    const todo = [...this.stale];
    for (const src of todo) {
      const recs = await ledger.readSubject(this.ids[src]!);
      this.statements.set(src, recs.filter((r) => this.relevantKinds.has(r.kind)).map(statementOf));
      this.stale.delete(src);
      this.compile(src, false);
    }
    return todo.length;
  }

  /** Number of sources waiting for `sync`. */
  get pending(): number {
    return this.stale.size;
  }

  /**
   * Take in one new statement. Returns false when the record plays no part in any list. A correction or withdrawal
   * of a statement that came from a scan cannot be matched by id; the source is then marked for `sync`.
   */
  apply(r: CreditRecord): boolean {
    if (!this.relevantKinds.has(r.kind)) return false;
    const src = this.ensure(r.subject);
    const st = statementOf(r);
    const arr = this.statements.get(src);
    if (arr?.some((x) => x.ref === st.ref)) return true;
    if (arr) arr.push(st);
    else this.statements.set(src, [st]);
    if (
      st.supersedes !== undefined &&
      !arr?.some((x) => x.ref === st.supersedes) &&
      arr?.some((x) => x.ref.startsWith('#'))
    )
      this.stale.add(src);
    this.compile(src, false);
    return true;
  }

  /** Insert or replace a register entry; links changed, so the measures reaching through them are recomputed. */
  putSubject(s: Subject): void {
    const old = this.register.get(s.id);
    this.register.put(s);
    const sources = new Set<string>([s.id, ...(old?.parents ?? []), ...(s.parents ?? [])]);
    for (const id of sources) {
      const src = this.ensure(id);
      if (this.statements.has(src) || this.bySource.has(src)) this.compile(src, false);
    }
  }

  private ensure(id: string): number {
    let i = this.idx.get(id);
    if (i < 0) {
      i = this.ids.length;
      this.ids.push(id);
      this.idx.set(id, i);
      if (i >= this.head.length) {
        const h = new Int32Array(this.head.length * 2).fill(-1);
        h.set(this.head);
        this.head = h;
      }
    }
    return i;
  }

  private grow(min: number): void {
    if (min <= this.cap) return;
    const cap = Math.max(min, this.cap * 2, 1024);
    const g16 = (a: Uint16Array) => {
      const b = new Uint16Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    const gi = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.cFrom = g16(this.cFrom);
    this.cUntil = g16(this.cUntil);
    this.cDeny = g32(this.cDeny);
    this.cRestrict = g32(this.cRestrict);
    this.cIncent = g32(this.cIncent);
    this.cNext = gi(this.cNext);
    this.cTarget = gi(this.cTarget);
    this.cap = cap;
  }

  private removeSource(src: number): void {
    const cs = this.bySource.get(src);
    if (!cs) return;
    for (const c of cs) {
      const t = this.cTarget[c]!;
      let p = -1;
      for (let x = this.head[t]!; x >= 0; p = x, x = this.cNext[x]!)
        if (x === c) {
          if (p < 0) this.head[t] = this.cNext[x]!;
          else this.cNext[p] = this.cNext[x]!;
          break;
        }
      this.cInfo[c] = undefined;
      this.free.push(c);
      this.live--;
    }
    this.bySource.delete(src);
  }

  private add(target: number, from: number, until: number, info: ContributionInfo, src: number): void {
    let deny = 0;
    let restrict = 0;
    let incent = 0;
    for (const { am, effect } of info.measures) {
      const o = OUTCOME_CODE[outcomeOf(effect)];
      for (const a of am.measure.actions) {
        const bit = 1 << this.policy.actionIndex(a);
        if (o === 3) deny |= bit;
        else if (o === 2) restrict |= bit;
        else incent |= bit;
      }
    }
    let c = this.free.pop();
    if (c === undefined) {
      this.grow(this.used + 1);
      c = this.used++;
    }
    this.cFrom[c] = Math.max(0, from);
    this.cUntil[c] = until;
    this.cDeny[c] = deny >>> 0;
    this.cRestrict[c] = restrict >>> 0;
    this.cIncent[c] = incent >>> 0;
    this.cTarget[c] = target;
    this.cNext[c] = this.head[target]!;
    this.head[target] = c;
    this.cInfo[c] = info;
    this.live++;
    const cs = this.bySource.get(src);
    if (cs) cs.push(c);
    else this.bySource.set(src, [c]);
  }

  /** Recompute everything that follows from one source's statements (its own and its relational reach). */
  private compile(src: number, fromScan: boolean): void {
    this.removeSource(src);
    const stmts = this.statements.get(src);
    if (!stmts?.length) return;
    const { entries, anomalies } = entriesOf(this.policy, stmts);
    if (fromScan && anomalies.some((a) => a.code === 'list.anomaly.ambiguous_case')) this.stale.add(src);
    const sourceId = this.ids[src]!;
    for (const e of entries) {
      const li = this.policy.listIndex(e.list);
      const ams = this.policy.measuresOf(li);
      const until = e.until === null ? OPEN : Math.min(e.until, OPEN);
      // Measures start on their instrument's in-force day: cut the entry at those days.
      const cuts = [...new Set(ams.map((a) => a.from).filter((d) => d > e.since && d < until))].sort(
        (a, b) => a - b,
      );
      const bounds = [e.since, ...cuts, until];
      for (const rel of this.policy.relationsOf(li)) {
        const targets = this.register.targetsOf(sourceId, rel);
        if (!targets.length) continue;
        for (let b = 0; b + 1 < bounds.length; b++) {
          const from = bounds[b]!;
          const measures: ContributionInfo['measures'] = [];
          for (const am of ams) {
            if (am.from > from) continue;
            if (
              am.measure.criteria &&
              (e.criterion === undefined || !am.measure.criteria.includes(e.criterion))
            )
              continue;
            const effect = this.policy.effectFor(am.measure, rel);
            if (effect) measures.push({ am, effect });
          }
          if (!measures.length) continue;
          const info: ContributionInfo = { entry: e, relation: rel, measures };
          for (const t of targets) this.add(this.ensure(t), from, bounds[b + 1]!, info, src);
        }
      }
    }
  }

  // ---- the hot path ----

  /**
   * Subject index for `decideIdx`, or -1 when nothing has ever reached the subject (the answer is then 'allow').
   * A subject first reached later gets an index then: callers that keep indexes should use `slot`.
   */
  indexOf(subject: string): number {
    return this.idx.get(subject);
  }

  /** A stable index for `decideIdx`, allocated now if need be (slots exist only for subjects asked about or reached). */
  slot(subject: string): number {
    return this.ensure(subject);
  }

  /**
   * Outcome code (0 allow, 1 incentive, 2 restrict, 3 deny) for subject index `s`, action bit `a`, epoch day `day`.
   * No allocation, no type check of the action against the subject (the string API does that).
   */
  decideIdx(s: number, a: number, day: number): number {
    if (s < 0) return 0;
    const bit = 1 << a;
    let out = 0;
    for (let c = this.head[s]!; c >= 0; c = this.cNext[c]!) {
      if (day < this.cFrom[c]! || day >= this.cUntil[c]!) continue;
      if ((this.cDeny[c]! & bit) !== 0) return 3;
      if ((this.cRestrict[c]! & bit) !== 0) out = 2;
      else if (out === 0 && (this.cIncent[c]! & bit) !== 0) out = 1;
    }
    return out;
  }

  /** Outcome by ids and ISO date; checks the action is known and fits the subject's type. */
  outcome(subject: string, action: string, date: string): Outcome {
    const a = checkAction(this.policy, this.register, subject, action);
    return OUTCOMES[this.decideIdx(this.indexOf(subject), a, toEpochDay(date))]!;
  }

  /** The decision with every reason, from the per-entry info the contributions point at. */
  decide(subject: string, action: string, date: string): Decision {
    const a = checkAction(this.policy, this.register, subject, action);
    const day = toEpochDay(date);
    if (Number.isNaN(day))
      throw new MosaicError({ code: 'decide.bad_date', message: `'${date}' is not YYYY-MM-DD` });
    const s = this.indexOf(subject);
    const reasons: Reason[] = [];
    if (s >= 0)
      for (let c = this.head[s]!; c >= 0; c = this.cNext[c]!) {
        if (day < this.cFrom[c]! || day >= this.cUntil[c]!) continue;
        const info = this.cInfo[c]!;
        for (const { am, effect } of info.measures)
          if (am.measure.actions.includes(action))
            reasons.push(reasonFor(this.policy, info.entry, am, info.relation, effect));
      }
    const code = this.decideIdx(s, a, day);
    return {
      subject,
      action,
      date: fromEpochDay(day),
      outcome: OUTCOMES[code]!,
      reasons: sortReasons(reasons),
    };
  }

  /** The lifecycle statements the index holds for a subject (what `requestListing` and `dutiesOf` take). */
  statementsOf(subject: string): readonly ListStatement[] {
    const s = this.indexOf(subject);
    return (s < 0 ? undefined : this.statements.get(s)) ?? [];
  }

  /** The subject's own list entries (as a listed party), as the index holds them. */
  entriesOf(subject: string): ListEntry[] {
    const s = this.indexOf(subject);
    const st = s < 0 ? undefined : this.statements.get(s);
    return st ? entriesOf(this.policy, st).entries : [];
  }

  /** The raw contributions on subject index `s` (for exports, audits and peers built from the same state). */
  contributionsOf(
    s: number,
  ): { from: number; until: number; deny: number; restrict: number; incentive: number }[] {
    const out = [];
    for (let c = s < 0 ? -1 : this.head[s]!; c >= 0; c = this.cNext[c]!)
      out.push({
        from: this.cFrom[c]!,
        until: this.cUntil[c]!,
        deny: this.cDeny[c]!,
        restrict: this.cRestrict[c]!,
        incentive: this.cIncent[c]!,
      });
    return out;
  }

  stats(): { subjects: number; sources: number; contributions: number; pending: number } {
    return {
      subjects: this.ids.length,
      sources: this.statements.size,
      contributions: this.live,
      pending: this.stale.size,
    };
  }
}
