// `mosaic policy lint|test|explain|diff` and `mosaic score`, end to end against a real embedded DuckDB ledger.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { shipped } from '../../core/paths.js';
import { openLedger } from '../../ledger/open.js';
import { loadCases } from '../../schemes/municipal/corpus.js';
import { loadSchemePack } from '../../schemes/municipal/load.js';
import { runCli } from '../run-cli.testkit.js';

let dir: string;
/** `mosaic ARGS` in this process against the test's data dir. */
const run = (...args: string[]) => runCli('--ledger', 'duckdb', '--data-dir', dir, ...args);

const WENDENG = shipped('policies', 'wendeng-points', '2020');
const catalogue = loadCatalogue(defaultCataloguePath());
const pack = loadSchemePack(WENDENG, catalogue);
const cases = loadCases(WENDENG, pack).cases;
const repaired = cases.find((c) => c.name === 'defaulter-repaired-by-performance')!;
const frozen = cases.find((c) => c.name === 'freeze-bonuses-while-cause-uncorrected')!;

describe('policy CLI', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-policy-cli-'));
    const ledger = await openLedger({ adapter: 'duckdb', dataDir: dir, catalogue });
    await ledger.putSubjects([repaired.subject, frozen.subject]);
    await ledger.append([...repaired.records, ...frozen.records]);
    await ledger.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lints every shipped pack of every registered kind', async () => {
    const r = await run('policy', 'lint');
    expect(r.code, r.stderr).toBe(0);
    for (const p of [
      'wendeng-points/2020',
      'weihai-haibei/2020',
      'rongcheng-points/2018',
      'rongcheng-points/2021',
    ])
      expect(r.stdout).toContain(`ok   ${shipped('policies', p)} (points-scheme)`);
  });

  it('reports a broken pack with coded, located problems and exit code 2', async () => {
    const broken = join(dir, 'broken', '2020');
    cpSync(WENDENG, broken, { recursive: true });
    const rules = join(broken, 'rules.yaml');
    writeFileSync(
      rules,
      readFileSync(rules, 'utf8').replace('kind: commerce.guarantee_default', 'kind: commerce.nope'),
    );
    const r = await run('policy', 'lint', broken);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/rules\.yaml:\d+:\d+ \(rules\.5\.kind\): policy\.unknown_kind/);
  });

  it('runs the corpus through both engines and a ledger round trip', async () => {
    const r = await run(
      'policy',
      'test',
      shipped('policies', 'weihai-haibei'),
      shipped('policies', 'rongcheng-points'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(points-scheme, engines): 9 passed, 0 failed');
    expect(r.stdout).toContain('(points-scheme, ledger): 10 passed, 0 failed');
    expect(r.stdout).toContain('rongcheng-points/2018 (points-scheme, engines): 6 passed, 0 failed');
    expect(r.stdout).toMatch(/50 passed, 0 failed\n$/);
  });

  it('explains a subject from the ledger in English and Chinese', async () => {
    /** `policy explain` of the Wendeng pack for one subject as of a day. */
    const explain = (subject: string, asOf: string, ...more: string[]) =>
      run('policy', 'explain', WENDENG, '--subject', subject, '--as-of', asOf, ...more);
    const en = await explain(repaired.subject.id, '2021-10-01');
    expect(en.stdout).toContain('Score: 950');
    expect(en.stdout).toContain('Grade: B');
    expect(en.stdout).toContain('repair conversion W-R-01');
    expect(en.stdout).toContain(
      'basis: Wendeng 2020 Art. 19(1); Attachment 1, 司法领域失信信息 / 信用修复, line 1',
    );
    const zh = await explain(frozen.subject.id, '2021-06-01', '--lang', 'zh');
    expect(zh.stdout).toContain('积分: 980');
    expect(zh.stdout).toContain('冻结(直接降级事由未纠正期间只记录不计分) W1-58-01');
    const json = JSON.parse((await explain(frozen.subject.id, '2021-06-01', '--json')).stdout);
    expect(json.grade).toBe('B');
    const bad = await explain(frozen.subject.id, '2021-06-31');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a YYYY-MM-DD date/);
  });

  it('shows how two versions differ', async () => {
    const r = await run('policy', 'diff', WENDENG, shipped('policies', 'weihai-haibei', '2020'));
    expect(r.stdout).toContain('band D: ≤ 599 → ≤ 800');
    expect(r.stdout).not.toContain('~ rule');
    // Rongcheng's reform: the same lines, scoring now needs consent (issue 11 fix 6).
    const rc = await run(
      'policy',
      'diff',
      shipped('policies', 'rongcheng-points', '2018'),
      shipped('policies', 'rongcheng-points', '2021'),
    );
    expect(rc.stdout).toContain('consentRequired: false → true');
    expect(rc.stdout).not.toMatch(/[+~-] rule/);
  });

  it('scores the ledger into a DuckDB table and a Parquet file, replacing an earlier run', async () => {
    const args = ['score', '--policy', WENDENG, '--as-of', '2021-10-01'];
    await run(...args);
    const r = await run(...args);
    expect(r.stdout).toContain('2 subjects scored');
    const parquet = join(dir, 'scores-wendeng-points-2020-2021-10-01.parquet');
    expect(existsSync(parquet)).toBe(true);
    const db = await DuckDBInstance.create(join(dir, 'scores.duckdb'));
    const con = await db.connect();
    try {
      const rows = (
        await con.runAndReadAll('SELECT subject, status, score, grade FROM scores ORDER BY score')
      ).getRows();
      expect(rows.map((x) => x.map(String))).toEqual([
        [repaired.subject.id, 'scored', '950', 'B'],
        [frozen.subject.id, 'scored', '980', 'B'],
      ]);
      const p = (await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${parquet}')`)).getRows();
      expect(Number(p[0]![0])).toBe(2);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
