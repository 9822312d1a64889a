// The lab's retention policy: the most recently used finished runs are kept within a count and a size, the rest are
// removed, and a running, waiting or still-written run never is.
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf } from '../core/errors.testkit.js';
import { labId, labRetention, LabRunner, type LabJob, type LabParams } from './lab.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-lab-retention-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HOUR = 3600_000;
const params = (seed: number): LabParams => ({ population: 1000, years: 0.25, seed, set: {} });

/** A finished run on disk as the runner leaves it: job.json and a run folder of `bytes` bytes, last used `at`. */
function finished(
  root: string,
  seed: number,
  at: number,
  bytes = 10,
  phase: LabJob['phase'] = 'done',
): string {
  const id = labId(params(seed));
  const dir = join(root, id);
  mkdirSync(join(dir, 'run'), { recursive: true });
  writeFileSync(join(dir, 'run', 'ledger.duckdb'), Buffer.alloc(bytes));
  const job: LabJob = {
    id,
    params: params(seed),
    phase,
    progress: 100,
    startedAt: '2026-01-01T00:00:00Z',
    dir,
  };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
  utimesSync(join(dir, 'job.json'), new Date(at), new Date(at));
  return id;
}

const on = (root: string, ids: string[]) => ids.filter((id) => existsSync(join(root, id)));

describe('labRetention', () => {
  it('reads the count and size from the environment, with defaults, and refuses what is not a whole number', () => {
    expect(labRetention({})).toEqual({ keepRuns: 20, maxBytes: 2048 * 1024 * 1024 });
    expect(labRetention({ MOSAIC_LAB_KEEP_RUNS: '3', MOSAIC_LAB_MAX_MB: '0' })).toEqual({
      keepRuns: 3,
      maxBytes: 0,
    });
    for (const env of [
      { MOSAIC_LAB_KEEP_RUNS: '0' },
      { MOSAIC_LAB_KEEP_RUNS: 'ten' },
      { MOSAIC_LAB_MAX_MB: '-1' },
    ])
      expect(
        codeOf(() => labRetention(env)),
        JSON.stringify(env),
      ).toBe('lab.bad_retention');
  });
});

describe('LabRunner.prune', () => {
  it('keeps the N most recently used runs, a run asked for counting as used, and leaves other folders alone', () => {
    const root = join(work, 'count');
    const now = Date.now();
    const [a, b, c, d] = [1, 2, 3, 4].map((s, i) => finished(root, s, now - (10 - i) * HOUR));
    mkdirSync(join(root, 'packs', 'meritown-2021-abc'), { recursive: true });
    writeFileSync(join(root, 'notes.txt'), 'not a run');
    const runner = new LabRunner(root, 4, { keepRuns: 2, maxBytes: 0 });
    // Asking for the oldest run makes it the most recently used.
    expect(runner.get(a!)?.phase).toBe('done');
    expect(runner.prune().sort()).toEqual([b!, c!].sort());
    expect(on(root, [a!, b!, c!, d!])).toEqual([a!, d!]);
    expect(existsSync(join(root, 'packs', 'meritown-2021-abc'))).toBe(true);
    expect(existsSync(join(root, 'notes.txt'))).toBe(true);
    // A removed run is gone from memory too: asked for again, it is unknown (and would be run again).
    expect(runner.get(b!)).toBeUndefined();
    expect(runner.prune()).toEqual([]);
  });

  it('keeps the most recent runs that fit the size cap, and always the most recent one', () => {
    const root = join(work, 'size');
    const now = Date.now();
    const newest = finished(root, 1, now - HOUR, 5000);
    const [mid, old, oldest] = [2, 3, 4].map((s, i) => finished(root, s, now - (2 + i) * HOUR, 400));
    // 5000 bytes alone are over a 1000-byte cap: the newest run stays, every older one goes.
    const tight = new LabRunner(root, 4, { keepRuns: 10, maxBytes: 1000 });
    expect(tight.prune().sort()).toEqual([mid!, old!, oldest!].sort());
    expect(on(root, [newest])).toEqual([newest]);

    const root2 = join(work, 'size2');
    const ids = [1, 2, 3].map((s, i) => finished(root2, s, now - (1 + i) * HOUR, 400));
    // Room for two runs of 400 bytes and their job files (about 200 bytes), not three: the oldest goes.
    const runner = new LabRunner(root2, 4, { keepRuns: 10, maxBytes: 1500 });
    expect(runner.prune()).toEqual([ids[2]]);
    expect(on(root2, ids)).toEqual(ids.slice(0, 2));
  });

  it('never removes the running run, a waiting one, or a folder still being written', async () => {
    const root = join(work, 'busy');
    const now = Date.now();
    const recent = finished(root, 1, now - HOUR);
    // An old failed run asked for again waits for its turn in its old folder.
    const retried = finished(root, 2, now - 50 * HOUR, 10, 'failed');
    // A folder without a job file changed a minute ago (another server writing it), and one abandoned long ago.
    const writing = join(root, labId(params(3)));
    mkdirSync(join(writing, 'run'), { recursive: true });
    const abandoned = join(root, labId(params(4)));
    mkdirSync(join(abandoned, 'run'), { recursive: true });
    for (const p of [abandoned, join(abandoned, 'run')])
      utimesSync(p, new Date(now - 3 * HOUR), new Date(now - 3 * HOUR));

    const runner = new LabRunner(root, 4, { keepRuns: 1, maxBytes: 0 });
    try {
      const running = runner.submit(params(5))!;
      // Started at once (one run at a time): its child process is simulating.
      expect(running.phase).toBe('simulating');
      const waiting = runner.submit(params(2))!;
      expect(waiting.id).toBe(retried);
      expect(existsSync(running.dir)).toBe(true);
      expect(runner.prune()).toEqual([labId(params(4))]);
      expect(on(root, [running.id, retried, recent, labId(params(3))])).toEqual([
        running.id,
        retried,
        recent,
        labId(params(3)),
      ]);
    } finally {
      runner.close();
      // Let the stopped child exit before the folder is removed.
      const state = runner as unknown as { running: unknown };
      for (let i = 0; i < 100 && state.running; i++) await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('is applied when a run ends: a finished run pushes the oldest out', async () => {
    const root = join(work, 'after-run');
    const old = finished(root, 1, Date.now() - HOUR);
    const runner = new LabRunner(root, 4, { keepRuns: 1, maxBytes: 0 });
    // An override the scenario does not have: the child fails fast, and a failed run is a finished run too.
    const job = runner.submit({ ...params(9), set: { 'nope.x': 1 } })!;
    for (let i = 0; i < 600 && job.phase !== 'failed' && job.phase !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(job.phase).toBe('failed');
    expect(on(root, [old, job.id])).toEqual([job.id]);
  }, 60_000);
});
