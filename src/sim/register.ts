// The subject register of a run: identifiers by simulation index, and the register written to the ledger a slice per
// epoch (the initial subjects) plus each epoch's births.
import { DuckDBLedger, csvField, packList } from '../ledger/duckdb/duckdb-ledger.js';
import type { Ledger } from '../ledger/ledger.js';
import { iso } from './days.js';
import { firmUscc, residentId } from './ids.js';
import type { LedgerQueue } from './ledger-queue.js';
import { registerEntry } from './lists.js';
import { REGISTER_ROLES } from './roles.js';
import type { World } from './world.js';

/** Subjects per register slice: queued all at once, the register's text and the record batches behind it sat in memory
 * for most of a 1M-resident run (decision 0066). */
const REGISTER_SLICE = 90_000;

export function personId(w: World, i: number): string {
  const P = w.persons;
  return residentId(w.layout.districts[P.district[i]!]!.code, P.birth[i]!, P.seq[i]!);
}

/** Ids of every subject by simulation index: persons existing at the start, '' for birth slots, then firms. */
export function subjectIds(w: World): string[] {
  const P = w.persons;
  const F = w.firms;
  const ids = new Array<string>(P.length + F.length).fill('');
  for (const d of w.layout.districts)
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) ids[i] = personId(w, i);
  for (let f = 0; f < F.length; f++)
    ids[P.length + f] = firmUscc(
      w.typePairs[F.sector[f]!]!,
      w.layout.districts[F.district[f]!]!.code,
      F.counter[f]!,
    );
  return ids;
}

/** Simulation indexes of the persons existing at the start (not the birth slots), then of the firms. */
function initialSubjects(w: World): Int32Array {
  const out: number[] = [];
  for (const d of w.layout.districts)
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) out.push(i);
  for (let f = 0; f < w.firms.length; f++) out.push(w.persons.length + f);
  return Int32Array.from(out);
}

/** Writes the register through the ledger queue, a slice at a time (each generated only when the queue reaches it).
 * Nothing in the run reads the register back; engines read the mirror and the index. */
export class RegisterFeed {
  private readonly initial: Int32Array;
  private registered = 0;
  constructor(
    private readonly w: World,
    private readonly ids: string[],
    private readonly q: LedgerQueue,
    private readonly scheme: string | undefined,
  ) {
    this.initial = initialSubjects(w);
  }

  /** Queue the next slice of the initial register together with `born`. */
  slice(born: number[] = []): void {
    const slice = this.initial.subarray(this.registered, this.registered + REGISTER_SLICE);
    this.registered += slice.length;
    if (slice.length + born.length === 0) return;
    const subjects = Int32Array.from([...slice, ...born]);
    this.q.queue('register', () => registerSubjects(this.q.ledger, this.w, this.ids, subjects, this.scheme));
  }

  /** Queue whatever of the initial register is left. */
  rest(): void {
    while (this.registered < this.initial.length) this.slice();
  }
}

async function registerSubjects(
  ledger: Ledger,
  w: World,
  ids: string[],
  subjects: Int32Array,
  scheme?: string,
): Promise<void> {
  // Batches are handed over without waiting for each to be stored: the ledger serialises them at once (so these
  // objects die young) and loads the queued ones together.
  const stored: Promise<void>[] = [];
  if (ledger instanceof DuckDBLedger) {
    // The DuckDB ledger takes the register as its CSV text: built here straight from the columns, with no Subject
    // object per subject to build, check and serialise (most of the main thread's register cost, decision 0155).
    const lines = new RegisterLines(w, ids, scheme);
    for (let a = 0; a < subjects.length; a += REGISTER_BATCH) {
      const b = Math.min(subjects.length, a + REGISTER_BATCH);
      const text: string[] = [];
      for (let k = a; k < b; k++) text.push(lines.line(subjects[k]!));
      text.push('');
      stored.push(ledger.putSubjectsCsv(text.join('\n'), b - a));
    }
    await Promise.all(stored);
    return;
  }
  let batch = [];
  for (const i of subjects) {
    batch.push(registerEntry(w, ids, i, scheme));
    if (batch.length >= REGISTER_BATCH) {
      stored.push(ledger.putSubjects(batch));
      batch = [];
    }
  }
  if (batch.length) stored.push(ledger.putSubjects(batch));
  await Promise.all(stored);
}

/** Subjects per register batch handed to the ledger. */
const REGISTER_BATCH = 10_000;

/**
 * Register entries as the DuckDB ledger's CSV lines (its subjectsCsv over registerEntry, field for field: id, type,
 * jurisdiction, roles, name, hukou, birthDate, sex, legalRepresentative, principal, actualController, district,
 * consents, parents, directlyResponsible; register.test.ts holds the two equal). Every subject of a run is distinct,
 * so no line repeats an id; ids, codes and dates are built by the simulation and hold no quote or control character
 * (what the ledger's checks would refuse).
 */
export class RegisterLines {
  private readonly code: string[];
  private readonly roles: string[] = [];
  private readonly consents: string;
  constructor(
    private readonly w: World,
    private readonly ids: string[],
    scheme?: string,
  ) {
    this.code = w.layout.districts.map((d) => csvField(d.code));
    for (let bits = 0; bits < 256; bits++)
      this.roles.push(csvField(packList(REGISTER_ROLES.filter(([b]) => bits & b).map(([, r]) => r))));
    this.consents = scheme ? csvField(packList([scheme])) : '';
  }

  line(i: number): string {
    const w = this.w;
    const P = w.persons;
    const ids = this.ids;
    if (i < P.length) {
      const code = this.code[P.district[i]!]!;
      const m = P.mother[i]!;
      const f = P.father[i]!;
      const parents =
        m >= 0 || f >= 0
          ? csvField(packList(m >= 0 && f >= 0 ? [ids[m]!, ids[f]!] : [ids[m >= 0 ? m : f]!]))
          : '';
      return (
        `${csvField(ids[i]!)},"natural",${code},${this.roles[P.roles[i]!]!},,` +
        `${P.hukou[i] ? '"rural"' : '"urban"'},"${iso(P.birth[i]!)}",${P.sex[i] ? '"M"' : '"F"'},,,,${code},` +
        `${P.consent[i] ? this.consents : ''},${parents},`
      );
    }
    const F = w.firms;
    const k = i - P.length;
    const code = this.code[F.district[k]!]!;
    const rep = F.legalRep[k]! >= 0 ? csvField(ids[F.legalRep[k]!]!) : '';
    const ctl = F.controller[k]! >= 0 ? csvField(ids[F.controller[k]!]!) : '';
    return `${csvField(ids[i]!)},"legal",${code},"",,,,,${rep},,${ctl},${code},,,`;
  }
}
