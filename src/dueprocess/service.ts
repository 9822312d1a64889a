// The due-process commands: each checks its input against the current state, writes superseding ledger records
// where an outcome corrects data, and appends its statements. Queries answer as of any day.
import type { WorkingCalendar } from '../core/calendar.js';
import { isIsoDate, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { validateSubjectId } from '../core/identifiers.js';
import { makeRecord, type CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { dueProcessCalendar } from './deadlines.js';
import type { EvidenceStore } from './evidence.js';
import { overdueByBody, type BodyKpi } from './kpi.js';
import type { DueProcessLog } from './log.js';
import type { ObjectionState } from './objection.js';
import { shippedDueProcessPolicy, type DueProcessPolicy } from './policy.js';
import { countdown, type Countdown, type PublicationState } from './publication.js';
import { checkRepair, type EligibilityCheck, type RepairState } from './repair.js';
import { subjectReport, type SubjectReport } from './report.js';
import { applyStatement, cloneState, foldStatements, type DueProcessState } from './state.js';
import {
  makeStatement,
  type Draft,
  type EvidenceRef,
  type ObjectionOutcome,
  type RepairOutcome,
  type Statement,
  type Target,
} from './statements.js';

/** How a decision changes a record: withdraw it, or correct some of its fields. */
export type CorrectionSpec =
  | { record: string; action: 'withdraw' }
  | {
      record: string;
      action: 'correct';
      set: Partial<Pick<CreditRecord, 'kind' | 'occurredAt' | 'amount' | 'severity' | 'basis'>>;
    };

export interface FileObjectionInput {
  subject: string;
  /** Defaults to the subject. */
  filer?: string;
  agent?: boolean;
  target: Target;
  reasons: string;
  evidence?: EvidenceRef[];
  day: string;
}

export interface DecideObjectionInput {
  objection: string;
  day: string;
  outcome: ObjectionOutcome;
  reasons: string;
  corrections?: CorrectionSpec[];
}

export interface PublishInput {
  record: string;
  subject: string;
  family: string;
  class: string;
  day: string;
  body?: string;
  decided?: string;
  restrictionMonths?: number;
}

export interface ApplyRepairInput {
  publication: string;
  day: string;
  facts: Record<string, boolean>;
  evidence?: EvidenceRef[];
}

export interface DueProcessServiceOptions {
  policy?: DueProcessPolicy;
  calendar?: WorkingCalendar;
  evidence?: EvidenceStore;
}

function bad(code: string, message: string): never {
  throw new MosaicError({ code, message });
}

function checkDay(day: string, what = 'day'): void {
  if (!isIsoDate(day)) bad('dueprocess.bad_date', `${what} ${day} is not a YYYY-MM-DD date`);
}

/** As-of states a service keeps at most (see `DueProcessService.asOfStates`). */
const MAX_AS_OF_STATES = 64;

export class DueProcessService {
  readonly policy: DueProcessPolicy;
  readonly calendar: WorkingCalendar;
  private readonly evidence: EvidenceStore | undefined;
  private current: DueProcessState;
  /** Commands run one at a time: each sees the state the previous one left. */
  private chain: Promise<unknown> = Promise.resolve();
  /**
   * States as of a day, folded from the log once and kept until this service next writes it. The service is the
   * log's one writer while it runs (its commands are checked against `current`, which only its own writes
   * move), so nothing else changes what a kept state was folded from; a credit report would otherwise read the
   * log once per request (docs/decisions/0167).
   */
  private readonly asOfStates = new Map<string, Promise<DueProcessState>>();

  private constructor(
    readonly ledger: Ledger,
    readonly log: DueProcessLog,
    opts: DueProcessServiceOptions,
    statements: readonly Statement[],
  ) {
    this.policy = opts.policy ?? shippedDueProcessPolicy();
    this.calendar = opts.calendar ?? dueProcessCalendar();
    this.evidence = opts.evidence;
    this.current = foldStatements(statements, undefined, this.policy, this.calendar);
  }

  /** Open over an existing log: the state is rebuilt from its statements (a restart loses nothing acknowledged). */
  static async open(
    ledger: Ledger,
    log: DueProcessLog,
    opts: DueProcessServiceOptions = {},
  ): Promise<DueProcessService> {
    return new DueProcessService(ledger, log, opts, await log.read());
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Check drafts against a copy of the state, then append them; the live state changes only after the write. */
  private async commit(drafts: Draft[]): Promise<Statement[]> {
    const statements = drafts.map((d) => makeStatement(d));
    const trial = cloneState(this.current);
    for (const s of statements) applyStatement(trial, s, this.policy, this.calendar);
    try {
      await this.log.append(statements);
    } finally {
      // Any kept as-of state may predate a statement just written (a statement's day can be in the past); a
      // failed append may still have been stored.
      this.asOfStates.clear();
    }
    this.current = trial;
    return statements;
  }

  private async checkEvidence(refs: readonly EvidenceRef[]): Promise<void> {
    if (!this.evidence) return;
    for (const r of refs)
      if (!(await this.evidence.has(r.sha256)))
        bad('evidence.unknown', `evidence ${r.sha256} (${r.name}) was not uploaded`);
  }

  private async findRecord(subject: string, id: string, day: string): Promise<CreditRecord> {
    const rec = (await this.ledger.readSubject(subject, day)).find((r) => r.id === id);
    if (!rec) bad('dueprocess.unknown_record', `subject ${subject} has no record ${id} known on ${day}`);
    return rec;
  }

  fileObjection(input: FileObjectionInput): Promise<ObjectionState> {
    return this.run(async () => {
      checkDay(input.day);
      const id = validateSubjectId(input.subject);
      if (!id.ok) bad('dueprocess.bad_subject', `${input.subject}: ${id.message}`);
      const evidence = input.evidence ?? [];
      await this.checkEvidence(evidence);
      let body: string;
      let kind: string | undefined;
      const t = input.target;
      if (t.type === 'record' || t.type === 'list_entry') {
        const rec = await this.findRecord(input.subject, t.ref, input.day);
        body = rec.agency;
        kind = rec.kind;
      } else if (t.type === 'publication') {
        const pub = this.current.publications.get(t.ref);
        if (!pub || pub.subject !== input.subject)
          bad('publication.unknown', `subject ${input.subject} has no publication ${t.ref}`);
        body = pub.body;
        kind = (await this.findRecord(input.subject, pub.record, input.day)).kind;
      } else {
        const rep = this.current.repairs.get(t.ref);
        if (!rep || rep.subject !== input.subject)
          bad('repair.unknown', `subject ${input.subject} has no repair ${t.ref}`);
        body = rep.body;
      }
      const jurisdiction = (await this.ledger.getSubject(input.subject))?.jurisdiction;
      const channel = this.policy.route({
        target: t.type,
        ...(kind !== undefined ? { kind } : {}),
        ...(jurisdiction !== undefined ? { jurisdiction } : {}),
      });
      const [s] = await this.commit([
        {
          type: 'objection.filed',
          day: input.day,
          subject: input.subject,
          filer: input.filer ?? input.subject,
          ...(input.agent ? { agent: true } : {}),
          target: { type: t.type, ref: t.ref },
          ...(kind !== undefined ? { kind } : {}),
          reasons: input.reasons,
          evidence,
          channel: channel.code,
          body,
        },
      ]);
      return this.current.objections.get(s!.id)!;
    });
  }

  addEvidence(objection: string, day: string, evidence: EvidenceRef[]): Promise<ObjectionState> {
    return this.run(async () => {
      checkDay(day);
      await this.checkEvidence(evidence);
      await this.commit([{ type: 'objection.evidence_added', day, objection, evidence }]);
      return this.current.objections.get(objection)!;
    });
  }

  referObjection(objection: string, day: string, reason: string): Promise<ObjectionState> {
    return this.run(async () => {
      checkDay(day);
      await this.commit([{ type: 'objection.referred', day, objection, reason }]);
      return this.current.objections.get(objection)!;
    });
  }

  withdrawObjection(objection: string, day: string): Promise<ObjectionState> {
    return this.run(async () => {
      checkDay(day);
      await this.commit([{ type: 'objection.withdrawn', day, objection }]);
      return this.current.objections.get(objection)!;
    });
  }

  /**
   * Decide an objection. Corrections become new ledger records (status correction or withdrawal, superseding the
   * original, reported on the decision day); the original stays, so reports as of earlier days are unchanged.
   */
  decideObjection(
    input: DecideObjectionInput,
  ): Promise<{ objection: ObjectionState; records: CreditRecord[] }> {
    return this.run(async () => {
      checkDay(input.day);
      const o = this.current.objections.get(input.objection);
      if (!o) bad('objection.unknown', `no objection ${input.objection}`);
      const records: CreditRecord[] = [];
      for (const c of input.corrections ?? []) {
        const orig = await this.findRecord(o.subject, c.record, input.day);
        const { id: _id, status: _status, supersedes: _sup, ...fields } = orig;
        void _id;
        void _status;
        void _sup;
        records.push(
          makeRecord({
            ...fields,
            ...(c.action === 'correct' ? c.set : {}),
            reportedAt: input.day,
            status: c.action === 'withdraw' ? 'withdrawal' : 'correction',
            supersedes: orig.id,
          }),
        );
      }
      const drafts: Draft[] = [
        {
          type: 'objection.decided',
          day: input.day,
          objection: input.objection,
          outcome: input.outcome,
          reasons: input.reasons,
          corrections: records.map((r) => r.id),
        },
      ];
      if (input.outcome !== 'rejected' && o.target.type === 'publication')
        drafts.push({
          type: 'publication.stopped',
          day: input.day,
          publication: o.target.ref,
          cause: 'objection',
          ref: o.id,
        });
      // Check the statements first, then write the records (idempotent by id), then the statements: a crash between
      // the two writes leaves records a retry finds already stored.
      const trial = cloneState(this.current);
      for (const d of drafts) applyStatement(trial, makeStatement(d), this.policy, this.calendar);
      if (records.length) await this.ledger.append(records);
      await this.commit(drafts);
      return { objection: this.current.objections.get(input.objection)!, records };
    });
  }

  publish(input: PublishInput): Promise<PublicationState> {
    return this.run(async () => {
      checkDay(input.day);
      if (input.decided !== undefined) checkDay(input.decided, 'decided');
      const rec = await this.findRecord(input.subject, input.record, input.day);
      const [s] = await this.commit([
        {
          type: 'publication.published',
          day: input.day,
          subject: input.subject,
          record: rec.id,
          family: input.family,
          class: input.class,
          body: input.body ?? rec.agency,
          ...(input.decided !== undefined ? { decided: input.decided } : {}),
          ...(input.restrictionMonths !== undefined ? { restrictionMonths: input.restrictionMonths } : {}),
        },
      ]);
      return this.current.publications.get(s!.id)!;
    });
  }

  markCorrected(publication: string, day: string, evidence: EvidenceRef[] = []): Promise<PublicationState> {
    return this.run(async () => {
      checkDay(day);
      await this.checkEvidence(evidence);
      await this.commit([{ type: 'publication.corrected', day, publication, evidence }]);
      return this.current.publications.get(publication)!;
    });
  }

  /** What an application would meet today, without filing it. */
  checkRepair(publication: string, day: string, facts: Record<string, boolean>): EligibilityCheck {
    checkDay(day);
    const pub = this.current.publications.get(publication);
    if (!pub) bad('publication.unknown', `no publication ${publication}`);
    return checkRepair(pub, facts, toEpochDay(day), this.policy, this.calendar);
  }

  /** File a repair application: refused at intake with each unmet condition stated, or accepted and routed. */
  applyRepair(input: ApplyRepairInput): Promise<RepairState> {
    return this.run(async () => {
      checkDay(input.day);
      const pub = this.current.publications.get(input.publication);
      if (!pub) bad('publication.unknown', `no publication ${input.publication}`);
      const evidence = input.evidence ?? [];
      await this.checkEvidence(evidence);
      const check = checkRepair(pub, input.facts, toEpochDay(input.day), this.policy, this.calendar);
      const [s] = await this.commit([
        {
          type: 'repair.applied',
          day: input.day,
          subject: pub.subject,
          publication: pub.id,
          regime: check.regime,
          class: check.class,
          facts: { ...input.facts },
          evidence,
          checks: check.checks,
          accepted: check.eligible,
        },
      ]);
      return this.current.repairs.get(s!.id)!;
    });
  }

  forwardRepair(repair: string, day: string): Promise<RepairState> {
    return this.run(async () => {
      checkDay(day);
      const r = this.current.repairs.get(repair);
      if (!r) bad('repair.unknown', `no repair ${repair}`);
      await this.commit([{ type: 'repair.forwarded', day, repair, to: r.body }]);
      return this.current.repairs.get(repair)!;
    });
  }

  /** Decide a repair; a grant stops publication the same day. */
  decideRepair(repair: string, day: string, outcome: RepairOutcome, reasons: string): Promise<RepairState> {
    return this.run(async () => {
      checkDay(day);
      const r = this.current.repairs.get(repair);
      if (!r) bad('repair.unknown', `no repair ${repair}`);
      const drafts: Draft[] = [{ type: 'repair.decided', day, repair, body: r.body, outcome, reasons }];
      if (outcome === 'granted')
        drafts.push({
          type: 'publication.stopped',
          day,
          publication: r.publication,
          cause: 'repair',
          ref: repair,
        });
      await this.commit(drafts);
      return this.current.repairs.get(repair)!;
    });
  }

  /** The state as of a day (the live state when omitted). */
  async state(asOf?: string): Promise<DueProcessState> {
    if (asOf === undefined) return this.current;
    checkDay(asOf, 'as-of day');
    let st = this.asOfStates.get(asOf);
    if (!st) {
      // A bounded memory: requests name few days (typically today), and a full map is simply started again.
      if (this.asOfStates.size >= MAX_AS_OF_STATES) this.asOfStates.clear();
      const folded = this.log
        .read(asOf)
        .then((statements) => foldStatements(statements, asOf, this.policy, this.calendar));
      st = folded;
      this.asOfStates.set(asOf, folded);
      // A failed read is not kept: the next request reads again.
      folded.catch(() => {
        if (this.asOfStates.get(asOf) === folded) this.asOfStates.delete(asOf);
      });
    }
    return st;
  }

  async report(subject: string, asOf: string): Promise<SubjectReport> {
    checkDay(asOf, 'as-of day');
    const [records, st] = await Promise.all([this.ledger.readSubject(subject, asOf), this.state(asOf)]);
    return subjectReport(subject, records, st, asOf, this.policy, this.calendar);
  }

  async overdue(asOf: string): Promise<BodyKpi[]> {
    return overdueByBody(await this.state(asOf), toEpochDay(asOf), this.calendar);
  }

  async countdowns(subject: string, asOf: string): Promise<Countdown[]> {
    const st = await this.state(asOf);
    const day = toEpochDay(asOf);
    return [...st.publications.values()]
      .filter((p) => p.subject === subject && p.published <= day)
      .map((p) => countdown(p, day, this.policy, this.calendar));
  }
}
