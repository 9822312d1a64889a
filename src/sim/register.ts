// The subject register of a run: identifiers by simulation index, and the register written to the ledger a slice per
// epoch (the initial subjects) plus each epoch's births.
import type { Ledger } from '../ledger/ledger.js';
import { firmUscc, residentId } from './ids.js';
import type { LedgerQueue } from './ledger-queue.js';
import { registerEntry } from './lists.js';
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
  let batch = [];
  for (const i of subjects) {
    batch.push(registerEntry(w, ids, i, scheme));
    if (batch.length >= 10_000) {
      stored.push(ledger.putSubjects(batch));
      batch = [];
    }
  }
  if (batch.length) stored.push(ledger.putSubjects(batch));
  await Promise.all(stored);
}
