// The shipped working-day calendar around the Spring Festival and National Day, and load-time checks of the data.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCalendarPath, loadWorkingCalendar, shippedCalendar } from './calendar.js';
import { MosaicError } from './errors.js';
import { toEpochDay } from './dates.js';

const cal = shippedCalendar();

function issuesOf(fn: () => unknown): { code: string; line?: number; column?: number; file?: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof MosaicError)
      return err.issues.map((i) => ({
        code: i.code,
        line: i.location?.line,
        column: i.location?.column,
        file: i.location?.file,
      }));
    throw err;
  }
  throw new Error('expected a MosaicError');
}

describe('shipped calendar: Spring Festival', () => {
  it('2024: 10–17 Feb off, Sundays 4 and 18 Feb worked, the eve (9 Feb) worked', () => {
    for (const d of ['2024-02-10', '2024-02-12', '2024-02-14', '2024-02-16', '2024-02-17'])
      expect(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.isWorkingDay('2024-02-04')).toBe(true);
    expect(cal.isWorkingDay('2024-02-18')).toBe(true);
    expect(cal.isWorkingDay('2024-02-09')).toBe(true);
    expect(cal.explain('2024-02-18')).toMatchObject({
      kind: 'makeup',
      working: true,
      notice: '国办发明电〔2023〕7号',
    });
    expect(cal.explain('2024-02-13')).toMatchObject({ kind: 'holiday', working: false });
  });

  it('2024: 3 working days after the eve runs over the break and lands on Tue 20 Feb', () => {
    // Fri 9 Feb → Sun 18 (make-up) 1, Mon 19 2, Tue 20 3.
    expect(cal.addWorkingDays('2024-02-09', 1)).toBe('2024-02-18');
    expect(cal.addWorkingDays('2024-02-09', 3)).toBe('2024-02-20');
    expect(cal.workingDaysBetween('2024-02-09', '2024-02-20')).toBe(3);
  });

  it('2025: 28 Jan–4 Feb off, Sun 26 Jan and Sat 8 Feb worked', () => {
    expect(cal.isWorkingDay('2025-01-26')).toBe(true);
    expect(cal.isWorkingDay('2025-01-27')).toBe(true);
    expect(cal.isWorkingDay('2025-01-28')).toBe(false);
    expect(cal.isWorkingDay('2025-02-04')).toBe(false);
    expect(cal.isWorkingDay('2025-02-05')).toBe(true);
    expect(cal.isWorkingDay('2025-02-08')).toBe(true);
    expect(cal.isWorkingDay('2025-02-09')).toBe(false);
    // An objection filed Fri 24 Jan: 3 working days are Sun 26, Mon 27, Wed 5 Feb.
    expect(cal.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
    expect(cal.addWorkingDays('2025-01-24', 7)).toBe('2025-02-10');
  });

  it('2026: 15–23 Feb off, Sat 14 and Sat 28 Feb worked', () => {
    expect(cal.isWorkingDay('2026-02-14')).toBe(true);
    expect(cal.isWorkingDay('2026-02-15')).toBe(false);
    expect(cal.isWorkingDay('2026-02-23')).toBe(false);
    expect(cal.isWorkingDay('2026-02-24')).toBe(true);
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
  });
});

describe('shipped calendar: National Day', () => {
  it('2024: 1–7 Oct off, Sun 29 Sep and Sat 12 Oct worked', () => {
    expect(cal.isWorkingDay('2024-09-29')).toBe(true);
    expect(cal.isWorkingDay('2024-09-30')).toBe(true);
    expect(cal.isWorkingDay('2024-10-01')).toBe(false);
    expect(cal.isWorkingDay('2024-10-07')).toBe(false);
    expect(cal.isWorkingDay('2024-10-12')).toBe(true);
    expect(cal.isWorkingDay('2024-10-13')).toBe(false);
    // 20 working days after Fri 27 Sep 2024: Sun 29 and Mon 30 Sep, then 8–12 Oct (Sat 12 included), 14–18,
    // 21–25, and 28, 29, 30 Oct.
    expect(cal.addWorkingDays('2024-09-27', 20)).toBe('2024-10-30');
  });

  it('2025: 1–8 Oct merged with Mid-Autumn, Sun 28 Sep and Sat 11 Oct worked', () => {
    expect(cal.isWorkingDay('2025-09-28')).toBe(true);
    expect(cal.isWorkingDay('2025-10-08')).toBe(false);
    expect(cal.isWorkingDay('2025-10-09')).toBe(true);
    expect(cal.isWorkingDay('2025-10-11')).toBe(true);
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    // After Fri 26 Sep up to Sun 12 Oct: Sun 28, Mon 29, Tue 30 Sep, then Thu 9, Fri 10, Sat 11 Oct.
    expect(cal.workingDaysBetween('2025-09-26', '2025-10-12')).toBe(6);
  });

  it('2026: 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked; Mid-Autumn 25–27 Sep', () => {
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.isWorkingDay('2026-09-25')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.explain('2026-09-20')).toMatchObject({
      kind: 'makeup',
      holiday: expect.stringContaining('National Day'),
    });
  });
});

describe('deadline arithmetic', () => {
  it('accepts epoch days and answers in the same form', () => {
    const d = toEpochDay('2024-02-09');
    expect(cal.addWorkingDays(d, 3)).toBe(toEpochDay('2024-02-20'));
    expect(cal.isWorkingDay(toEpochDay('2024-02-18'))).toBe(true);
  });

  it('counts back with negative n, and n = 0 is the date itself', () => {
    expect(cal.addWorkingDays('2024-02-19', -1)).toBe('2024-02-18');
    expect(cal.addWorkingDays('2024-02-19', -2)).toBe('2024-02-09');
    expect(cal.addWorkingDays('2024-02-11', 0)).toBe('2024-02-11');
  });

  it('calendar days, optionally rolled past a rest day (Civil Code Art. 203)', () => {
    expect(cal.addCalendarDays('2025-09-21', 10)).toBe('2025-10-01');
    expect(cal.addCalendarDays('2025-09-21', 10, { rollToWorkingDay: true })).toBe('2025-10-09');
    expect(cal.addCalendarDays('2025-09-21', 7, { rollToWorkingDay: true })).toBe('2025-09-28');
    // Plain calendar arithmetic needs no coverage.
    expect(cal.addCalendarDays('2030-01-01', 20)).toBe('2030-01-21');
  });

  it('refuses dates outside 2024–2026 with calendar.out_of_range', () => {
    expect(issuesOf(() => cal.isWorkingDay('2023-12-31'))[0]!.code).toBe('calendar.out_of_range');
    expect(issuesOf(() => cal.isWorkingDay('2027-01-01'))[0]!.code).toBe('calendar.out_of_range');
    expect(issuesOf(() => cal.addWorkingDays('2026-12-30', 5))[0]!.code).toBe('calendar.out_of_range');
    expect(issuesOf(() => cal.workingDaysBetween('2023-12-31', '2024-01-05'))[0]!.code).toBe(
      'calendar.out_of_range',
    );
    expect(issuesOf(() => cal.addWorkingDays('2024-01-02', -2))[0]!.code).toBe('calendar.out_of_range');
  });

  it('refuses malformed dates and counts', () => {
    expect(issuesOf(() => cal.isWorkingDay('2024-02-30'))[0]!.code).toBe('calendar.bad_date');
    expect(issuesOf(() => cal.isWorkingDay(1.5))[0]!.code).toBe('calendar.bad_date');
    expect(issuesOf(() => cal.addWorkingDays('2024-03-01', 1.5))[0]!.code).toBe('calendar.bad_count');
  });

  it('answers outside the data only with the explicit weekends fallback', () => {
    const loose = shippedCalendar({ fallback: 'weekends' });
    expect(loose.isWorkingDay('2027-01-01')).toBe(true); // a Friday; the 2027 notice is not in the data
    expect(loose.explain('2027-01-02')).toMatchObject({ working: false, kind: 'weekend', fallback: true });
    expect(loose.addWorkingDays('2026-12-30', 5)).toBe('2027-01-06');
    expect(loose.addWorkingDays('2024-01-02', -1)).toBe('2023-12-29');
    expect(loose.addWorkingDays('2024-01-02', -2)).toBe('2023-12-28');
    expect(loose.workingDaysBetween('2023-12-29', '2024-01-05')).toBe(4); // Tue 2..Fri 5 Jan (1 Jan is a holiday)
  });
});

describe('loading calendar data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-cal-'));
  const base = readFileSync(defaultCalendarPath(), 'utf8');
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('the shipped file covers 2024–2026', () => {
    expect(cal.years).toEqual([2024, 2025, 2026]);
  });

  it('rejects a date that is both a holiday and a make-up day, at its line and column', () => {
    const text = base.replace('{ date: "2024-02-18", weekday: sun }', '{ date: "2024-02-17", weekday: sat }');
    const file = write('clash.yaml', text);
    const issues = issuesOf(() => loadWorkingCalendar(file));
    const clash = issues.find((i) => i.code === 'calendar.holiday_and_makeup');
    expect(clash).toBeDefined();
    const lineNo = text.split('\n').findIndex((l) => l.includes('"2024-02-17", weekday: sat')) + 1;
    expect(clash).toMatchObject({ file, line: lineNo });
    expect(clash!.column).toBeGreaterThan(1);
  });

  it('reports every problem at once: wrong weekday, weekday make-up, day count, bad date, unknown field', () => {
    const text = base
      .replace('{ date: "2024-02-04", weekday: sun }', '{ date: "2024-02-04", weekday: sat }')
      .replace('{ date: "2024-04-07", weekday: sun }', '{ date: "2024-04-08", weekday: mon }')
      .replace(
        'days: 7\n        makeup: [{ date: "2024-09-29"',
        'days: 6\n        makeup: [{ date: "2024-09-29"',
      );
    const issues = issuesOf(() => loadWorkingCalendar(write('many.yaml', text)));
    expect(issues.map((i) => i.code).sort()).toEqual([
      'calendar.days_mismatch',
      'calendar.makeup_not_weekend',
      'calendar.weekday_mismatch',
    ]);
    const bad = base
      .replace('from: "2024-10-01"', 'from: "2024-10-32"')
      .replace('zh: 劳动节', 'zh: 劳动节\n        colour: red');
    expect(
      issuesOf(() => loadWorkingCalendar(write('shape.yaml', bad)))
        .map((i) => i.code)
        .sort(),
    ).toEqual(['calendar.invalid', 'calendar.unknown_field']);
  });

  it('rejects gaps between years, overlapping breaks and YAML syntax errors', () => {
    const gap = base.replace('year: 2025', 'year: 2027');
    expect(issuesOf(() => loadWorkingCalendar(write('gap.yaml', gap))).map((i) => i.code)).toContain(
      'calendar.gap',
    );
    const overlap = base
      .replace('from: "2024-04-04"', 'from: "2024-02-16"')
      .replace(
        'days: 3\n        makeup: [{ date: "2024-04-07"',
        'days: 51\n        makeup: [{ date: "2024-04-07"',
      );
    expect(issuesOf(() => loadWorkingCalendar(write('overlap.yaml', overlap))).map((i) => i.code)).toContain(
      'calendar.overlap',
    );
    expect(issuesOf(() => loadWorkingCalendar(write('syntax.yaml', 'years: [')))[0]!.code).toBe(
      'yaml.syntax',
    );
  });
});
