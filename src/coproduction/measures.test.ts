// Platforms apply their measures to the court list feed: once per change, lifted when the listing ends, each with its
// legal basis or the note that none is published; the e-commerce checkout and the defaulter map decide with reasons.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { loadPlatformPolicy } from '../schemes/platform/policy.js';
import { loadMeasureCatalogue, PlatformMeasures, type ListChange } from './measures.js';

const cat = loadMeasureCatalogue();
const A = '371082198207079437';
const feed: ListChange[] = [
  { seq: 1, list: 'spc_defaulters', change: 'listed', subject: A, at: '2025-02-03' },
  { seq: 2, list: 'spc_consumption_restriction', change: 'listed', subject: A, at: '2025-02-04' },
  { seq: 3, list: 'spc_defaulters', change: 'deleted', subject: A, at: '2025-05-01' },
  { seq: 4, list: 'spc_consumption_restriction', change: 'deleted', subject: A, at: '2025-06-01' },
];

describe('platform measures', () => {
  it('every shipped measure has a legal basis or says none is published', () => {
    for (const m of cat.measures) expect(m.legal_basis !== null || !!m.no_basis_note).toBe(true);
    const f = join(mkdtempSync(join(tmpdir(), 'pm-')), 'm.yaml');
    const text = readFileSync(shipped('policies', 'coproduction', 'platform-measures.yaml'), 'utf8');
    writeFileSync(f, text.replace(/\n {4}no_basis_note: no published legal basis; arranged[^\n]*/, ''));
    expect(() => loadMeasureCatalogue(f)).toThrow(MosaicError);
    try {
      loadMeasureCatalogue(f);
    } catch (e) {
      expect((e as MosaicError).issues.map((i) => i.code)).toEqual(['platform_measures.no_basis']);
    }
  });

  it('e-commerce blocks high-consumption purchases while either list holds, and lifts when both end', () => {
    const p = new PlatformMeasures(cat, 'ecommerce');
    const ev = p.apply(feed.slice(0, 2));
    expect(ev.map((e) => [e.seq, e.measure, e.action])).toEqual([
      [1, 'block_high_consumption_purchases', 'apply'],
    ]);
    expect(ev[0]!.legalBasis).toMatch(/Restricting High Consumption/);
    expect(p.checkout(A, 'air_ticket')).toMatchObject({ allowed: false });
    expect(p.checkout(A, 'groceries').allowed).toBe(true);
    expect(p.apply([feed[2]!])).toEqual([]); // still under the consumption order
    expect(p.checkout(A, 'air_ticket').allowed).toBe(false);
    const lift = p.apply([feed[3]!]);
    expect(lift.map((e) => e.action)).toEqual(['lift']);
    expect(p.checkout(A, 'air_ticket').allowed).toBe(true);
  });

  it('applies each change once, however often the feed delivers it', () => {
    const p = new PlatformMeasures(cat, 'payment', loadPlatformPolicy());
    const first = p.apply(feed);
    expect(p.apply(feed)).toEqual([]);
    expect(p.apply([feed[0]!, feed[0]!])).toEqual([]);
    expect(first.map((e) => e.action)).toEqual(['apply', 'lift']);
    expect(first[0]!.reasons[1]).toMatch(/^score −150, capped at 549; perks withheld: /);
    expect([p.seen('spc_defaulters'), p.seen('spc_consumption_restriction')]).toEqual([3, 0]);
  });

  it('the defaulter map reaches users within 500 m of the registered address, with no published basis', () => {
    const p = new PlatformMeasures(cat, 'social');
    const [e] = p.apply([feed[0]!]);
    expect(e).toMatchObject({ effect: 'notice_nearby', legalBasis: null });
    expect(e!.noBasisNote).toMatch(/Hebei High People's Court/);
    const users = [
      { id: 'near', x: 300, y: 400 }, // 500 m exactly
      { id: 'far', x: 400, y: 400 },
      { id: A, x: 0, y: 0 },
    ];
    expect(p.noticeAudience(A, { x: 0, y: 0 }, users)).toEqual(['near']);
    p.apply([feed[2]!]);
    expect(p.noticeAudience(A, { x: 0, y: 0 }, users)).toEqual([]);
  });

  it('keeps a cursor per list, so lists read one after the other lose no change', () => {
    const p = new PlatformMeasures(cat, 'ecommerce');
    p.apply([{ ...feed[0]!, seq: 9 }]);
    const ev = p.apply([{ ...feed[1]!, seq: 5, subject: '371003197006309398' }]);
    expect(ev.map((e) => e.action)).toEqual(['apply']);
  });

  it('a platform ignores lists it does not subscribe to', () => {
    const p = new PlatformMeasures(cat, 'carrier');
    expect(p.apply([feed[1]!])).toEqual([]);
    expect(p.listsOf(A)).toEqual([]);
  });
});
