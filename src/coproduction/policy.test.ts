// Channel policies load with their cross-references checked; a broken policy is refused with codes and positions.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { lintCoproduction } from './pack-kind.js';
import { cellOf, covers, loadChannelPolicy, rankOfJurisdiction } from './policy.js';

const dir = shipped('policies', 'coproduction', 'channels');
const text = (f: string) => readFileSync(join(dir, f), 'utf8');

function codesOf(yaml: string): string[] {
  const f = join(mkdtempSync(join(tmpdir(), 'chpol-')), 'p.yaml');
  writeFileSync(f, yaml);
  try {
    loadChannelPolicy(f);
    return [];
  } catch (e) {
    return (e as MosaicError).issues.map((i) => `${i.code}@${i.location?.line ?? '?'}`);
  }
}

describe('channel policies', () => {
  it('loads the shipped policies', () => {
    expect(codesOf(text('ride-hailing.yaml'))).toEqual([]);
    expect(codesOf(text('food-delivery.yaml'))).toEqual([]);
  });

  it('lints the whole shipped co-production folder clean, and reports a broken one', () => {
    expect(lintCoproduction(shipped('policies', 'coproduction'))).toEqual([]);
    const root = mkdtempSync(join(tmpdir(), 'copro-'));
    mkdirSync(join(root, 'channels'));
    writeFileSync(
      join(root, 'channels', 'x.yaml'),
      text('ride-hailing.yaml').replace('min_cell: 10', 'min_cell: 0'),
    );
    expect(lintCoproduction(root).map((i) => i.code)).toEqual(['channel_policy.out_of_range']);
  });

  it('refuses an incident channel that would carry the customer', () => {
    const bad = text('food-delivery.yaml').replace(
      'fields: [incident, county, merchant_uscc, date, category]',
      'fields: [incident, county, merchant_uscc, date, category, customer_phone]',
    );
    expect(codesOf(bad)).toEqual([expect.stringMatching(/^channel_policy\.personal_field@\d+$/)]);
  });

  it('refuses an unknown basis, an unbounded sum and a noised purpose without a budget', () => {
    const bad = text('ride-hailing.yaml')
      .replace('bases: [ndrc-didi-2018]', 'bases: [ndrc-didi-2019]')
      .replace(
        '{ name: unpaid_yuan, kind: number, min: 0, max: 2000 }',
        '{ name: unpaid_yuan, kind: number }',
      )
      .replace('purposes: [urban_credit_monitoring]', 'purposes: [urban_credit_monitoring, tax_checks]');
    const codes = codesOf(bad).map((c) => c.split('@')[0]);
    expect(codes.sort()).toEqual([
      'channel_policy.no_budget',
      'channel_policy.unbounded',
      'channel_policy.unknown_basis',
    ]);
  });

  it('refuses unknown keys with their position', () => {
    expect(
      codesOf(text('ride-hailing.yaml').replace('firm: ride-hailing', 'firm: ride-hailing\nsecret: 1')),
    ).toEqual([expect.stringMatching(/^channel_policy\.unknown_field@\d+$/)]);
  });

  it('reads ranks and coverage from GB/T 2260 codes', () => {
    expect(['000000', '370000', '371000', '371082', '37'].map(rankOfJurisdiction)).toEqual([
      'national',
      'province',
      'prefecture',
      'county',
      undefined,
    ]);
    expect(covers('371000', '371082')).toBe(true);
    expect(covers('371082', '371002')).toBe(false);
    expect(covers('370000', '110101')).toBe(false);
    expect(cellOf('371082', 'prefecture')).toBe('371000');
  });
});
