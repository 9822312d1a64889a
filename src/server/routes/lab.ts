// The lab over HTTP: start a Meritown run with its audit as a background job (parameters checked against the
// scenario before anything runs), follow its progress, and read its result: headlines, disparities by group with
// bootstrap intervals, and each gap decomposed into rule lines. Runs are named by their parameters (src/server/lab.ts).
import { z } from 'zod';
import { shipped } from '../../core/paths.js';
import { loadScenario } from '../../sim/scenario.js';
import { ROLES } from '../auth.js';
import { LabRunner, type LabJob } from '../lab.js';
import { LAB_PACKS, packAt, packInfo, preparePack, reachView } from '../lab-packs.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { problems } from './common.js';
import type { RoutePlugin } from './plugin.js';

const GRADE = z.enum(['AAA', 'AA', 'A', 'B', 'C', 'D']);
const PackChoice = z
  .object({
    pack: z.enum(LAB_PACKS),
    bands: z
      .array(
        z
          .object({
            grade: GRADE,
            min: z.number().int().min(-100_000).max(100_000).optional(),
            max: z.number().int().min(-100_000).max(100_000).optional(),
          })
          .strict(),
      )
      .max(6)
      .optional()
      .describe('a replacement band table (all six grades), checked by the pack loader'),
    off: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
      .max(200)
      .optional()
      .describe('rule lines or direct-grading items switched off'),
  })
  .strict();

const Params = z.object({
  population: z.number().int().min(1000).max(20_000),
  years: z.number().min(0.25).max(2),
  seed: z.number().int().min(0).max(2_147_483_647),
  set: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/), z.union([z.number(), z.boolean()]))
    .refine((o) => Object.keys(o).length <= 8, 'at most 8 overrides')
    .describe('scenario overrides, as `mosaic sim run --set path=value`'),
  packs: z
    .array(PackChoice)
    .min(1)
    .max(2)
    .optional()
    .describe('one points pack, or two side by side (the same run, seed and overrides once per pack)'),
});

interface Audit {
  asOf: string;
  period: { from: string; to: string };
  population: { subjects: number };
  headlines: { key: string; en: string; zh: string; value: number }[];
  disparity: {
    outcome: string;
    label: { en: string; zh: string };
    attribute: string;
    reference: string;
    rows: { group: string; n: number; rate: number; diff: number; small: boolean }[];
  }[];
  bootstrap: {
    outcome: string;
    attribute: string;
    draws: number;
    alpha: number;
    groups: { group: string; rate: [number, number]; diff: [number, number] }[];
  }[];
  decompositions: {
    outcome: string;
    attribute: string;
    group: string;
    reference: string;
    measure: string;
    total: { value: number };
    contributions: { id: string; en: string; zh: string; value: { value: number } }[];
  }[];
}

/** The part of the audit the lab page draws (the full report stays with `mosaic audit`). */
function summary(a: Audit, ruleVersions: string[]) {
  const boot = new Map(a.bootstrap.map((b) => [`${b.outcome}|${b.attribute}`, b]));
  return {
    asOf: a.asOf,
    ruleVersions,
    period: a.period,
    subjects: a.population.subjects,
    headlines: a.headlines.map((x) => ({ key: x.key, en: x.en, zh: x.zh, value: x.value })),
    disparities: a.disparity
      .filter((d) => boot.has(`${d.outcome}|${d.attribute}`))
      .map((d) => {
        const b = boot.get(`${d.outcome}|${d.attribute}`)!;
        const iv = new Map(b.groups.map((g) => [g.group, g]));
        return {
          outcome: d.outcome,
          label: d.label,
          attribute: d.attribute,
          reference: d.reference,
          draws: b.draws,
          level: 1 - b.alpha,
          rows: d.rows.map((r) => ({
            group: r.group,
            n: r.n,
            rate: r.rate,
            diff: r.diff,
            small: r.small,
            rateInterval: iv.get(r.group)?.rate ?? null,
            diffInterval: iv.get(r.group)?.diff ?? null,
          })),
        };
      }),
    decompositions: a.decompositions.map((d) => ({
      outcome: d.outcome,
      attribute: d.attribute,
      group: d.group,
      reference: d.reference,
      measure: d.measure,
      total: d.total.value,
      lines: [...d.contributions]
        .sort((x, y) => Math.abs(y.value.value) - Math.abs(x.value.value))
        .slice(0, 8)
        .map((c) => ({ id: c.id, en: c.en, zh: c.zh, value: c.value.value })),
    })),
  };
}

const Job = z.object({
  id: z.string(),
  params: Params,
  phase: z.enum(['queued', 'simulating', 'auditing', 'done', 'failed']),
  progress: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  scenario: z.string(),
  result: z.any().optional().describe('when done: headlines, disparities with intervals, decompositions'),
  compare: z.any().optional().describe("when done with two packs: the second pack's result"),
  reach: z.array(z.any()).optional().describe('who the rules can reach, per pack'),
});

export const labPlugin: RoutePlugin = {
  name: 'lab',
  register(app) {
    const runner = new LabRunner();
    app.addHook('onClose', async () => runner.close());
    const scenarioDir = shipped('scenarios', 'meritown');
    const packIds = (job: LabJob) =>
      job.params.packs?.map((c, i) => packAt(preparePack(runner.root, c, i).dir)) ?? [];
    const view = (job: LabJob) => ({
      id: job.id,
      params: job.params,
      phase: job.phase,
      progress: job.progress,
      startedAt: job.startedAt,
      ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
      ...(job.error ? { error: job.error } : {}),
      scenario: 'meritown',
      ...(job.params.packs ? { reach: packIds(job).map(reachView) } : {}),
      // The audit is masked already; the lab masks again so nothing that looks like an identifier leaves.
      ...(job.phase === 'done'
        ? {
            result: maskDeep(
              summary(runner.result(job) as Audit, runner.versions(job, 0, packIds(job)[0]?.id)),
            ),
          }
        : {}),
      ...(job.phase === 'done' && job.params.packs?.length === 2
        ? {
            compare: maskDeep(
              summary(runner.result(job, 1) as Audit, runner.versions(job, 1, packIds(job)[1]?.id)),
            ),
          }
        : {}),
    });

    app.get(
      '/v1/lab/packs',
      {
        config: { access: { roles: ROLES } },
        schema: {
          tags: ['lab'],
          summary:
            'The points packs the lab can score a run by: their band tables, rule lines and who the rules can reach',
          response: { 200: z.object({ packs: z.array(z.any()) }), ...problems },
        },
      },
      async () => ({ packs: LAB_PACKS.map(packInfo) }),
    );

    app.post(
      '/v1/lab/runs',
      {
        config: { access: { roles: ROLES } },
        schema: {
          tags: ['lab'],
          summary:
            'Start a Meritown run and its audit in the background (the same parameters give the same run, started once)',
          body: Params,
          response: { 202: Job, ...problems, 503: problems[400] },
        },
      },
      async (req, reply) => {
        // The scenario checks the overrides (unknown path, wrong type) before anything runs: a coded 4xx, not a failed job.
        loadScenario(scenarioDir, { overrides: req.body.set });
        // Pack edits are written as derived packs and checked by the pack loader now: bad bands or an unknown line
        // are a coded 422 with the request's location, not a failed job.
        req.body.packs?.forEach((c, i) => preparePack(runner.root, c, i));
        const job = runner.submit(req.body);
        if (!job)
          throw httpError(503, 'lab.busy', 'the lab queue is full; try again when a run has finished');
        return reply.code(202).send(view(job));
      },
    );

    app.get(
      '/v1/lab/runs/:id',
      {
        config: { access: { roles: ROLES } },
        schema: {
          tags: ['lab'],
          summary: 'A lab run: its parameters, phase and progress, and its result when done',
          params: z.object({ id: z.string().max(40) }),
          response: { 200: Job, ...problems },
        },
      },
      async (req) => {
        const job = runner.get(req.params.id);
        if (!job) throw httpError(404, 'lab.not_found', `no lab run ${req.params.id}`);
        return view(job);
      },
    );
  },
};
