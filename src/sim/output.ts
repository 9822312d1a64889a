// Writes a run directory (docs/RUN-FORMAT.md): events and time series streamed to CSV while the run goes, then
// population, firms, events and time series converted to Parquet with DuckDB at the end.
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  rmSync,
  writeSync,
  type WriteStream,
} from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MosaicError } from '../core/errors.js';
import { iso } from './days.js';
import type { EventBuffers } from './district.js';
import {
  EDU_NAMES,
  OCC_NAMES,
  ROLE_CADRE,
  ROLE_COLLECTOR,
  ROLE_LEGAL_REP,
  ROLE_PARTY,
  ROLE_STATE,
  type DistrictLayout,
  type World,
} from './world.js';

/** A CSV stream with backpressure: awaits 'drain' when the kernel buffer is full. */
export class CsvStream {
  private readonly s: WriteStream;
  // Lines without their newline: `text + '\n'` would make a two-part string per line for the join to flatten.
  private buf: string[] = [];
  private size = 0;
  constructor(file: string, header: string) {
    this.s = createWriteStream(file);
    this.buf.push(header);
  }
  line(text: string): void {
    this.buf.push(text);
    this.size += text.length;
  }
  async flush(): Promise<void> {
    if (!this.buf.length) return;
    this.buf.push('');
    const chunk = this.buf.join('\n');
    this.buf = [];
    this.size = 0;
    if (!this.s.write(chunk)) await new Promise<void>((r) => this.s.once('drain', () => r()));
  }
  /** Bytes written as they are, after whatever lines are buffered. */
  async bytes(b: Uint8Array): Promise<void> {
    await this.flush();
    if (b.length && !this.s.write(b)) await new Promise<void>((r) => this.s.once('drain', () => r()));
  }
  get pending(): number {
    return this.size;
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) =>
      this.s.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }
}

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const SMALL = Array.from({ length: 1024 }, (_, i) => String(i));
/** Decimal text of a small non-negative integer (event types, agencies), from a table. */
const small = (n: number): string => SMALL[n] ?? String(n);

/**
 * One line of events.csv. Ids, dates and small codes as cached strings: turning a number into text costs more than
 * the rest of the line.
 */
export function eventLine(e: EventBuffers, k: number, id: string): string {
  const amt = e.amount[k]!;
  return `${e.id[k]},${id},${small(e.type[k]!)},${iso(e.day[k]!)},${Number.isNaN(amt) ? '' : amt},${e.agency[k]! < 0 ? '' : small(e.agency[k]!)},${e.recorded[k] ? 'true' : 'false'},${e.recordId[k] ?? ''},${e.fabricated[k] ? 'true' : 'false'}`;
}

/**
 * The lines of events.csv for a buffer of events, as UTF-8 (transferable): a district worker formats its own
 * events, so the main thread, the run's bottleneck, only writes the bytes (decision 0156). `idOf` names a subject.
 */
export function eventsCsv(e: EventBuffers, idOf: (subject: number) => string): Uint8Array {
  const n = e.id.length;
  if (!n) return new Uint8Array(0);
  // Each line is encoded as soon as it is made (no array of lines, no joined text to encode again, decision 0171),
  // into a buffer of its own (transferred to the main thread whole) that doubles when a line would not fit.
  let buf = Buffer.from(new ArrayBuffer(n * EVENT_LINE_BYTES));
  let at = 0;
  for (let k = 0; k < n; k++) {
    const line = eventLine(e, k, idOf(e.subject[k]!));
    // 3 bytes per UTF-16 unit bound the UTF-8 length of any line.
    const most = (line.length + 1) * 3;
    if (at + most > buf.length) {
      const grown = Buffer.from(new ArrayBuffer(Math.max(buf.length * 2, at + most)));
      buf.copy(grown, 0, 0, at);
      buf = grown;
    }
    at += buf.write(line, at, 'utf8');
    buf[at++] = 0x0a;
  }
  return new Uint8Array(buf.buffer, 0, at);
}

/** Bytes first set aside per event line (a line is ≈ 80–90 bytes; the buffer grows if they are longer). */
const EVENT_LINE_BYTES = 96;

export const POPULATION_HEADER =
  'id,household,district,village,hukou,sex,birth_date,death_date,education,income,occupation,state_personnel,village_cadre,party_member,collector,legal_representative,consent,driver,mother,father,spouse,employer';

/** One line of population.csv: person `i` of district `d`; `idOf` names a subject by its global index. */
export function populationLine(
  world: World,
  d: DistrictLayout,
  i: number,
  idOf: (s: number) => string,
): string {
  const P = world.persons;
  const r = P.roles[i]!;
  const opt = (j: number) => (j >= 0 ? idOf(j) : '');
  return [
    idOf(i),
    P.household[i],
    d.code,
    P.village[i]! >= 0 ? P.village[i] : '',
    P.hukou[i] ? 'rural' : 'urban',
    P.sex[i] ? 'M' : 'F',
    iso(P.birth[i]!),
    P.death[i]! < 0x7fffffff ? iso(P.death[i]!) : '',
    EDU_NAMES[P.education[i]!],
    Math.round(P.income[i]!),
    OCC_NAMES[P.occupation[i]!],
    r & ROLE_STATE ? 'true' : 'false',
    r & ROLE_CADRE ? 'true' : 'false',
    r & ROLE_PARTY ? 'true' : 'false',
    r & ROLE_COLLECTOR ? 'true' : 'false',
    r & ROLE_LEGAL_REP ? 'true' : 'false',
    P.consent[i] ? 'true' : 'false',
    P.driver[i] ? 'true' : 'false',
    opt(P.mother[i]!),
    opt(P.father[i]!),
    opt(P.spouse[i]!),
    P.employer[i]! >= 0 ? idOf(P.length + P.employer[i]!) : '',
  ].join(',');
}

/**
 * Write district `d`'s population lines to `file`, header first, in chunks (a district worker does this at the end
 * of a run while the main thread finishes the ledger). Returns the rows written.
 */
export function writePopulationPart(
  file: string,
  world: World,
  d: DistrictLayout,
  idOf: (s: number) => string,
): number {
  const P = world.persons;
  const fd = openSync(file, 'w');
  let rows = 0;
  try {
    // Each line is encoded into a small reused buffer as soon as it is made, so it dies young (decision 0161: lines
    // kept for a chunk outlived scavenges at the run's memory peak) and no chunk of text is joined (decision 0171).
    const out = new LineWriter(fd, POPULATION_BUFFER_BYTES);
    out.line(POPULATION_HEADER);
    for (let i = d.personStart; i < d.personStart + d.personCap; i++) {
      if (P.birth[i]! > 0x7ffffff0) continue;
      out.line(populationLine(world, d, i, idOf));
      rows++;
    }
    out.flush();
  } finally {
    closeSync(fd);
  }
  return rows;
}

/** Bytes of population text encoded before each write. */
const POPULATION_BUFFER_BYTES = 1 << 17;

/** Lines, each followed by a newline, encoded as UTF-8 into a reused buffer and written to `fd` whenever it fills. */
class LineWriter {
  private readonly buf: Buffer;
  private at = 0;
  constructor(
    private readonly fd: number,
    bytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(bytes);
  }

  line(text: string): void {
    // 3 bytes per UTF-16 unit bound the UTF-8 length of any line.
    const most = (text.length + 1) * 3;
    if (this.at + most > this.buf.length) this.flush();
    if (most > this.buf.length) {
      writeSync(this.fd, text + '\n');
      return;
    }
    this.at += this.buf.write(text, this.at, 'utf8');
    this.buf[this.at++] = 0x0a;
  }

  flush(): void {
    if (this.at) writeSync(this.fd, this.buf, 0, this.at);
    this.at = 0;
  }
}

export class RunWriter {
  readonly dir: string;
  readonly scratch: string;
  private readonly events: CsvStream;
  private readonly timeseries: CsvStream;
  eventRows = 0;
  timeseriesRows = 0;

  /**
   * `ids`: subject ids by simulation index, read when events are written (a person's id is set at birth, before any
   * event of theirs reaches the writer).
   */
  constructor(
    dir: string,
    private readonly ids: readonly string[],
  ) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.scratch = join(dir, '.scratch');
    rmSync(this.scratch, { recursive: true, force: true });
    mkdirSync(this.scratch, { recursive: true });
    this.events = new CsvStream(
      join(this.scratch, 'events.csv'),
      'event_id,subject,type,day,amount,agency,recorded,record_id,fabricated',
    );
    this.timeseries = new CsvStream(join(dir, 'timeseries.csv'), 'date,collector,group,value');
  }

  async writeEvents(e: EventBuffers): Promise<void> {
    const n = e.id.length;
    for (let k = 0; k < n; k++) {
      const id = this.ids[e.subject[k]!];
      if (!id)
        throw new MosaicError({
          code: 'sim.internal',
          message: `event ${e.id[k]} names subject ${e.subject[k]}, which has no id yet`,
        });
      this.events.line(eventLine(e, k, id));
      if (this.events.pending > 1 << 22) await this.events.flush();
    }
    this.eventRows += n;
    await this.events.flush();
  }

  /** Events already formatted (eventsCsv, by a district worker): `rows` lines, each ending in a newline. */
  async writeEventLines(text: Uint8Array, rows: number): Promise<void> {
    await this.events.flush();
    await this.events.bytes(text);
    this.eventRows += rows;
  }

  async writeTimeseries(day: number, rows: [string, string, number][]): Promise<void> {
    const date = iso(day);
    for (const [collector, group, value] of rows)
      this.timeseries.line(`${date},${collector},"${group}",${value}`);
    this.timeseriesRows += rows.length;
    await this.timeseries.flush();
  }

  /**
   * Convert everything to Parquet. `unrecorded` are record ids that were decided but not yet reported when the run
   * ended: their events are written as not recorded, since no statement reached the ledger.
   */
  async finish(opts: {
    world: World;
    ids: string[];
    eventTypes: string[];
    eventKinds: string[];
    eventSeverities: (string | undefined)[];
    agencyCodes: string[];
    unrecorded: string[];
    threads: number;
    /** The population table already written by the district workers: its files in district order, and its rows. */
    populationParts?: { files: string[]; rows: number };
  }): Promise<{ population: number; firms: number; events: number }> {
    await this.events.close();
    await this.timeseries.close();
    const { world, ids } = opts;
    const P = world.persons;
    const F = world.firms;
    const S = this.scratch;
    // population and firms as CSV (strings built once), then typed by DuckDB
    // population and firms as CSV (strings built once), then typed by DuckDB; the district workers may have written
    // the population already, a file per district (decision 0157)
    let population = opts.populationParts?.rows ?? 0;
    const popFiles = opts.populationParts?.files ?? [join(S, 'population.csv')];
    if (!opts.populationParts) {
      const pop = new CsvStream(popFiles[0]!, POPULATION_HEADER);
      for (const d of world.layout.districts) {
        for (let i = d.personStart; i < d.personStart + d.personCap; i++) {
          if (P.birth[i]! > 0x7ffffff0) continue;
          pop.line(populationLine(world, d, i, (j) => ids[j]!));
          population++;
          if (pop.pending > 1 << 22) await pop.flush();
        }
      }
      await pop.close();
    }
    const firms = new CsvStream(
      join(S, 'firms.csv'),
      'id,sector,size,founded,district,village,legal_rep,actual_controller,employees',
    );
    for (let f = 0; f < F.length; f++) {
      firms.line(
        [
          ids[P.length + f],
          world.sectorNames[F.sector[f]!],
          world.sizeNames[F.size[f]!],
          iso(F.founded[f]!),
          world.layout.districts[F.district[f]!]!.code,
          F.village[f]! >= 0 ? F.village[f] : '',
          F.legalRep[f]! >= 0 ? ids[F.legalRep[f]!] : '',
          F.controller[f]! >= 0 ? ids[F.controller[f]!] : '',
          F.employees[f],
        ].join(','),
      );
      if (firms.pending > 1 << 22) await firms.flush();
    }
    await firms.close();
    // dimension tables for the event codes
    const dims = new CsvStream(join(S, 'types.csv'), 'type,family,kind,severity');
    opts.eventTypes.forEach((t, k) =>
      dims.line(`${k},${t},${opts.eventKinds[k]},${opts.eventSeverities[k] ?? ''}`),
    );
    await dims.close();
    const ag = new CsvStream(join(S, 'agencies.csv'), 'agency_ix,agency');
    opts.agencyCodes.forEach((c, k) => ag.line(`${k},${c}`));
    await ag.close();
    const un = new CsvStream(join(S, 'unrecorded.csv'), 'record_id');
    for (const id of opts.unrecorded) un.line(id);
    await un.close();

    const db = await DuckDBInstance.create(':memory:', { threads: String(Math.max(1, opts.threads)) });
    const c = await db.connect();
    try {
      const csv = (f: string, types: string) =>
        `read_csv(${q(join(S, f))}, header = true, columns = ${types})`;
      // several files are read in the order given, as one table
      const csvFiles = (files: string[], types: string) =>
        `read_csv([${files.map(q).join(', ')}], header = true, columns = ${types})`;
      await c.run(
        `COPY (SELECT * FROM ${csvFiles(popFiles, `{'id':'VARCHAR','household':'INTEGER','district':'VARCHAR','village':'INTEGER','hukou':'VARCHAR','sex':'VARCHAR','birth_date':'DATE','death_date':'DATE','education':'VARCHAR','income':'INTEGER','occupation':'VARCHAR','state_personnel':'BOOLEAN','village_cadre':'BOOLEAN','party_member':'BOOLEAN','collector':'BOOLEAN','legal_representative':'BOOLEAN','consent':'BOOLEAN','driver':'BOOLEAN','mother':'VARCHAR','father':'VARCHAR','spouse':'VARCHAR','employer':'VARCHAR'}`)}) TO ${q(join(this.dir, 'population.parquet'))} (FORMAT parquet)`,
      );
      await c.run(
        `COPY (SELECT * FROM ${csv('firms.csv', `{'id':'VARCHAR','sector':'VARCHAR','size':'VARCHAR','founded':'DATE','district':'VARCHAR','village':'INTEGER','legal_rep':'VARCHAR','actual_controller':'VARCHAR','employees':'INTEGER'}`)}) TO ${q(join(this.dir, 'firms.parquet'))} (FORMAT parquet)`,
      );
      await c.run(
        `COPY (
           SELECT e.event_id::BIGINT AS event_id, e.subject, t.family, t.kind, e.day,
                  t.severity, e.amount, a.agency,
                  (e.recorded AND u.record_id IS NULL) AS recorded,
                  CASE WHEN u.record_id IS NULL THEN e.record_id END AS record_id,
                  e.fabricated
           FROM ${csv('events.csv', `{'event_id':'DOUBLE','subject':'VARCHAR','type':'INTEGER','day':'DATE','amount':'DOUBLE','agency':'INTEGER','recorded':'BOOLEAN','record_id':'VARCHAR','fabricated':'BOOLEAN'}`)} e
           JOIN ${csv('types.csv', `{'type':'INTEGER','family':'VARCHAR','kind':'VARCHAR','severity':'VARCHAR'}`)} t USING (type)
           LEFT JOIN ${csv('agencies.csv', `{'agency_ix':'INTEGER','agency':'VARCHAR'}`)} a ON a.agency_ix = e.agency
           LEFT JOIN ${csv('unrecorded.csv', `{'record_id':'VARCHAR'}`)} u ON u.record_id = e.record_id
           ORDER BY e.day, e.event_id
         ) TO ${q(join(this.dir, 'events.parquet'))} (FORMAT parquet)`,
      );
      await c.run(
        `COPY (SELECT * FROM read_csv(${q(join(this.dir, 'timeseries.csv'))}, header = true, columns = {'date':'DATE','collector':'VARCHAR','group':'VARCHAR','value':'DOUBLE'})) TO ${q(join(this.dir, 'timeseries.parquet'))} (FORMAT parquet)`,
      );
    } finally {
      c.closeSync();
      db.closeSync();
    }
    rmSync(S, { recursive: true, force: true });
    return { population, firms: F.length, events: this.eventRows };
  }
}
