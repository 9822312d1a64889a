// Municipal points metric: as-of rescoring of a whole city (fast evaluator) against the interpreter,
// json-rules-engine and @gorules/zen-engine, all on the same Wendeng rule table and the same generated ledger.
import { ZenEngine } from '@gorules/zen-engine';
import { Engine } from 'json-rules-engine';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../src/core/catalogue.js';
import { toEpochDay } from '../src/core/dates.js';
import { shipped } from '../src/core/paths.js';
import type { CreditRecord } from '../src/core/types.js';
import type { RecordColumns } from '../src/ledger/ledger.js';
import { normalize, type Interval } from '../src/policy/interval.js';
import { columnsToRecords } from '../src/schemes/municipal/columns.js';
import { compileScheme, ContributionSink } from '../src/schemes/municipal/compile.js';
import { generateLedger } from '../src/schemes/municipal/generate.js';
import { conditionsMatch, evaluateSubject } from '../src/schemes/municipal/interpreter.js';
import { loadSchemePack } from '../src/schemes/municipal/load.js';
import { classMask, subjectClassBits } from '../src/schemes/municipal/semantics.js';
import { factsAt, type SubjectColumns } from '../src/schemes/municipal/subjects.js';
import type { Conditions, SchemePack, SubjectClass } from '../src/schemes/municipal/types.js';
import type { BenchContext, BenchFigure, BenchModule } from './types.js';

const AS_OF = Array.from({ length: 12 }, (_, m) => toEpochDay(`2023-${String(m + 1).padStart(2, '0')}-28`));

/** Rows of the subjects with index < k, as their own columns (supersession pairs remapped). */
function subsetColumns(cols: RecordColumns, k: number): RecordColumns {
  const rows: number[] = [];
  for (let i = 0; i < cols.length; i++) if (cols.subject[i]! < k) rows.push(i);
  const map = new Map(rows.map((r, j) => [r, j]));
  const pick = <T extends { length: number; [i: number]: number }>(a: T, C: new (n: number) => T): T => {
    const o = new C(rows.length);
    rows.forEach((r, j) => (o[j] = a[r]!));
    return o;
  };
  const from: number[] = [];
  const to: number[] = [];
  for (let j = 0; j < cols.supersedeFrom.length; j++) {
    const f = map.get(cols.supersedeFrom[j]!);
    if (f !== undefined) {
      from.push(f);
      to.push(map.get(cols.supersedeTo[j]!) ?? -1);
    }
  }
  return {
    length: rows.length,
    subject: pick(cols.subject, Uint32Array),
    kind: pick(cols.kind, Uint16Array),
    agency: pick(cols.agency, Uint16Array),
    occurred: pick(cols.occurred, Uint16Array),
    reported: pick(cols.reported, Uint16Array),
    amount: pick(cols.amount, Float64Array),
    severity: pick(cols.severity, Uint8Array),
    level: pick(cols.level, Uint8Array),
    status: pick(cols.status, Uint8Array),
    supersedeFrom: Int32Array.from(from),
    supersedeTo: Int32Array.from(to),
    subjects: cols.subjects.slice(0, k),
    agencies: cols.agencies,
  };
}

/** Every (rule line, case) of the pack as one flat matcher: the shared rule table the peers are built from. */
interface FlatRule {
  id: string;
  kind: string;
  classes: SubjectClass[];
  when: Conditions;
  effect: string;
}

function flatten(pack: SchemePack): FlatRule[] {
  const out: FlatRule[] = [];
  for (const r of pack.rules) {
    if (r.tiers)
      out.push({ id: r.id, kind: r.kind, classes: r.subjects, when: r.cases[0]?.when ?? {}, effect: 'tier' });
    else
      r.cases.forEach((c, i) =>
        out.push({
          id: `${r.id}#${i}`,
          kind: r.kind,
          classes: r.subjects,
          when: c.when,
          effect: c.effect.type === 'fixed' ? String(c.effect.points) : c.effect.type,
        }),
      );
  }
  for (const d of pack.direct)
    out.push({ id: d.id, kind: d.kind, classes: d.subjects, when: d.when, effect: d.grade });
  for (const rp of pack.repairs)
    rp.triggers.forEach((t, i) =>
      out.push({ id: `${rp.id}@${i}`, kind: t.kind, classes: rp.subjects, when: t.when, effect: 'trigger' }),
    );
  return out;
}

/** What Mosaic's rule semantics say a record matches (reference for checking the peers' answers). */
function mosaicMatches(flat: FlatRule[], r: CreditRecord, bits: number): string[] {
  return flat
    .filter((f) => f.kind === r.kind && (classMask(f.classes) & bits) !== 0 && conditionsMatch(f.when, r))
    .map((f) => f.id)
    .sort();
}

function amountConditions(iv: Interval | undefined): { fact: string; operator: string; value: number }[] {
  if (!iv) return [];
  const n = normalize(iv);
  const c = [];
  if (n.lo !== -Infinity)
    c.push({ fact: 'amount', operator: n.loIncl ? 'greaterThanInclusive' : 'greaterThan', value: n.lo });
  if (n.hi !== Infinity)
    c.push({ fact: 'amount', operator: n.hiIncl ? 'lessThanInclusive' : 'lessThan', value: n.hi });
  return c;
}

function jsonRulesEngine(flat: FlatRule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator('hasAnyBit', (fact: number, mask: number) => (fact & mask) !== 0);
  for (const f of flat) {
    const all: object[] = [
      { fact: 'kind', operator: 'equal', value: f.kind },
      { fact: 'classBits', operator: 'hasAnyBit', value: classMask(f.classes) },
    ];
    if (f.when.severity) all.push({ fact: 'severity', operator: 'in', value: f.when.severity });
    if (f.when.level) all.push({ fact: 'level', operator: 'in', value: f.when.level });
    all.push(...amountConditions(f.when.amount));
    engine.addRule({
      name: f.id,
      conditions: { all } as never,
      event: { type: 'match', params: { id: f.id, effect: f.effect } },
    });
  }
  return engine;
}

const CLASS_COLUMNS: SubjectClass[] = [
  'individual',
  'state_personnel',
  'village_cadre',
  'party_member',
  'legal_person',
];

/** The same table as a JDM decision table (collect hit policy: one record may match a point line and a direct line). */
function zenDecision(flat: FlatRule[]): object {
  const q = (s: string) => JSON.stringify(s);
  const inputs = [
    { id: 'kind', name: 'Kind', field: 'kind' },
    { id: 'severity', name: 'Severity', field: 'severity' },
    { id: 'level', name: 'Level', field: 'level' },
    { id: 'amount', name: 'Amount', field: 'amount' },
    ...CLASS_COLUMNS.map((c) => ({ id: c, name: c, field: c })),
  ];
  const rules: Record<string, string>[] = [];
  for (const f of flat)
    for (const c of f.classes) {
      const row: Record<string, string> = {
        _id: `${f.id}/${c}`,
        kind: q(f.kind),
        out_id: q(f.id),
        out_effect: q(f.effect),
      };
      row.severity = f.when.severity ? f.when.severity.map(q).join(', ') : '';
      row.level = f.when.level ? f.when.level.map(q).join(', ') : '';
      const n = normalize(f.when.amount);
      const parts = [];
      if (n.lo !== -Infinity) parts.push(`$ ${n.loIncl ? '>=' : '>'} ${n.lo}`);
      if (n.hi !== Infinity) parts.push(`$ ${n.hiIncl ? '<=' : '<'} ${n.hi}`);
      row.amount = parts.join(' and ');
      for (const col of CLASS_COLUMNS) row[col] = col === c ? 'true' : '';
      rules.push(row);
    }
  return {
    contentType: 'application/vnd.gorules.decision',
    nodes: [
      { id: 'in', type: 'inputNode', name: 'record', position: { x: 0, y: 0 } },
      {
        id: 'table',
        type: 'decisionTableNode',
        name: 'wendeng',
        position: { x: 300, y: 0 },
        content: {
          hitPolicy: 'collect',
          inputs,
          outputs: [
            { id: 'out_id', name: 'Rule', field: 'id' },
            { id: 'out_effect', name: 'Effect', field: 'effect' },
          ],
          rules,
        },
      },
      { id: 'out', type: 'outputNode', name: 'result', position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', sourceId: 'in', targetId: 'table', type: 'edge' },
      { id: 'e2', sourceId: 'table', targetId: 'out', type: 'edge' },
    ],
  };
}

function facts(r: CreditRecord, bits: number): Record<string, unknown> {
  const f: Record<string, unknown> = {
    kind: r.kind,
    classBits: bits,
    severity: r.severity ?? null,
    level: r.level ?? null,
    amount: r.amount ?? null,
  };
  for (const c of CLASS_COLUMNS) f[c] = (classMask([c]) & bits) !== 0;
  return f;
}

function columnBytes(cols: RecordColumns): number {
  return [
    cols.subject,
    cols.kind,
    cols.agency,
    cols.occurred,
    cols.reported,
    cols.amount,
    cols.severity,
    cols.level,
    cols.status,
    cols.supersedeFrom,
    cols.supersedeTo,
  ].reduce((a, x) => a + x.byteLength, 0);
}

async function run({ scale, log }: BenchContext): Promise<BenchFigure[]> {
  const nRecords = Math.round(10_000_000 * scale);
  const nSubjects = Math.round(1_000_000 * scale);
  const catalogue: Catalogue = loadCatalogue(defaultCataloguePath());
  const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
  let t = performance.now();
  const g = generateLedger(pack, catalogue, {
    subjects: nSubjects,
    records: nRecords,
    seed: 'bench-municipal',
  });
  log(
    `generated ${nRecords.toLocaleString()} records, ${nSubjects.toLocaleString()} subjects in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const { cols } = g;
  const subjects: SubjectColumns = g.subjects;

  // ---- fast evaluator: rescore the whole city at 12 month ends ----
  const compiled = compileScheme(pack, catalogue);
  t = performance.now();
  let table = compiled.scoreAll(cols, subjects, AS_OF[0]!);
  const firstMs = performance.now() - t;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < 2; rep++)
    for (const d of AS_OF) {
      t = performance.now();
      const c0 = process.cpuUsage();
      table = compiled.scoreAll(cols, subjects, d, table);
      const c1 = process.cpuUsage(c0);
      times.push(performance.now() - t);
      cpu.push((c1.user + c1.system) / 1000);
    }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const medianMs = times[times.length >> 1]!;
  const cpuMs = cpu[cpu.length >> 1]!;
  const fastRate = nRecords / (medianMs / 1000);
  // The machine is shared: CPU time of this process shows what the code costs when another tenant holds the core.
  log(
    `fast evaluator: first call ${firstMs.toFixed(0)} ms (builds the subject-grouped copy), median ${medianMs.toFixed(1)} ms wall / ${cpuMs.toFixed(1)} ms CPU, best ${times[0]!.toFixed(1)} ms`,
  );
  const mem = process.memoryUsage();
  const colMB = columnBytes(cols) / 2 ** 20;
  log(
    `memory: ledger columns ${colMB.toFixed(0)} MiB, subject columns ${((subjects.length * 11) / 2 ** 20).toFixed(0)} MiB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, array buffers ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB`,
  );

  // ---- the same with a contribution sink (the audit's path: a row per counted record and rule line) ----
  const sink = new ContributionSink();
  compiled.scoreAll(cols, subjects, AS_OF[0]!, table, sink);
  const sinkTimes: number[] = [];
  for (const d of AS_OF) {
    t = performance.now();
    table = compiled.scoreAll(cols, subjects, d, table, sink);
    sinkTimes.push(performance.now() - t);
  }
  sinkTimes.sort((a, b) => a - b);
  const sinkMs = sinkTimes[sinkTimes.length >> 1]!;
  const sinkRate = nRecords / (sinkMs / 1000);
  log(
    `fast evaluator with contribution sink: median ${sinkMs.toFixed(1)} ms wall, best ${sinkTimes[0]!.toFixed(1)} ms, ${sink.length.toLocaleString()} rows on the last date`,
  );

  // ---- interpreter on a sample of subjects (every record of each) ----
  const sampleSubjects = Math.min(nSubjects, 5000);
  const sub = subsetColumns(cols, sampleSubjects);
  const recs = columnsToRecords(sub, catalogue);
  const bySubject = new Map<string, CreditRecord[]>();
  for (const r of recs) {
    const l = bySubject.get(r.subject);
    if (l) l.push(r);
    else bySubject.set(r.subject, [r]);
  }
  const asOf = '2023-06-28';
  t = performance.now();
  for (let s = 0; s < sampleSubjects; s++) {
    const id = cols.subjects[s]!;
    evaluateSubject(pack, factsAt(subjects, s, id), bySubject.get(id) ?? [], asOf);
  }
  const interpRate = recs.length / ((performance.now() - t) / 1000);
  log(
    `interpreter: ${recs.length} records of ${sampleSubjects} subjects, ${interpRate.toFixed(0)} records/s`,
  );

  // ---- peers: per-record rule matching only (validity, supersession and aggregation not even counted) ----
  const flat = flatten(pack);
  const indexOf = new Map(cols.subjects.slice(0, sampleSubjects).map((id, i) => [id, i]));
  const bitsOf = (r: CreditRecord) => {
    const s = indexOf.get(r.subject)!;
    return subjectClassBits(subjects.type[s] === 1, subjects.roles[s]!);
  };
  const sample = recs.slice(0, 2000).map((r) => ({ r, bits: bitsOf(r) }));
  const jre = jsonRulesEngine(flat);
  const jreSample = sample.slice(0, 1000);
  let agreeJ = 0;
  t = performance.now();
  for (const { r, bits } of jreSample) {
    const res = await jre.run(facts(r, bits));
    const ids = res.events.map((e) => String((e.params as { id: string }).id)).sort();
    if (ids.join() === mosaicMatches(flat, r, bits).join()) agreeJ++;
  }
  const jreRate = jreSample.length / ((performance.now() - t) / 1000);
  log(
    `json-rules-engine: ${flat.length} rules, ${jreRate.toFixed(0)} records/s on ${jreSample.length} records; agrees with Mosaic on ${agreeJ}/${jreSample.length}`,
  );

  const zen = new ZenEngine();
  const decision = zen.createDecision(zenDecision(flat));
  let agreeZ = 0;
  for (let i = 0; i < 50; i++) await decision.evaluate(facts(sample[i]!.r, sample[i]!.bits));
  t = performance.now();
  for (const { r, bits } of sample) {
    const res = await decision.evaluate(facts(r, bits));
    const rows = (res.result as { id: string }[] | { id: string }) ?? [];
    const ids = (Array.isArray(rows) ? rows : [rows]).map((x) => x.id).sort();
    if (ids.join() === mosaicMatches(flat, r, bits).join()) agreeZ++;
  }
  const zenRate = sample.length / ((performance.now() - t) / 1000);
  zen.dispose();
  log(
    `zen-engine: ${zenRate.toFixed(0)} records/s on ${sample.length} records; agrees with Mosaic on ${agreeZ}/${sample.length}`,
  );

  const note = `${nRecords.toLocaleString()} records, ${nSubjects.toLocaleString()} subjects, Wendeng 2020 (${flat.length} rule cases)`;
  return [
    {
      name: 'As-of rescoring of a whole city (fast evaluator, one core)',
      value: fastRate,
      unit: 'records/s',
      target: '≥ 50M records/s; 1M-person city ≤ 0.2 s',
      note: `${note}; median of 24 month-end rescorings ${medianMs.toFixed(1)} ms wall (${(nRecords / (cpuMs / 1000) / 1e6).toFixed(1)}M/s by CPU time), best ${times[0]!.toFixed(1)} ms; first call ${firstMs.toFixed(0)} ms builds the subject-grouped copy; ledger columns ${colMB.toFixed(0)} MiB + grouped copy ≈ ${((22 * nRecords) / 2 ** 20).toFixed(0)} MiB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB`,
    },
    {
      name: 'Fast evaluator vs Mosaic interpreter (reference)',
      value: fastRate,
      unit: 'records/s',
      peer: { name: 'interpreter', value: interpRate, unit: 'records/s' },
      ratio: fastRate / interpRate,
      note: `interpreter on all records of ${sampleSubjects} subjects, with full explanations`,
    },
    {
      name: 'Fast evaluator with contribution sink (audit path) vs without',
      value: sinkRate,
      unit: 'records/s',
      peer: { name: 'fast evaluator without sink', value: fastRate, unit: 'records/s' },
      ratio: sinkRate / fastRate,
      note: `median of 12 month-end rescorings ${sinkMs.toFixed(1)} ms wall, each row per counted record and rule line written to typed arrays`,
    },
    {
      name: 'Fast evaluator vs json-rules-engine (same rules)',
      value: fastRate,
      unit: 'records/s',
      peer: { name: 'json-rules-engine', value: jreRate, unit: 'records/s' },
      ratio: fastRate / jreRate,
      target: '≥ 10,000×',
      note: `peer timed on ${jreSample.length} records (per-record rule matching only), extrapolated per record; agreement ${agreeJ}/${jreSample.length}`,
    },
    {
      name: 'Fast evaluator vs @gorules/zen-engine (same rules as a decision table)',
      value: fastRate,
      unit: 'records/s',
      peer: { name: 'zen-engine', value: zenRate, unit: 'records/s' },
      ratio: fastRate / zenRate,
      target: '≥ 1,000×',
      note: `peer timed on ${sample.length} records (per-record matching only, sequential evaluate), extrapolated; agreement ${agreeZ}/${sample.length}`,
    },
  ];
}

export const municipalBench: BenchModule = { name: 'municipal', run };
