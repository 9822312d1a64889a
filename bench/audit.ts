// Benchmark: the full audit of a synthetic 1M-resident, 3-year run (columnar inputs generated here), and the
// disparity metrics of a synthetic 1M-row classifier table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalogue, type RecordKind } from '../src/core/catalogue.js';
import { toEpochDay, fromEpochDay } from '../src/core/dates.js';
import { Rng } from '../src/core/rng.js';
import type { RecordColumns } from '../src/ledger/ledger.js';
import { runAudit, type AuditInputs } from '../src/audit/audit.js';
import { classifierDisparity } from '../src/audit/classifier.js';
import { encodeAttribute, intersect } from '../src/audit/groups.js';
import { buildPopulation } from '../src/audit/population.js';
import { writeReport } from '../src/audit/report.js';
import type { EventColumns } from '../src/audit/scrutiny.js';
import type { ListsView, PointsView, RuleLineInfo } from '../src/audit/views.js';
import type { BenchModule } from './types.js';

const START = toEpochDay('2023-01-01');
const END = toEpochDay('2025-12-31');

/** Synthetic inputs with the shape of a Meritown run: rural and state-personnel groups get more, harsher records. */
export function syntheticAuditInputs(residents: number, seed = 7): AuditInputs {
  const rng = new Rng(seed);
  const N = residents;
  const ids = Array.from({ length: N }, (_, i) => `p${i}`);
  const hukou = new Array<string>(N);
  const sex = new Array<string>(N);
  const birth = new Array<string>(N);
  const district = new Array<string>(N);
  const sp = new Uint8Array(N);
  const vc = new Uint8Array(N);
  const pm = new Uint8Array(N);
  const birthCache = new Map<number, string>();
  for (let i = 0; i < N; i++) {
    const rural = rng.bernoulli(0.45);
    hukou[i] = rural ? 'rural' : 'urban';
    sex[i] = rng.bernoulli(0.5) ? 'F' : 'M';
    const bd = START - 365 * 18 - rng.int(365 * 62);
    let s = birthCache.get(bd);
    if (!s) birthCache.set(bd, (s = fromEpochDay(bd)));
    birth[i] = s;
    district[i] = `D${rng.int(12)}`;
    sp[i] = !rural && rng.bernoulli(0.06) ? 1 : 0;
    vc[i] = rural && rng.bernoulli(0.02) ? 1 : 0;
    pm[i] = rng.bernoulli(0.09) ? 1 : 0;
  }
  const population = buildPopulation(
    {
      ids,
      hukou,
      sex,
      birthDate: birth,
      district,
      roles: { state_personnel: sp, village_cadre: vc, party_member: pm },
    },
    '2026-01-01',
  );

  // Catalogue and rule lines: 120 kinds; lines map 1:1 onto kinds; some reserved for rural residents or state personnel.
  const kinds: RecordKind[] = [];
  const lines: RuleLineInfo[] = [];
  const pts: number[] = [];
  for (let k = 0; k < 120; k++) {
    const positive = k % 6 === 0;
    const fam = ['commercial', 'traffic', 'rural', 'petition', 'civil_servant', 'social'][k % 6]!;
    kinds.push({
      code: `syn.k${k}`,
      category: fam,
      national: k % 10 !== 3,
      subjects: ['natural'],
      polarity: positive ? 'positive' : 'negative',
      ...(k % 4 === 1 ? { unit: 'yuan' as const } : {}),
      zh: `种类${k}`,
      en: `kind ${k}`,
      basis: 'synthetic',
      source: 'bench',
      marker: 'U',
    });
    lines.push({
      id: `line.${k}`,
      family: positive ? 'bonus' : fam,
      en: `rule ${k}`,
      zh: `规则${k}`,
      appliesTo: fam === 'civil_servant' ? ['state_personnel'] : fam === 'rural' ? ['village_cadre'] : [],
      polarity: positive ? 'positive' : 'negative',
    });
    pts.push(positive ? 5 + 5 * (k % 4) : -[5, 10, 20, 30, 50][k % 5]!);
  }
  const catalogue = new Catalogue(kinds, 'synthetic@1');
  const agencies = Array.from({ length: 40 }, (_, a) => `agency${a}`);

  // Records: Poisson counts per person over 3 years.
  const cap = Math.ceil(N * 3.2 * 1.3) + 1000;
  const subject = new Uint32Array(cap);
  const kind = new Uint16Array(cap);
  const agency = new Uint16Array(cap);
  const occurred = new Uint16Array(cap);
  const reported = new Uint16Array(cap);
  const amount = new Float64Array(cap).fill(NaN);
  let n = 0;
  for (let i = 0; i < N; i++) {
    const rate = 3 * (hukou[i] === 'rural' ? 1.2 : 0.8) * (sp[i] ? 2.5 : 1);
    const c = rng.poisson(rate);
    for (let j = 0; j < c && n < cap; j++) {
      let k = rng.int(120);
      if (k % 6 === 4 && !sp[i]) k -= 1;
      if (k % 6 === 2 && hukou[i] !== 'rural') k -= 1;
      subject[n] = i;
      kind[n] = k;
      agency[n] = (k * 7 + rng.int(3)) % 40;
      const occ = START + rng.int(END - START + 1);
      occurred[n] = occ;
      reported[n] = Math.min(END, occ + (rng.bernoulli(0.85) ? rng.int(30) : 31 + rng.int(120)));
      if (k % 4 === 1) amount[n] = rng.bernoulli(0.3) ? 100 * (1 + rng.int(20)) : 50 + rng.int(2000);
      n++;
    }
  }
  const records: RecordColumns = {
    length: n,
    subject: subject.subarray(0, n),
    kind: kind.subarray(0, n),
    agency: agency.subarray(0, n),
    occurred: occurred.subarray(0, n),
    reported: reported.subarray(0, n),
    amount: amount.subarray(0, n),
    severity: new Uint8Array(n),
    level: Uint8Array.from({ length: n }, (_, i) => (kinds[kind[i]!]!.polarity === 'positive' ? 1 : 0)),
    status: new Uint8Array(n),
    supersedeFrom: new Int32Array(0),
    supersedeTo: new Int32Array(0),
    subjects: ids,
    agencies,
  };

  // Points as of END: records of the last 2 years count; 0.2 % are direct gradings to B.
  const asOf = END + 1;
  const cSub: number[] = [];
  const cLine: number[] = [];
  const cPts: number[] = [];
  const cDir: number[] = [];
  const cRec: number[] = [];
  const score = new Int32Array(N).fill(1000);
  const direct = new Int32Array(N).fill(-1);
  for (let r = 0; r < n; r++) {
    if (asOf - occurred[r]! > 730) continue;
    const s = subject[r]!;
    const k = kind[r]!;
    const d = kinds[k]!.polarity === 'negative' && (r * 2654435761) % 1000 < 2 ? 4 : 0;
    cSub.push(s);
    cLine.push(k);
    cPts.push(d ? 0 : pts[k]!);
    cDir.push(d);
    cRec.push(r);
    score[s] += d ? 0 : pts[k]!;
    if (d) direct[s] = Math.max(direct[s]!, d - 1);
  }
  const grades = ['AAA', 'AA', 'A', 'B', 'C', 'D'];
  const bandMin = [1050, 1030, 960, 850, 600, -Infinity];
  const grade = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    let g = 0;
    while (score[i]! < bandMin[g]!) g++;
    grade[i] = Math.max(g, direct[i]!);
  }
  const points: PointsView = {
    scheme: 'synthetic-points',
    label: { en: 'Synthetic points scheme', zh: '合成积分方案' },
    asOf: fromEpochDay(asOf),
    base: 1000,
    grades,
    bandMin,
    scored: new Uint8Array(N).fill(1),
    score,
    grade,
    contrib: {
      length: cSub.length,
      subject: Uint32Array.from(cSub),
      line: Int32Array.from(cLine),
      points: Int32Array.from(cPts),
      direct: Uint8Array.from(cDir),
      record: Int32Array.from(cRec),
    },
    lines,
  };

  // Lists, measures and denied actions.
  const eS: number[] = [];
  const eL: number[] = [];
  const aS: number[] = [];
  const aM: number[] = [];
  const aL: number[] = [];
  const dS: number[] = [];
  const dA: number[] = [];
  for (let i = 0; i < N; i++) {
    if (!rng.bernoulli(hukou[i] === 'rural' ? 0.02 : 0.012)) continue;
    const l = rng.int(6);
    eS.push(i);
    eL.push(l);
    for (let m = 0; m < 8; m++) {
      aS.push(i);
      aM.push((l * 3 + m) % 24);
      aL.push(l);
    }
    if (rng.bernoulli(0.3)) {
      dS.push(i);
      dA.push(rng.int(10));
    }
  }
  const lists: ListsView = {
    asOf: fromEpochDay(asOf),
    lists: Array.from({ length: 6 }, (_, l) => ({ id: `list${l}`, en: `List ${l}`, zh: `名单${l}` })),
    entries: { length: eS.length, subject: Uint32Array.from(eS), list: Uint16Array.from(eL) },
    measures: Array.from({ length: 24 }, (_, m) => ({
      id: `measure${m}`,
      en: `Measure ${m}`,
      zh: `措施${m}`,
      basis: m === 23 ? '' : 'synthetic basis',
      inCatalogue: m !== 22,
    })),
    applied: {
      length: aS.length,
      subject: Uint32Array.from(aS),
      measure: Uint16Array.from(aM),
      list: Int32Array.from(aL),
    },
    actions: Array.from({ length: 10 }, (_, a) => ({ id: `action${a}`, en: `Action ${a}`, zh: `事项${a}` })),
    denied: { length: dS.length, subject: Uint32Array.from(dS), action: Uint16Array.from(dA) },
  };

  // True events: every record is an event (2 % fabricated), plus omitted events (more for urban, non-state).
  const extra = Math.floor(n * 0.4);
  const E = n + extra;
  const events: EventColumns = {
    length: E,
    subject: new Int32Array(E),
    kind: new Uint16Array(E),
    kinds: kinds.map((k) => k.code),
    agency: new Uint16Array(E),
    agencies,
    recorded: new Uint8Array(E),
    fabricated: new Uint8Array(E),
  };
  for (let r = 0; r < n; r++) {
    events.subject[r] = subject[r]!;
    events.kind[r] = kind[r]!;
    events.agency[r] = agency[r]!;
    events.recorded[r] = 1;
    events.fabricated[r] = rng.bernoulli(0.02) ? 1 : 0;
  }
  for (let e = n; e < E; e++) {
    const s = rng.int(N);
    if (sp[s] || (hukou[s] === 'rural' && rng.bernoulli(0.5))) {
      events.subject[e] = -1;
      continue;
    }
    events.subject[e] = s;
    events.kind[e] = rng.int(120);
    events.agency[e] = rng.int(40);
  }
  return {
    source: { synthetic: true, residents: N, seed },
    asOf: fromEpochDay(asOf),
    from: fromEpochDay(START),
    to: fromEpochDay(END),
    catalogue,
    records,
    population,
    points: [points],
    lists,
    events,
    missing: [],
  };
}

export const auditBench: BenchModule = {
  name: 'audit',
  async run(ctx) {
    const N = Math.max(1000, Math.round(1_000_000 * ctx.scale));
    ctx.log(`generating synthetic columnar inputs for ${N} residents, 3 years (not timed)`);
    const inputs = syntheticAuditInputs(N);
    ctx.log(
      `${inputs.records.length} records, ${inputs.points[0]!.contrib.length} counted contributions, ${inputs.events!.length} events`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-audit-bench-'));
    try {
      const t0 = performance.now();
      const result = runAudit(inputs, { draws: 1000, seed: 1 });
      const t1 = performance.now();
      writeReport(result, dir);
      const t2 = performance.now();
      ctx.log(
        `${result.disparity.length} disparity tables, ${result.bootstrap.length} bootstrapped, ${result.decompositions.length} decompositions`,
      );
      for (const h of result.headlines) ctx.log(h.en);

      // Classifier-style table: label, prediction and two sensitive attributes.
      const rng = new Rng(11);
      const M = N;
      const g1 = Array.from({ length: M }, () => (rng.bernoulli(0.4) ? 'rural' : 'urban'));
      const g2 = Array.from({ length: M }, () => (rng.bernoulli(0.5) ? 'F' : 'M'));
      const y = new Uint8Array(M);
      const p = new Uint8Array(M);
      for (let i = 0; i < M; i++) {
        y[i] = rng.bernoulli(0.3) ? 1 : 0;
        p[i] = rng.bernoulli(y[i] ? (g1[i] === 'rural' ? 0.6 : 0.8) : 0.1) ? 1 : 0;
      }
      const a1 = encodeAttribute('hukou', g1);
      const a2 = encodeAttribute('sex', g2);
      const t3 = performance.now();
      const x = intersect(a1, a2);
      for (const a of [a1, a2, x]) classifierDisparity(a, y, p);
      const t4 = performance.now();
      return [
        {
          name: `Full audit, ${N} residents × 3 years (synthetic columns), 1,000 bootstrap draws`,
          value: (t1 - t0) / 1000,
          unit: 's',
          target: '≤ 5 s on 2 cores',
          note: `+ ${((t2 - t1) / 1000).toFixed(2)} s to write HTML/JSON/CSV; ${inputs.records.length} records`,
        },
        {
          name: `Classifier disparity (confusion matrices, 2 attributes + intersection), ${M} rows`,
          value: (M * 3) / ((t4 - t3) / 1000),
          unit: 'rows/s',
          note: `${((t4 - t3) / 1000).toFixed(3)} s`,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
