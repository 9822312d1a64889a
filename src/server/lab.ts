// The lab's background jobs: a Meritown run and its audit, each in a child process (the CLI's own `sim run` and
// `audit`), so a run never blocks the server's event loop. A run is named by the hash of its parameters: the same
// parameters give the same run (shared by URL, reproduced from seed and parameters), started once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shipped } from '../core/paths.js';

export interface LabParams {
  population: number;
  years: number;
  seed: number;
  /** Scenario overrides (path → value), as `mosaic sim run --set path=value`. */
  set: Record<string, number | boolean>;
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
  const canon = JSON.stringify({ population: p.population, years: p.years, seed: p.seed, set });
  return `lab${createHash('sha256').update(canon).digest('hex').slice(0, 16)}`;
}

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
  ) {}

  /** Server shutdown: the running child is stopped and nothing waiting starts (a run is never left orphaned). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    this.proc?.kill('SIGTERM');
  }

  get(id: string): LabJob | undefined {
    return this.jobs.get(id) ?? this.fromDisk(id);
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

  /** The audit's JSON of a finished run. */
  result(job: LabJob): unknown {
    return JSON.parse(readFileSync(join(job.dir, 'run', 'audit', 'audit.json'), 'utf8'));
  }

  /** The rule versions behind a finished run: the scenario (its hash covers the overrides) and the catalogue. */
  versions(job: LabJob): string[] {
    const m = JSON.parse(readFileSync(join(job.dir, 'run', 'manifest.json'), 'utf8')) as {
      scenario: string;
      scenarioHash: string;
      versions: { catalogue: string };
      policies?: { scheme?: string };
    };
    return [
      `${m.scenario}@${m.scenarioHash.slice(0, 12)}`,
      m.versions.catalogue,
      ...(m.policies?.scheme ? [m.policies.scheme] : []),
    ];
  }

  /** A finished run survives a restart: its parameters and audit are on disk. */
  private fromDisk(id: string): LabJob | undefined {
    if (!/^lab[0-9a-f]{16}$/.test(id)) return undefined;
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
    const bin = shipped('bin', 'mosaic.js');
    const runDir = join(job.dir, 'run');
    mkdirSync(job.dir, { recursive: true });
    try {
      job.phase = 'simulating';
      const p = job.params;
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
        ],
        (line) => {
          const m = /\s(\d{1,3})%\s/.exec(line);
          if (m) job.progress = Math.min(99, Number(m[1]));
        },
      );
      job.phase = 'auditing';
      job.progress = 100;
      await this.child(
        [bin, 'audit', runDir, '--force', '--draws', '200', '--seed', String(p.seed)],
        () => {},
      );
      job.phase = 'done';
    } catch (e) {
      job.phase = 'failed';
      job.error = e instanceof Error ? e.message : String(e);
    }
    job.finishedAt = new Date().toISOString();
    // Written whole then renamed: a reader never sees half a job file.
    const file = join(job.dir, 'job.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(job));
    renameSync(`${file}.tmp`, file);
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
