// The assumptions table of a scenario: every number it holds, with the source (and marker) or the assumption that
// covers it — the nearest provenance on its block or an enclosing one, as the scenario loader enforces.
import type { Scenario } from '../sim/scenario.js';

export interface AssumptionRow {
  /** Dot path as an override would name it (`behaviour.processes.credit.sue`). */
  path: string;
  value: string;
  /** 'source' (with its marker) or 'assumption'. */
  kind: 'source' | 'assumption';
  text: string;
  marker: string;
}

type Prov = { kind: 'source' | 'assumption'; text: string; marker: string } | undefined;

function provOf(o: Record<string, unknown>, inherited: Prov): Prov {
  if (typeof o.source === 'string')
    return { kind: 'source', text: o.source, marker: typeof o.marker === 'string' ? o.marker : '' };
  if (typeof o.assumption === 'string') return { kind: 'assumption', text: o.assumption, marker: '' };
  return inherited;
}

/** List items are addressed by their id, name or code where they have one (as overrides address them). */
function keyOf(item: unknown, i: number): string {
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    for (const k of ['id', 'name', 'code']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return String(i);
}

export function assumptionRows(s: Scenario): AssumptionRow[] {
  const rows: AssumptionRow[] = [];
  const walk = (v: unknown, path: string[], prov: Prov): void => {
    if (typeof v === 'number') {
      rows.push({
        path: path.join('.'),
        value: String(v),
        kind: prov?.kind ?? 'assumption',
        text: prov?.text ?? '(none: the loader would have refused this scenario)',
        marker: prov?.marker ?? '',
      });
      return;
    }
    if (Array.isArray(v)) {
      // A tuple of numbers ([min, max]) is one parameter.
      if (v.length && v.every((x) => typeof x === 'number')) {
        rows.push({
          path: path.join('.'),
          value: `[${v.join(', ')}]`,
          kind: prov?.kind ?? 'assumption',
          text: prov?.text ?? '',
          marker: prov?.marker ?? '',
        });
        return;
      }
      v.forEach((x, i) => walk(x, [...path, keyOf(x, i)], prov));
      return;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const here = provOf(o, prov);
      for (const [k, x] of Object.entries(o)) if (k !== 'marker') walk(x, [...path, k], here);
    }
  };
  // Every part the scenario loaded, the optional files (finance, coproduction) when present.
  const parts = [
    'scenario',
    'population',
    'firms',
    'behaviour',
    'agencies',
    'responses',
    'society',
    'finance',
    'coproduction',
  ] as const;
  for (const p of parts) if (s[p] !== undefined) walk(s[p], [p], undefined);
  return rows;
}
