// The constants lint of src/sim (issue 16, decision 0126): every numeric literal in the simulation's code is 0, 1 or
// listed here for its file with the reason it is not a behaviour (a unit, a code, an array size, an algorithm's
// constant, a law). A behavioural number added to the code fails this test: it belongs in the scenario's YAML with a
// source or an assumption marker. A listed literal the file no longer holds fails too, so the list stays exact.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { AmountSpec } from './behaviour-schema.js';

const ROOT = join(projectRoot(), 'src', 'sim');

/** Literals each file may hold besides 0 and 1, and why none of them is a behaviour. */
const ALLOWED: Record<string, { literals: number[]; why: string }> = {
  'behaviour-schema.ts': {
    literals: [5, 12, 26, 31],
    why: 'validation bounds (grades, months, letters, days)',
  },
  'buffers.ts': { literals: [64], why: 'initial buffer capacity' },
  'collectors.ts': { literals: [2, 3, 4, 5, 6, 7, 8], why: 'codes of the collector groups' },
  'columns.ts': { literals: [2, 1024], why: 'growth factor and initial capacity of growable arrays' },
  'days.ts': {
    literals: [2, 3, 4, 5, 7, 8, 10, 25567, 65535],
    why: 'the ISO cache bounds (1900-01-01 … 2149-06-06), YYYY-MM-DD padding and slicing',
  },
  'district-context.ts': {
    literals: [2, 3, 4, 7, 8, 9, 12, 24, 40, 365.2425, 86400000],
    why: 'timer kinds, id bit shifts (2^24, 2^40), months, half-unit rounding of amounts, days per year, ms per day',
  },
  'district.ts': { literals: [2, 3], why: 'message fields (type, target, day) in the flat outbox' },
  'engine.ts': {
    literals: [2, 3, 4, 5, 6, 7, 16, 20, 365.2425, 384, 86400000],
    why: 'epoch step numbers, double-buffered snapshots, message fields, initial buffer capacity, days per week and year, heap floor in MB (2^20 bytes), ms per day',
  },
  'firms.ts': { literals: [365.2425, 1000], why: 'days per year; per-thousand rates of the scenario' },
  'heap.ts': { literals: [1.5], why: 'memory trim threshold (no behaviour)' },
  'ids.ts': {
    literals: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 31, 48, 100, 999],
    why: 'check-digit algorithms of the identifier standards (weights, modulus, character positions, digit codes)',
  },
  'loan-book.ts': {
    literals: [2, 3, 4, 20, 1024],
    why: 'fields of a loan row; bytes per UTF-16 unit, buffer size (2^20), small-integer table size',
  },
  'lists.ts': { literals: [2, 8], why: 'list decision codes; the snapshot holds 8 list bits' },
  'main-agencies.ts': { literals: [2, 4, 86400000], why: 'list decision codes, message fields, ms per day' },
  'messages.ts': { literals: [2, 3, 4], why: 'message type codes' },
  'record-codec.ts': { literals: [2, 3, 4, 5, 6, 7], why: 'slots of a record in the vocabulary columns' },
  'mirror.ts': { literals: [2, 1024], why: 'growth factor and capacity of the record mirror' },
  'model.ts': {
    literals: [2, 7, 10, 12, 100, 120, 121],
    why: 'lognormal mean correction (σ²/2), days per week, amount rounding (0.1, hundreds), months, ages 0-120',
  },
  'network.ts': { literals: [2, 16, 120], why: 'pairs of edge ends, initial capacity (2^16), ages 0-120' },
  'output.ts': {
    literals: [2, 3, 10, 17, 22, 96, 1024, 2147483632, 2147483647],
    why: 'file format widths and array size limits, UTF-8 bytes per UTF-16 unit, newline byte, buffer size (2^17), bytes set aside per event line and their growth factor',
  },
  'population.ts': {
    literals: [1.6, 2, 3, 4, 20, 50, 120, 365.2425, 1000, 1000000],
    why: 'birth-slot headroom (no behaviour reads it), education codes, bisection steps and bound, ages, days per year, per-thousand',
  },
  'processes/annual-reports.ts': { literals: [4], why: 'the year digits of a document number' },
  'processes/awareness.ts': { literals: [12], why: 'December: the year-end tally' },
  'processes/banks.ts': {
    literals: [
      2, 3, 4, 7, 24, 30.436875, 365.2425, 1000, 16777215, 16843009, 252645135, 858993459, 1431655765,
      2147483648,
    ],
    why: 'feature slots, past-due status codes 0-7 of the report, the 24-month grid and its popcount, mean days per month and year, per-mille tallies, the empty-day sentinel',
  },
  'processes/conduct.ts': { literals: [120], why: 'ages 0-120' },
  'processes/credit.ts': { literals: [2, 3, 4, 5, 6, 7, 8], why: 'credit state codes' },
  'processes/finance-schema.ts': { literals: [7, 16, 120, 255], why: 'validation bounds' },
  'processes/coproduction-schema.ts': {
    literals: [12, 24],
    why: 'validation bounds (months of the year a request is asked in; months of a baseline)',
  },
  'processes/data-channels.ts': {
    literals: [4],
    why: 'the year digits of an ISO date; the prefecture prefix of a GB/T 2260 code',
  },
  'processes/firm-grades.ts': { literals: [2], why: 'inspection draw digits' },
  'processes/kpi-reporting.ts': {
    literals: [12, 256],
    why: 'months per year (monthly rates to daily); the size of the reused pool of persons drawn from',
  },
  'processes/platforms.ts': {
    literals: [0.5, 2, 3, 4, 5, 6, 7, 8, 9, 12, 100, 255, 365.25, 16777215, 2147483648],
    why: 'feature slots 0-9, Laplace smoothing ((k+1)/(n+2), 1/2 for an empty history), the 12-month ring, contacts at 0.01 precision, byte cap, days per year of account age, 24-bit grid mask, the empty-day sentinel',
  },
  'processes/platform-notices.ts': {
    literals: [2, 3, 4, 255, 65535],
    why: 'state codes of a followed listing (bits 1, 2, 4, mask 3); byte and 16-bit counters saturate at 255 and 65535; a pool needs 2',
  },
  'processes/trust.ts': {
    literals: [12, 65535],
    why: 'December, the year-end tally; 16-bit counters saturate at 65535',
  },
  'processes/relational.ts': {
    literals: [2, 3, 4, 255],
    why: 'response codes; byte counters saturate at 255',
  },
  'processes/village-collectors.ts': { literals: [12], why: 'months (the rating month wraps)' },
  'processes/vital.ts': {
    literals: [2, 1000],
    why: 'the sex column of a row; per-thousand rates of the scenario',
  },
  'random.ts': {
    literals: [0.0331, 0.5, 2, 3, 9],
    why: 'Marsaglia-Tsang gamma and Box-Muller / Knuth algorithms',
  },
  'register.ts': {
    literals: [256, 10000, 90000],
    why: 'ranges of the register’s number fields; the 256 values of a role byte',
  },
  'roles.ts': { literals: [2, 4, 8, 16], why: 'role bits' },
  'scenario-schema.ts': {
    literals: [2, 3, 5, 10, 12, 16, 18, 20, 30, 40, 50, 60, 64, 100, 121, 200, 250, 1000],
    why: 'validation bounds and the ages 0-120 a table must cover',
  },
  'scoring.ts': { literals: [2147483648], why: 'the empty-day sentinel' },
  'snapshot.ts': { literals: [2, 255], why: 'double buffer; no-grade code' },
  'society-schema.ts': { literals: [2, 10, 11, 12, 50, 100, 1000, 100000], why: 'validation bounds' },
  'sweep.ts': { literals: [2, 3, 1000], why: 'sweep table columns; ms per second' },
  'worker.ts': {
    literals: [1.5, 2, 3, 20, 64],
    why: 'heap trim threshold and floor in MB (2^20 bytes), message fields; digits of a district number in a file name',
  },
  'world.ts': {
    literals: [2, 3, 4, 5, 6, 7, 8, 365.2425, 2147483647],
    why: 'occupation codes, days per year, the not-dead sentinel',
  },
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** The distinct numeric literals of a file besides 0 and 1 (comments and strings are not literals). */
export function literalsOf(text: string): number[] {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
  const out = new Set<number>();
  const visit = (n: ts.Node): void => {
    if (ts.isNumericLiteral(n)) {
      const v = Number(n.text.replace(/_/g, ''));
      if (v !== 0 && v !== 1) out.add(v);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return [...out].sort((a, b) => a - b);
}

describe('constants lint of src/sim', () => {
  it('finds literals in code, not in comments or strings', () => {
    expect(literalsOf('// 42\nconst a = "7"; const b = 0.05 * x + 1; /* 9 */ const c = 1_000;')).toEqual([
      0.05, 1000,
    ]);
  });

  it('every numeric literal of a simulation file is listed with the reason it is not a behaviour', () => {
    const unlisted: string[] = [];
    const stale: string[] = [];
    for (const file of sources(ROOT)) {
      const rel = relative(ROOT, file).split('\\').join('/');
      const found = literalsOf(readFileSync(file, 'utf8'));
      const allowed = ALLOWED[rel]?.literals ?? [];
      for (const v of found) if (!allowed.includes(v)) unlisted.push(`${rel}: ${v}`);
      for (const v of allowed) if (!found.includes(v)) stale.push(`${rel}: ${v}`);
    }
    // A behavioural number goes to the scenario with a source or an assumption; a unit or a code goes in ALLOWED.
    expect(unlisted).toEqual([]);
    expect(stale).toEqual([]);
  });
});

describe('numbers the code no longer defaults', () => {
  it('an amount names every number its distribution draws with', () => {
    expect(AmountSpec.safeParse({ dist: 'lognormal', mean: 3 }).success).toBe(false);
    expect(AmountSpec.safeParse({ dist: 'lognormal', mean: 3, sigma: 0.5 }).success).toBe(true);
    expect(AmountSpec.safeParse({ dist: 'income_share', mean: 0.1 }).success).toBe(false);
    expect(AmountSpec.safeParse({ dist: 'uniform', min: 1 }).success).toBe(false);
    expect(AmountSpec.safeParse({ dist: 'fixed' }).success).toBe(false);
  });
});
