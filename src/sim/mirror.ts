// The simulation's columnar view of what it has appended to the ledger, in the RecordColumns shape the fast
// evaluator reads, with the subject dictionary aligned to the simulation's subject index (persons, then firms).
import { levelCode, type Catalogue } from '../core/catalogue.js';
import { toEpochDay } from '../core/dates.js';
import type { CreditRecord } from '../core/types.js';
import type { RecordColumns } from '../ledger/ledger.js';

export class RecordMirror {
  private n = 0;
  private cap = 0;
  private subject = new Uint32Array(0);
  private kind = new Uint16Array(0);
  private agency = new Uint16Array(0);
  private occurred = new Uint16Array(0);
  private reported = new Uint16Array(0);
  private amount = new Float64Array(0);
  private severity = new Uint8Array(0);
  private level = new Uint8Array(0);
  private status = new Uint8Array(0);
  private readonly agencies: string[] = [];
  private readonly agencyIdx = new Map<string, number>();
  private readonly cat: Catalogue;
  /** Records repeat the same few thousand dates: parse each once. */
  private readonly dayOf = new Map<string, number>();
  /** Subject ids by simulation index ('' for slots of persons not yet born). */
  readonly subjects: string[];

  constructor(cat: Catalogue, subjects: string[]) {
    this.cat = cat;
    this.subjects = subjects;
  }

  get length(): number {
    return this.n;
  }

  append(r: CreditRecord, subjectIndex: number): void {
    if (this.n === this.cap) this.grow(Math.max(1024, this.cap * 2));
    const i = this.n++;
    const k = this.cat.index(r.kind);
    let a = this.agencyIdx.get(r.agency);
    if (a === undefined) {
      a = this.agencies.length;
      this.agencies.push(r.agency);
      this.agencyIdx.set(r.agency, a);
    }
    this.subject[i] = subjectIndex;
    this.kind[i] = k;
    this.agency[i] = a;
    this.occurred[i] = this.day(r.occurredAt);
    this.reported[i] = this.day(r.reportedAt);
    this.amount[i] = r.amount ?? NaN;
    this.severity[i] = this.cat.severityCode(k, r.severity);
    this.level[i] = levelCode(r.level);
    this.status[i] = 0;
  }

  private day(iso: string): number {
    let d = this.dayOf.get(iso);
    if (d === undefined) this.dayOf.set(iso, (d = toEpochDay(iso)));
    return d;
  }

  private grow(cap: number): void {
    const g = <T extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(
      a: T,
      C: new (n: number) => T,
    ): T => {
      const b = new C(cap);
      b.set(a);
      return b;
    };
    this.subject = g(this.subject, Uint32Array);
    this.kind = g(this.kind, Uint16Array);
    this.agency = g(this.agency, Uint16Array);
    this.occurred = g(this.occurred, Uint16Array);
    this.reported = g(this.reported, Uint16Array);
    this.amount = g(this.amount, Float64Array);
    this.severity = g(this.severity, Uint8Array);
    this.level = g(this.level, Uint8Array);
    this.status = g(this.status, Uint8Array);
    this.cap = cap;
  }

  /** A view (no copy) of the records so far. The simulation never issues corrections, so supersession is empty. */
  columns(): RecordColumns {
    const n = this.n;
    return {
      length: n,
      subject: this.subject.subarray(0, n),
      kind: this.kind.subarray(0, n),
      agency: this.agency.subarray(0, n),
      occurred: this.occurred.subarray(0, n),
      reported: this.reported.subarray(0, n),
      amount: this.amount.subarray(0, n),
      severity: this.severity.subarray(0, n),
      level: this.level.subarray(0, n),
      status: this.status.subarray(0, n),
      supersedeFrom: new Int32Array(0),
      supersedeTo: new Int32Array(0),
      subjects: this.subjects,
      agencies: this.agencies,
    };
  }
}
