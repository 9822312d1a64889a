// The lab's background jobs: a Meritown run and its audit, each in a child process (the CLI's own `sim run` and
// `audit`), so a run never blocks the server's event loop. A run is named by the hash of its parameters: the same
// parameters give the same run (shared by URL, reproduced from seed and parameters), started once. Old runs are
// removed by a retention policy (decision 0128): a removed run is simply run again when asked for again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { canonicalChoice, preparePack, type PackChoice } from './lab-packs.js';

export interface LabParams {
  population: number;
  years: number;
  seed: number;
  /** Scenario overrides (path → value), as `mosaic sim run --set path=value`. */
  set: Record<string, number | boolean>;
  /**
   * The points packs, one or two (side by side: the same scenario and seed run once per pack). Absent: the scenario's
   * own pack. Edits (bands, lines off) make a derived pack (src/server/lab-packs.ts).
   */
  packs?: PackChoice[];
}

export type LabPhase = 'queued' | 'simulating' | 'auditing' | 'done' | 'failed';

export interface LabJob {
  id: string;
  params: LabParams;
  phase: LabPhase;
  /** Percent of the simulated days done (the CLI's progress line), then 100 while the audit runs. */
  progress: number;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  dir: string;
}

/** Canonical parameters (sorted overrides) and their hash: the run's id. */
export function labId(p: LabParams): string {
  const set = Object.fromEntries(Object.entries(p.set).sort(([a], [b]) => (a < b ? -1 : 1)));
  // The packs and their edits are part of the name (a shared URL reproduces them); absent packs keep older names.
  const packs = p.packs?.length ? { packs: p.packs.map(canonicalChoice) } : {};
  const canon = JSON.stringify({ population: p.population, years: p.years, seed: p.seed, set, ...packs });
  return `lab${createHash('sha256').update(canon).digest('hex').slice(0, 16)}`;
}

/** How many finished runs the lab keeps on disk (decision 0128). */
export interface LabRetention {
  /** Runs kept, most recently used first (`MOSAIC_LAB_KEEP_RUNS`, default 20, at least 1). */
  keepRuns: number;
  /** Bytes the kept runs may take together (`MOSAIC_LAB_MAX_MB` in MiB, default 2048; 0 for no cap). */
  maxBytes: number;
}

const MIB = 1024 * 1024;

/** The retention policy from the environment; a value that is not a whole number is a coded error at start-up. */
export function labRetention(env: NodeJS.ProcessEnv = process.env): LabRetention {
  const num = (name: string, fallback: number, min: number): number => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new MosaicError({
        code: 'lab.bad_retention',
        message: `${name}=${v} must be a whole number of at least ${min}`,
        location: { file: name },
      });
    return n;
  };
  return { keepRuns: num('MOSAIC_LAB_KEEP_RUNS', 20, 1), maxBytes: num('MOSAIC_LAB_MAX_MB', 2048, 0) * MIB };
}

const RUN_ID = /^lab[0-9a-f]{16}$/;
/** How long a run folder without a job file is presumed still being written (a lab run takes minutes at most). */
const UNFINISHED_GRACE_MS = 60 * 60 * 1000;

/** Bytes of the files under a path (links not followed; a folder's own entry size is the file system's, not data). */
function sizeOf(path: string): number {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let n = 0;
  for (const e of readdirSync(path)) n += sizeOf(join(path, e));
  return n;
}

/** The run folder of a side: `run` for the first pack (as before packs existed), `run-2` for the second. */
const runName = (side: number) => (side === 0 ? 'run' : `run-${side + 1}`);

export class LabRunner {
  private readonly jobs = new Map<string, LabJob>();
  private running: LabJob | null = null;
  private readonly waiting: LabJob[] = [];
  private proc: ChildProcess | null = null;
  private closed = false;

  constructor(
    readonly root = process.env.MOSAIC_LAB_DIR ?? join(tmpdir(), `mosaic-lab-${process.pid}`),
    /** Runs waiting beyond this are refused (the lab is a teaching tool on a shared server, not a batch farm). */
    readonly maxWaiting = 4,
    readonly retention: LabRetention = labRetention(),
  ) {}

  /** Server shutdown: the running child is stopped and nothing waiting starts (a run is never left orphaned). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    this.proc?.kill('SIGTERM');
  }

  /** The run named `id`; asking for a finished run counts as using it (the retention policy keeps recent use). */
  get(id: string): LabJob | undefined {
    const job = this.jobs.get(id) ?? this.fromDisk(id);
    if (job && (job.phase === 'done' || job.phase === 'failed')) this.touch(id);
    return job;
  }

  /**
   * Apply the retention policy to the lab folder: keep the `keepRuns` most recently used finished runs within
   * `maxBytes` (the most recent one always), and remove the others. The running run and the waiting ones are never
   * removed nor counted, nor is a folder still being written. Folders other than run folders (the derived packs) are left alone. Returns the ids removed.
   */
  prune(): string[] {
    if (!existsSync(this.root)) return [];
    // The run just ended is still `running` while its job file is written: it counts as finished (the newest).
    const busy = new Set(
      [...(this.running ? [this.running] : []), ...this.waiting]
        .filter((j) => j.phase !== 'done' && j.phase !== 'failed')
        .map((j) => j.id),
    );
    const runs = readdirSync(this.root)
      .filter((id) => RUN_ID.test(id) && !busy.has(id))
      .map((id) => ({ id, used: this.usedAt(id) }))
      .filter((r) => r.used !== undefined)
      // Most recent first; the id breaks ties so the order does not depend on the directory listing.
      .sort((a, b) => b.used! - a.used! || (a.id < b.id ? -1 : 1));
    // The kept runs are the most recent ones that fit: once one does not, it and every older one go.
    const { keepRuns, maxBytes } = this.retention;
    const removed: string[] = [];
    let bytes = 0;
    let full = false;
    runs.forEach((r, i) => {
      const dir = join(this.root, r.id);
      if (!full && maxBytes > 0) bytes += sizeOf(dir);
      full ||= i >= keepRuns || (i > 0 && maxBytes > 0 && bytes > maxBytes);
      if (!full) return;
      rmSync(dir, { recursive: true, force: true });
      this.jobs.delete(r.id);
      removed.push(r.id);
    });
    return removed;
  }

  /**
   * When a run folder was last used: its job file's time (touched on use). A folder without one is a run being
   * written (by another server sharing the folder) or one a shutdown interrupted: it is left alone until it has not
   * changed for an hour, then dated by its last change.
   */
  private usedAt(id: string): number | undefined {
    const dir = join(this.root, id);
    const job = statSync(join(dir, 'job.json'), { throwIfNoEntry: false });
    if (job) return job.mtimeMs;
    const changed = Math.max(
      ...[dir, join(dir, runName(0)), join(dir, runName(1))].map(
        (p) => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0,
      ),
    );
    return Date.now() - changed > UNFINISHED_GRACE_MS ? changed : undefined;
  }

  private touch(id: string): void {
    const file = join(this.root, id, 'job.json');
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // Not written yet, or removed meanwhile: nothing to mark.
    }
  }

  /** Start (or find) the run for these parameters. Returns undefined when the queue is full. */
  submit(params: LabParams): LabJob | undefined {
    const id = labId(params);
    const have = this.get(id);
    if (have && have.phase !== 'failed') return have;
    if (this.waiting.length >= this.maxWaiting) return undefined;
    const job: LabJob = {
      id,
      params,
      phase: 'queued',
      progress: 0,
      startedAt: new Date().toISOString(),
      dir: join(this.root, id),
    };
    this.jobs.set(id, job);
    this.waiting.push(job);
    this.next();
    return job;
  }

  /** The audit's JSON of a finished run (`side` 1 is the second pack's run). */
  result(job: LabJob, side = 0): unknown {
    return JSON.parse(readFileSync(join(job.dir, runName(side), 'audit', 'audit.json'), 'utf8'));
  }

  /** The rule versions behind a finished run: the scenario (its hash covers the overrides) and the catalogue. */
  versions(job: LabJob, side = 0, pack?: string): string[] {
    const m = JSON.parse(readFileSync(join(job.dir, runName(side), 'manifest.json'), 'utf8')) as {
      scenario: string;
      scenarioHash: string;
      versions: { catalogue: string };
      policies?: { scheme?: string };
    };
    return [
      `${m.scenario}@${m.scenarioHash.slice(0, 12)}`,
      m.versions.catalogue,
      // The pack's `scheme@version` when known (a lab edit is a version of its scheme), else the manifest's scheme.
      ...(pack ? [pack] : m.policies?.scheme ? [m.policies.scheme] : []),
    ];
  }

  /** A finished run survives a restart: its parameters and audit are on disk. */
  private fromDisk(id: string): LabJob | undefined {
    if (!RUN_ID.test(id)) return undefined;
    const file = join(this.root, id, 'job.json');
    if (!existsSync(file)) return undefined;
    const job = JSON.parse(readFileSync(file, 'utf8')) as LabJob;
    this.jobs.set(id, job);
    return job;
  }

  private next(): void {
    if (this.running || this.closed) return;
    const job = this.waiting.shift();
    if (!job) return;
    this.running = job;
    void this.run(job).finally(() => {
      this.running = null;
      this.next();
    });
  }

  private async run(job: LabJob): Promise<void> {
    mkdirSync(job.dir, { recursive: true });
    try {
      const p = job.params;
      const sides: (string | undefined)[] = p.packs?.length
        ? p.packs.map((c, i) => preparePack(this.root, c, i).path)
        : [undefined];
      for (let i = 0; i < sides.length; i++) await this.side(job, i, sides.length, sides[i]);
      job.phase = 'done';
    } catch (e) {
      job.phase = 'failed';
      job.error = e instanceof Error ? e.message : String(e);
    }
    job.finishedAt = new Date().toISOString();
    // A run stopped by shutdown is not recorded: it is started again when asked for again.
    if (this.closed) return;
    // Written whole then renamed: a reader never sees half a job file.
    const file = join(job.dir, 'job.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(job));
    renameSync(`${file}.tmp`, file);
    try {
      this.prune();
    } catch {
      // A folder that cannot be removed now is tried again after the next run; the run itself succeeded.
    }
  }

  /** One pack's run and audit: same scenario, overrides and seed on every side, so only the pack differs. */
  private async side(job: LabJob, i: number, n: number, pack: string | undefined): Promise<void> {
    const bin = shipped('bin', 'mosaic.js');
    const runDir = join(job.dir, runName(i));
    const p = job.params;
    const base = (100 * i) / n;
    job.phase = 'simulating';
    job.progress = Math.floor(base);
    await this.child(
      [
        bin,
        'sim',
        'run',
        shipped('scenarios', 'meritown'),
        '--population',
        String(p.population),
        '--years',
        String(p.years),
        '--seed',
        String(p.seed),
        '--out',
        runDir,
        '--force',
        '--no-progress',
        ...Object.entries(p.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
        ...(pack ? ['--set', `scenario.policies.municipal=${JSON.stringify([pack])}`] : []),
      ],
      (line) => {
        const m = /\s(\d{1,3})%\s/.exec(line);
        if (m) job.progress = Math.min(99, Math.floor(base + Number(m[1]) / n));
      },
    );
    job.phase = 'auditing';
    job.progress = Math.floor(base + 100 / n);
    await this.child([bin, 'audit', runDir, '--force', '--draws', '200', '--seed', String(p.seed)], () => {});
  }

  private child(args: string[], onLine: (line: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the server is shutting down'));
      const c = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      this.proc = c;
      let err = '';
      c.stderr.on('data', (b: Buffer) => {
        const s = b.toString();
        err = (err + s).slice(-4000);
        for (const line of s.split('\n')) onLine(line);
      });
      c.on('error', reject);
      c.on('exit', (code) => {
        this.proc = null;
        if (code === 0) resolve();
        else reject(new Error(err.trim().split('\n').slice(-3).join(' ') || `exit ${code}`));
      });
    });
  }
}
