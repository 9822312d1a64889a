// The sample generator: deterministic, valid against its catalogue, and covering the subject types the demo needs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue, validateRecord } from '../core/catalogue.js';
import { shippedCalendar } from '../core/calendar.js';
import { validateSubjectId } from '../core/identifiers.js';
import { generateSample, sampleDir, toJsonl } from './sample.js';
import { readRows } from './source.js';
import { checkSubject, readSubjects } from './subjects.js';
import { rowToRecord } from './rows.js';

const cal = shippedCalendar();
const fixture = loadCatalogue(new URL('./testdata/catalogue.yaml', import.meta.url).pathname);

describe('generateSample', () => {
  const a = generateSample(fixture, cal);

  it('is a function of seed and catalogue', () => {
    const b = generateSample(fixture, cal);
    expect(toJsonl(b.records)).toBe(toJsonl(a.records));
    expect(toJsonl(b.subjects)).toBe(toJsonl(a.subjects));
    expect(toJsonl(generateSample(fixture, cal, { seed: 'other' }).records)).not.toBe(toJsonl(a.records));
  });

  it('makes about 20 subjects of every kind the demo shows', () => {
    const s = a.subjects;
    expect(s.length).toBeGreaterThanOrEqual(18);
    expect(s.some((x) => x.hukou === 'urban')).toBe(true);
    expect(s.some((x) => x.hukou === 'rural')).toBe(true);
    expect(s.some((x) => x.roles.includes('state_personnel'))).toBe(true);
    expect(s.some((x) => x.roles.includes('village_cadre'))).toBe(true);
    const firm = s.find((x) => x.type === 'legal' && x.legalRepresentative)!;
    expect(s.find((x) => x.id === firm.legalRepresentative)!.roles).toContain('legal_representative');
    for (const x of s) expect(checkSubject(x)).toEqual([]);
    expect(new Set(s.map((x) => x.id)).size).toBe(s.length);
  });

  it('makes about 100 valid records, with stories, a correction and a withdrawal', () => {
    const r = a.records;
    expect(r.length).toBeGreaterThanOrEqual(90);
    expect(r.length).toBeLessThanOrEqual(110);
    const ids = new Set(a.subjects.map((x) => x.id));
    for (const rec of r) {
      expect(validateRecord(rec, fixture), JSON.stringify(rec)).toEqual([]);
      expect(ids.has(rec.subject)).toBe(true);
      expect(cal.isWorkingDay(rec.reportedAt) || rec.status !== 'original').toBe(true);
    }
    expect(r.filter((x) => x.kind === 'court.defaulter_deleted')).toHaveLength(2);
    const byId = new Map(r.map((x) => [x.id, x]));
    for (const status of ['correction', 'withdrawal'] as const) {
      const x = r.find((y) => y.status === status)!;
      expect(byId.get(x.supersedes!)?.status).toBe('original');
    }
    expect(new Set(r.map((x) => x.id)).size).toBe(r.length);
  });
});

// The shipped sample is regenerated with `mosaic sample generate` whenever the catalogue changes its kinds.
describe('shipped sample (scenarios/sample)', () => {
  const subjectsFile = join(sampleDir(), 'subjects.jsonl');
  const recordsFile = join(sampleDir(), 'records.jsonl');

  it('exists and validates against the shipped catalogue', async () => {
    expect(existsSync(subjectsFile) && existsSync(recordsFile)).toBe(true);
    const cat = loadCatalogue(defaultCataloguePath());
    const subjects = await readSubjects(subjectsFile);
    expect(subjects.every((s) => validateSubjectId(s.id).ok)).toBe(true);
    const known = new Set(subjects.map((s) => s.id));
    let n = 0;
    for await (const rows of readRows(recordsFile))
      for (const row of rows) {
        const res = rowToRecord(row.value!, { file: recordsFile, line: row.line }, cat, false);
        expect(res.issues, `line ${row.line}`).toEqual([]);
        expect(known.has(res.record!.subject)).toBe(true);
        n++;
      }
    expect(n).toBeGreaterThanOrEqual(90);
  });
});
