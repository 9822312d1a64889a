// The due-process rules load, carry their legal basis and markers, and bad files fail with coded, located issues.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { loadCatalogue, defaultCataloguePath } from '../core/catalogue.js';
import { shipped } from '../core/paths.js';
import { shippedListPolicy } from '../schemes/lists/policy.js';
import { loadDueProcessPolicy, shippedDueProcessPolicy } from './policy.js';

const src = shipped('policies', 'dueprocess');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped rules with one file edited. */
function edited(file: 'objections.yaml' | 'publication.yaml', edit: (text: string) => string): string {
  const d = mkdtempSync(join(tmpdir(), 'issue-13-policy-'));
  dirs.push(d);
  for (const f of ['objections.yaml', 'publication.yaml']) copyFileSync(join(src, f), join(d, f));
  writeFileSync(join(d, file), edit(readFileSync(join(d, file), 'utf8')));
  return d;
}

function issues(dir: string): { code: string; line?: number }[] {
  try {
    loadDueProcessPolicy(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(MosaicError);
    return (e as MosaicError).issues.map((i) => ({
      code: i.code,
      ...(i.location?.line ? { line: i.location.line } : {}),
    }));
  }
  throw new Error('expected the load to fail');
}

describe('shipped due-process rules', () => {
  const p = shippedDueProcessPolicy();
  it('load with a version and every rule carrying basis and marker', () => {
    expect(p.version).toBe('objections@2026.1+publication@2026.2');
    for (const c of p.objections.channels) expect(c.basis.length).toBeGreaterThan(10);
    for (const r of p.publication.regimes) expect(r.legal_basis.length).toBeGreaterThan(0);
  });
  it('give a date in 2022 the 2019 notice, in 2024 Order No. 58, from 1 Apr 2026 the 2026 measures', () => {
    expect(p.regimeOn('ndrc_penalty', '2022-06-30').code).toBe('ndrc-2019');
    expect(p.regimeOn('ndrc_penalty', '2024-06-30').code).toBe('ndrc-2023');
    expect(p.regimeOn('ndrc_penalty', '2026-03-31').code).toBe('ndrc-2023');
    expect(p.regimeOn('ndrc_penalty', '2026-04-01').code).toBe('ndrc-2026');
    expect(() => p.regimeOn('ndrc_penalty', '2018-12-31')).toThrow(/no ndrc_penalty regime/);
    expect(() => p.regimeOn('samr_penalty', '2021-08-31')).toThrow(MosaicError);
  });
  it('show licences of a catalogue kind for a period flagged as an assumption when it has no source', () => {
    const cat = loadCatalogue(defaultCataloguePath());
    const rules = p.publication.licences ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const l of rules) {
      expect(cat.get(l.kind)?.category).toBe('administrative_licensing');
      expect(p.licenceRule(l.kind)).toBe(l);
      if (l.assumption) expect(l.marker).toBe('U');
    }
    expect(p.licenceRule('admin.penalty')).toBeUndefined();
  });
  it('route objections to the channel whose rule applies', () => {
    expect(p.route({ target: 'record', kind: 'finance.loan_overdue', jurisdiction: '371081' }).code).toBe(
      'financial_credit_reporting',
    );
    expect(p.route({ target: 'list_entry', kind: 'court.defaulter_listed' }).code).toBe(
      'spc_defaulter_correction',
    );
    expect(p.route({ target: 'record', kind: 'samr.abnormal_listed' }).code).toBe('enterprise_publicity');
    expect(p.route({ target: 'record', kind: 'admin.penalty', jurisdiction: '370102' }).code).toBe(
      'shandong_public_credit',
    );
    expect(p.route({ target: 'record', kind: 'admin.penalty', jurisdiction: '110101' }).code).toBe(
      'credit_china',
    );
    expect(p.route({ target: 'repair' }).code).toBe('credit_china');
  });
  it('keep the defaulter correction review equal to the lists policy', () => {
    const list = shippedListPolicy().list('spc_defaulters')!;
    expect(p.channel('spc_defaulter_correction').deadline.days).toBe(list.correction!.review_days);
  });
});

describe('bad rule files', () => {
  it('an unknown field is located', () => {
    const got = issues(
      edited('objections.yaml', (t) =>
        t.replace('flag_while_open: true', 'flag_while_open: true\n    colour: red'),
      ),
    );
    expect(got[0]).toMatchObject({ code: 'dueprocess.unknown_field' });
    expect(got[0]!.line).toBeGreaterThan(20);
  });
  it('a route to an unknown channel', () => {
    expect(
      issues(
        edited('objections.yaml', (t) => t.replace('  - channel: credit_china\n', '  - channel: nowhere\n')),
      ),
    ).toContainEqual(expect.objectContaining({ code: 'dueprocess.unknown_channel' }));
  });
  it('a last route that does not match everything', () => {
    expect(
      issues(
        edited('objections.yaml', (t) =>
          t.replace(/ {2}- channel: credit_china\n$/, '  - channel: credit_china\n    targets: [record]\n'),
        ),
      ),
    ).toContainEqual(expect.objectContaining({ code: 'dueprocess.no_fallback_route' }));
  });
  it('overlapping regimes of one family', () => {
    expect(
      issues(edited('publication.yaml', (t) => t.replace('to: "2023-04-30"', 'to: "2023-06-30"'))),
    ).toContainEqual(expect.objectContaining({ code: 'dueprocess.regime_overlap' }));
  });
  it('a minimum above the maximum, and an early stop without a minimum', () => {
    const got = issues(
      edited('publication.yaml', (t) =>
        t
          .replace(
            'published: true, min_months: 3, max_months: 12, early_stop: true',
            'published: true, min_months: 13, max_months: 12, early_stop: true',
          )
          .replace('published: true, min_months: 6, max_months: 36', 'published: true, max_months: 36'),
      ),
    ).map((i) => i.code);
    expect(got).toContain('dueprocess.min_above_max');
    expect(got).toContain('dueprocess.early_stop_without_minimum');
  });
  it('a condition naming an unknown class', () => {
    expect(
      issues(
        edited('publication.yaml', (t) => t.replace('classes: [defaulter_performed]', 'classes: [nobody]')),
      ),
    ).toContainEqual(expect.objectContaining({ code: 'dueprocess.unknown_class' }));
  });
  it('an assumed licence period marked as anything but U, and a licence kind twice', () => {
    const got = issues(
      edited('publication.yaml', (t) => {
        const rule = t.slice(t.indexOf('  - kind: licensing.administrative_licence'));
        return t.replace('    marker: U\n    assumption: true', '    marker: P\n    assumption: true') + rule;
      }),
    ).map((i) => i.code);
    expect(got).toContain('dueprocess.assumption_marker');
    expect(got).toContain('dueprocess.duplicate_licence_kind');
  });
});
