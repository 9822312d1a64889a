// `mosaic list show|explain` and `mosaic decide` end to end against a real embedded DuckDB ledger.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord, type RecordInput, type Subject } from '../../core/types.js';
import { openLedger } from '../../ledger/open.js';
import { runCli } from '../run-cli.testkit.js';

const A = '110105198003120016';
const B = '110105197507040023';
const C = '110105201209010036';
const E = '91110108MA01B2C344';
const D = '440305199001010050';
const F = '91440300MA5F6G7HXC';

const subjects: Subject[] = [
  {
    id: A,
    type: 'natural',
    name: 'Zhang San',
    jurisdiction: '110105',
    roles: [],
    birthDate: '1980-03-12',
    sex: 'M',
  },
  {
    id: B,
    type: 'natural',
    name: 'Li Si',
    jurisdiction: '110105',
    roles: [],
    birthDate: '1975-07-04',
    sex: 'F',
  },
  { id: C, type: 'natural', jurisdiction: '110105', roles: [], birthDate: '2012-09-01', parents: [A] },
  {
    id: E,
    type: 'legal',
    name: 'Example Trading Co.',
    jurisdiction: '110108',
    roles: [],
    legalRepresentative: B,
  },
  { id: D, type: 'natural', name: 'Zhao Liu', jurisdiction: '440305', roles: [], birthDate: '1990-01-01' },
  { id: F, type: 'legal', name: 'Shenzhen Example Tech Co.', jurisdiction: '440300', roles: [] },
];
const rec = (r: Omit<RecordInput, 'reportedAt'> & { reportedAt?: string }) =>
  makeRecord({ ...r, reportedAt: r.reportedAt ?? r.occurredAt });
const records = [
  rec({
    subject: A,
    kind: 'court.enforcement_warning',
    occurredAt: '2024-03-01',
    agency: 'court',
    basis: '(2024)J0105Z123',
  }),
  rec({
    subject: A,
    kind: 'court.defaulter_listed',
    occurredAt: '2024-03-15',
    agency: 'court',
    basis: '(2024)J0105Z123',
    severity: 'e2',
  }),
  rec({
    subject: A,
    kind: 'court.consumption_restricted',
    occurredAt: '2024-03-15',
    agency: 'court',
    basis: '(2024)J0105Z123',
  }),
  rec({
    subject: E,
    kind: 'court.consumption_restricted',
    occurredAt: '2024-05-01',
    agency: 'court',
    basis: '(2024)J0108Z9',
  }),
  rec({
    subject: E,
    kind: 'court.defaulter_listed',
    occurredAt: '2024-05-01',
    agency: 'court',
    basis: '(2024)J0108Z9',
    severity: 'e1',
  }),
  // Listed under the 2013 text (before 2017-05-01) and deleted on performance before 2024.
  rec({
    subject: D,
    kind: 'court.defaulter_listed',
    occurredAt: '2016-02-01',
    agency: 'court',
    basis: '(2016)Yue0305Zhi7',
    severity: 'e2',
  }),
  rec({
    subject: D,
    kind: 'court.defaulter_deleted',
    occurredAt: '2016-12-01',
    agency: 'court',
    basis: '(2016)Yue0305Zhi7',
    severity: 'performed',
  }),
  rec({
    subject: F,
    kind: 'court.defaulter_listed',
    occurredAt: '2016-02-01',
    agency: 'court',
    basis: '(2016)Yue03Zhi8',
    severity: 'e1',
  }),
  rec({
    subject: F,
    kind: 'court.defaulter_deleted',
    occurredAt: '2017-08-01',
    agency: 'court',
    basis: '(2016)Yue03Zhi8',
    severity: 'performed',
  }),
];

let dir: string;
/** `mosaic ARGS` in this process against the test's data dir. */
const run = (...args: string[]) => runCli('--ledger', 'duckdb', '--data-dir', dir, ...args);

describe('lists CLI', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-lists-cli-'));
    const ledger = await openLedger({ adapter: 'duckdb', dataDir: dir });
    await ledger.putSubjects(subjects);
    await ledger.append(records);
    await ledger.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows a list masked by default, and in full only with --unmasked', async () => {
    const masked = await run('list', 'show', 'spc_defaulters', '--as-of', '2024-06-01');
    expect(masked.stdout).toContain('110105********0016');
    expect(masked.stdout).not.toContain(A);
    expect(masked.stdout).toContain('(2024)J0105Z123');
    expect(masked.stdout).toContain('Example Trading Co.');
    expect(masked.stdout).toContain('2 entries in force');
    const before = await run('list', 'show', 'spc_defaulters', '--as-of', '2024-03-14');
    expect(before.stdout).toContain('0 entries in force');
    const full = await run('list', 'show', 'spc_defaulters', '--as-of', '2024-06-01', '--unmasked');
    expect(full.stdout).toContain(A);
    expect(full.stderr).toContain('not for public display');
  });

  it('publishes the fields of the text in force: organisation code under 2013, USCC under 2017 (issue 11 fix 8)', async () => {
    const in2016 = await run('list', 'show', 'spc_defaulters', '--as-of', '2016-06-01', '--json');
    const legal2016 = JSON.parse(in2016.stdout).tables.find((t: { type: string }) => t.type === 'legal');
    expect(legal2016.columns).toContain('organisation_code');
    expect(legal2016.columns).not.toContain('uscc');
    expect(legal2016.rows[0]).toContain('MA5F6G7H-X');
    const in2017 = await run('list', 'show', 'spc_defaulters', '--as-of', '2017-06-01', '--json');
    const legal2017 = JSON.parse(in2017.stdout).tables.find((t: { type: string }) => t.type === 'legal');
    expect(legal2017.columns).toContain('uscc');
    expect(legal2017.columns).not.toContain('organisation_code');
  });

  it('decides in April 2016 on bases in force then, citing no document of September 2016 (issue 11 fix 7)', async () => {
    const r = await run('decide', D, 'exit_border', '--date', '2016-04-01');
    expect(r.stdout).toContain('DENY');
    expect(r.stdout).toContain('d05_exit');
    expect(r.stdout).toContain('Civil Procedure Law (2012 revision) Art. 255');
    for (const action of [
      'exit_border',
      'outbound_group_tour',
      'apply_civil_service',
      'receive_honour',
      'fly',
    ]) {
      const j = JSON.parse((await run('decide', D, action, '--date', '2016-04-01', '--json')).stdout);
      expect(j.reasons.length, action).toBeGreaterThan(0);
      // The notes may say why an Opinions of September 2016 is not the basis; the basis itself may not be one.
      const cited = j.reasons.map(
        (x: { legalBasis: string; instrument: string }) => `${x.legalBasis} ${x.instrument}`,
      );
      expect(cited.join('\n'), action).not.toMatch(/Sept(ember)? 2016|2016-09|\(2020\)|\[2022\]/);
    }
  });

  it('explains a subject: entries, relational reach, deadlines and measures', async () => {
    const r = await run('list', 'explain', B, '--as-of', '2024-06-01', '--json');
    const j = JSON.parse(r.stdout);
    expect(j.entries).toEqual([]);
    expect(j.links.map((l: { relation: string }) => l.relation)).toEqual(['legal_representative']);
    const fly = j.decisions.find((d: { action: string }) => d.action === 'fly');
    expect(fly.outcome).toBe('restrict');
    const child = await run('list', 'explain', C, '--as-of', '2024-06-01');
    expect(child.stdout).toMatch(/attend_private_school: RESTRICT/);
  });

  it('decides one question with every reason, and writes a receipt when asked', async () => {
    const r = await run('decide', A, 'fly', '--date', '2024-06-01', '--receipt', '--agency', 'China Eastern');
    expect(r.stdout).toContain('DENY');
    expect(r.stdout).toContain('d01_flights');
    expect(r.stdout).toContain('Fa Gai Cai Jin [2016] No. 141');
    expect(r.stdout).toContain('c1_transport');
    const ledger = await openLedger({ adapter: 'duckdb', dataDir: dir });
    const mine = (await ledger.readSubject(A)).filter((x) => x.kind === 'receipt.denied');
    await ledger.close();
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ severity: 'fly', agency: 'China Eastern', occurredAt: '2024-06-01' });
    // The listing's 2-year term has ended; the order restricting consumption has no term and still denies.
    const later = JSON.parse((await run('decide', A, 'fly', '--date', '2026-03-15', '--json')).stdout);
    expect(later.outcome).toBe('deny');
    expect(later.reasons.map((x: { measure: string }) => x.measure)).toEqual(['c1_transport']);
  });

  it('answers a batch file from the decision index, reporting bad lines with file:line', async () => {
    const file = join(dir, 'q.csv');
    writeFileSync(
      file,
      `subject,action,date\n${A},fly,2024-06-01\n${B},fly,2024-06-01\n${C},fly,2024-06-01\n${E},fly,2024-06-01\n${A},teleport,2024-06-01\n`,
    );
    const r = await run('decide', '--batch', file);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((d: { outcome: string }) => d.outcome)).toEqual(['deny', 'restrict', 'allow']);
    expect(r.stderr).toContain(`${file}:5: decide.action_subject_type`);
    expect(r.stderr).toContain(`${file}:6: decide.unknown_action`);
    expect(r.code).toBe(2);
  });
});
