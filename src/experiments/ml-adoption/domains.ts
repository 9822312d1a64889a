// The experiment's parameters as data, and the municipal domain measured from a Meritown run's true events.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readYaml, validateYaml } from '../../core/yaml-doc.js';

const Val = z.object({ value: z.number(), source: z.string().min(1), marker: Marker }).strict();
const Schema = z
  .object({
    experiment: z.string(),
    version: z.string(),
    source: z.string(),
    finance: z
      .object({
        families: z.array(z.object({ code: z.string(), source: z.string(), marker: Marker }).strict()).min(1),
        coverage: Val,
        density: Val,
        circularity: Val,
        label_noise: Val,
      })
      .strict(),
    municipal: z
      .object({ families: Val, coverage: Val, density: Val, circularity: Val, label_noise: Val })
      .strict(),
    sweep: z
      .object({
        people: z.number().int().min(500),
        seeds: z.number().int().min(1),
        families: z.array(z.number().int().min(1).max(12)).min(1),
        circularity: z.array(z.number().min(0).max(1)).min(1),
        label_noise: z.array(z.number().min(0).max(1)).min(1),
        coverage: Val,
        density: Val,
      })
      .strict(),
  })
  .strict();

export type ExperimentSpec = z.infer<typeof Schema>;

export function loadExperimentSpec(
  file = shipped('scenarios', 'ml-adoption', 'domains.yaml'),
): ExperimentSpec {
  const res = validateYaml(readYaml(file), Schema, 'experiment');
  if (!res.value) throw new MosaicError(res.issues);
  return res.value;
}

export interface DomainPoint {
  domain: 'finance' | 'municipal';
  families: number;
  coverage: number;
  density: number;
  circularity: number;
  labelNoise: number;
  /** Where each number came from. */
  provenance: Record<string, string>;
}

export function financePoint(s: ExperimentSpec): DomainPoint {
  const f = s.finance;
  return {
    domain: 'finance',
    families: f.families.length,
    coverage: f.coverage.value,
    density: f.density.value,
    circularity: f.circularity.value,
    labelNoise: f.label_noise.value,
    provenance: {
      families: `${f.families.length} input families of the lender (${f.families.map((x) => x.code).join(', ')})`,
      coverage: `${f.coverage.source} [${f.coverage.marker}]`,
      density: `${f.density.source} [${f.density.marker}]`,
      circularity: `${f.circularity.source} [${f.circularity.marker}]`,
      labelNoise: `${f.label_noise.source} [${f.label_noise.marker}]`,
    },
  };
}

/** The municipal point: defaults from the spec, or measured from a run's events.parquet and population.parquet. */
export async function municipalPoint(s: ExperimentSpec, run?: string): Promise<DomainPoint> {
  const m = s.municipal;
  const p: DomainPoint = {
    domain: 'municipal',
    families: m.families.value,
    coverage: m.coverage.value,
    density: m.density.value,
    circularity: m.circularity.value,
    labelNoise: m.label_noise.value,
    provenance: {
      families: `${m.families.source} [${m.families.marker}]`,
      coverage: `${m.coverage.source} [${m.coverage.marker}]`,
      density: `${m.density.source} [${m.density.marker}]`,
      circularity: `${m.circularity.source} [${m.circularity.marker}]`,
      labelNoise: `${m.label_noise.source} [${m.label_noise.marker}]`,
    },
  };
  if (!run) return p;
  const ev = join(run, 'events.parquet');
  const pop = join(run, 'population.parquet');
  if (!existsSync(ev) || !existsSync(pop))
    throw new MosaicError({
      code: 'experiment.not_a_run',
      message: `${run} has no events.parquet and population.parquet (a Meritown run directory)`,
    });
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const q = (sql: string) => con.runAndReadAll(sql).then((r) => r.getRowObjectsJS());
    const esc = (f: string) => f.replaceAll("'", "''");
    const [span] = await q(`SELECT count(*) AS residents FROM read_parquet('${esc(pop)}')`);
    const [days] = await q(`SELECT (max(day) - min(day)) + 1 AS days FROM read_parquet('${esc(ev)}')`);
    const fam = await q(
      `SELECT split_part(e.family, '.', 1) AS fam, count(*) AS n, avg(CASE WHEN e.recorded THEN 1.0 ELSE 0.0 END) AS cov
       FROM read_parquet('${esc(ev)}') e JOIN read_parquet('${esc(pop)}') p ON e.subject = p.id
       WHERE NOT e.fabricated GROUP BY 1 HAVING sum(CASE WHEN e.recorded THEN 1 ELSE 0 END) > 0`,
    );
    const residents = Number(span!.residents);
    const years = Number(days!.days) / 365.25;
    const families = fam.length;
    const events = fam.reduce((a, r) => a + Number(r.n), 0);
    const recorded = fam.reduce((a, r) => a + Number(r.n) * Number(r.cov), 0);
    if (families === 0)
      throw new MosaicError({
        code: 'experiment.no_events',
        message: `${run} has no recorded events of residents`,
      });
    // The mechanism has at most 12 families; the density spreads all true events over the families kept, so the
    // events per resident per year match the run.
    p.families = Math.min(12, families);
    p.coverage = recorded / events;
    p.density = events / (residents * p.families * years);
    p.provenance.families = `measured: ${families} behaviour families with recorded events among ${residents} residents (${run})${families > p.families ? `, capped at ${p.families}` : ''}`;
    p.provenance.coverage = `measured: ${recorded.toFixed(0)} of ${events} true events recorded`;
    p.provenance.density = `measured: ${events} true events / (${residents} residents × ${p.families} families × ${years.toFixed(2)} years)`;
    return p;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
