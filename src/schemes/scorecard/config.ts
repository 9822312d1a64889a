// The scorecard method as data: binning, selection, scaling, calibration and stability thresholds, each sourced.
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readYaml, validateYaml } from '../../core/yaml-doc.js';

const Provenance = { source: z.string().min(1), marker: Marker, note: z.string().optional() };

const ConfigSchema = z
  .object({
    method: z.string().min(1),
    version: z.string().min(1),
    owner: z.string().min(1),
    legal_basis: z.string().min(1),
    source: z.string().min(1),
    binning: z
      .object({
        prebins: z.number().int().min(2).max(250),
        max_bins: z.number().int().min(2).max(250),
        min_bin_share: z.number().gt(0).lt(0.5),
        trend: z.enum(['auto', 'ascending', 'descending']),
        ...Provenance,
      })
      .strict(),
    selection: z
      .object({
        min_iv: z.number().min(0),
        max_variables: z.number().int().min(1),
        max_correlation: z.number().gt(0).max(1),
        ...Provenance,
      })
      .strict(),
    scaling: z
      .object({
        base_points: z.number(),
        /** Odds of good to bad at base_points. */
        base_odds: z.number().gt(0),
        pdo: z.number().gt(0),
        round_points: z.boolean(),
        ...Provenance,
      })
      .strict(),
    calibration: z.object({ score_bands: z.number().int().min(2).max(100), ...Provenance }).strict(),
    psi: z
      .object({
        bands: z.number().int().min(2).max(100),
        /** Status by upper bound; the last entry has no bound. */
        thresholds: z
          .array(z.object({ below: z.number().optional(), status: z.string().min(1) }).strict())
          .min(1),
        ...Provenance,
      })
      .strict(),
  })
  .strict();

export type ScorecardConfig = z.infer<typeof ConfigSchema>;

export function defaultConfigPath(): string {
  return shipped('policies', 'scorecard', 'bank-retail.yaml');
}

export function loadScorecardConfig(file = defaultConfigPath()): ScorecardConfig {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, ConfigSchema, 'scorecard_config');
  if (!res.value) throw new MosaicError(res.issues);
  const c = res.value;
  if (c.binning.max_bins > c.binning.prebins)
    throw new MosaicError({
      code: 'scorecard_config.bins',
      message: 'max_bins cannot exceed prebins',
      location: { file, path: ['binning', 'max_bins'] },
    });
  const t = c.psi.thresholds;
  if (t[t.length - 1]!.below !== undefined)
    throw new MosaicError({
      code: 'scorecard_config.psi_open_end',
      message: 'the last PSI threshold must have no upper bound',
      location: { file, path: ['psi', 'thresholds', t.length - 1] },
    });
  return c;
}
