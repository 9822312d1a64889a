// China's working-day calendar: official holidays and make-up days as data, and the deadline arithmetic on them.
import { z } from 'zod';
import { fromEpochDay, isIsoDate, toEpochDay, weekday } from './dates.js';
import { MosaicError, type Issue } from './errors.js';
import { Marker } from './catalogue.js';
import { shipped } from './paths.js';
import { locate, readYaml, validateYaml } from './yaml-doc.js';

const IsoDate = z.string().refine(isIsoDate, 'expected a real date as "YYYY-MM-DD"');
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const HolidaySchema = z
  .object({
    name: z.string().min(1),
    zh: z.string().min(1),
    from: IsoDate,
    to: IsoDate,
    /** The length of the break as the notice states it; checked against from..to. */
    days: z.number().int().min(1),
    makeup: z.array(z.object({ date: IsoDate, weekday: z.enum(WEEKDAYS) }).strict()),
    marker: Marker.optional(),
    note: z.string().optional(),
  })
  .strict();

const YearSchema = z
  .object({
    year: z.number().int().min(1949).max(2149),
    notice: z.string().min(1),
    issued: IsoDate,
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
    holidays: z.array(HolidaySchema),
  })
  .strict();

const CalendarSchema = z
  .object({
    calendar: z.string().min(1),
    version: z.string().min(1),
    jurisdiction: z.string().min(1),
    source: z.string().min(1),
    years: z.array(YearSchema).min(1),
  })
  .strict();

export type CalendarDoc = z.infer<typeof CalendarSchema>;

/** A date as ISO text (edges) or epoch day (engines); functions answer in the same form they were given. */
export type DateLike = string | number;

export interface CalendarOptions {
  /**
   * What to do with dates in years the data does not cover. 'error' (the default) throws calendar.out_of_range;
   * 'weekends' treats Monday–Friday as working days there — explicit, because it is wrong around every holiday.
   */
  fallback?: 'error' | 'weekends';
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup';

export interface DayExplanation {
  date: string;
  working: boolean;
  kind: DayKind;
  /** True when the day lies outside the covered years and the weekends-only fallback answered. */
  fallback: boolean;
  holiday?: string;
  notice?: string;
}

// Monday–Friday counting: F(x) is the number of weekdays from the Monday 1969-12-29 (epoch day −3) up to x.
const MONDAY = -3;
function weekdaysUpTo(x: number): number {
  const t = x - MONDAY;
  const weeks = Math.floor(t / 7);
  return weeks * 5 + Math.min(t - weeks * 7 + 1, 5);
}
/** The smallest x with weekdaysUpTo(x) >= t. */
function weekdayAtCount(t: number): number {
  const weeks = Math.floor((t - 1) / 5);
  return MONDAY + weeks * 7 + (t - 1 - weeks * 5);
}

const KIND_CODES: readonly DayKind[] = ['workday', 'weekend', 'holiday', 'makeup'];

/**
 * Working days for a run of whole years. Inside the covered range every answer comes from typed arrays; the
 * counting function C(x) (working days from the first covered day up to x) turns "N working days after" and
 * "working days between" into O(1) lookups.
 */
export class WorkingCalendar {
  /** First and last covered epoch days (1 Jan of the first year, 31 Dec of the last). */
  readonly first: number;
  readonly last: number;
  readonly years: readonly number[];
  readonly version: string;
  readonly fallback: 'error' | 'weekends';
  private readonly kind: Uint8Array;
  private readonly holidayOf: Int16Array;
  private readonly holidayNames: string[];
  private readonly notices: string[];
  /** cum[i] = working days among the first i covered days. */
  private readonly cum: Int32Array;
  /** The covered working days in order. */
  private readonly workDays: Int32Array;

  /** Build from a validated document; use loadWorkingCalendar for files. */
  constructor(doc: CalendarDoc, options: CalendarOptions = {}) {
    const years = doc.years.map((y) => y.year).sort((a, b) => a - b);
    this.years = years;
    this.version = `${doc.calendar}@${doc.version}`;
    this.fallback = options.fallback ?? 'error';
    this.first = toEpochDay(`${years[0]}-01-01`);
    this.last = toEpochDay(`${years[years.length - 1]}-12-31`);
    const n = this.last - this.first + 1;
    this.kind = new Uint8Array(n);
    this.holidayOf = new Int16Array(n).fill(-1);
    this.holidayNames = [];
    this.notices = [];
    for (let i = 0; i < n; i++) {
      const wd = weekday(this.first + i);
      this.kind[i] = wd === 0 || wd === 6 ? 1 : 0;
    }
    for (const y of doc.years)
      for (const h of y.holidays) {
        const idx = this.holidayNames.length;
        this.holidayNames.push(`${h.name} ${y.year} (${h.zh})`);
        this.notices.push(y.notice);
        for (let d = toEpochDay(h.from); d <= toEpochDay(h.to); d++) {
          if (d < this.first || d > this.last) continue;
          this.kind[d - this.first] = 2;
          this.holidayOf[d - this.first] = idx;
        }
        for (const m of h.makeup) {
          const d = toEpochDay(m.date);
          if (d < this.first || d > this.last) continue;
          this.kind[d - this.first] = 3;
          this.holidayOf[d - this.first] = idx;
        }
      }
    this.cum = new Int32Array(n + 1);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (this.kind[i] === 0 || this.kind[i] === 3) count++;
      this.cum[i + 1] = count;
    }
    this.workDays = new Int32Array(count);
    for (let i = 0, j = 0; i < n; i++)
      if (this.kind[i] === 0 || this.kind[i] === 3) this.workDays[j++] = this.first + i;
  }

  /** Whether the day is an official working day. */
  isWorkingDay(date: DateLike): boolean {
    const d = this.day(date);
    if (d >= this.first && d <= this.last) {
      const k = this.kind[d - this.first]!;
      return k === 0 || k === 3;
    }
    this.needFallback(d);
    const wd = weekday(d);
    return wd !== 0 && wd !== 6;
  }

  /** Why a day is or is not a working day, for explanations and audit traces. */
  explain(date: DateLike): DayExplanation {
    const d = this.day(date);
    const iso = fromEpochDay(d);
    if (d >= this.first && d <= this.last) {
      const kind = KIND_CODES[this.kind[d - this.first]!]!;
      const h = this.holidayOf[d - this.first]!;
      const out: DayExplanation = {
        date: iso,
        working: kind === 'workday' || kind === 'makeup',
        kind,
        fallback: false,
      };
      if (h >= 0) {
        out.holiday = this.holidayNames[h]!;
        out.notice = this.notices[h]!;
      }
      return out;
    }
    this.needFallback(d);
    const wd = weekday(d);
    const working = wd !== 0 && wd !== 6;
    return { date: iso, working, kind: working ? 'workday' : 'weekend', fallback: true };
  }

  /**
   * The n-th working day after `date` ("within n working days after": the first day counted is the next working
   * day, whatever `date` itself is). Negative n counts back: the |n|-th working day before `date`. n = 0 returns
   * `date` unchanged.
   */
  addWorkingDays(date: string, n: number): string;
  addWorkingDays(date: number, n: number): number;
  addWorkingDays(date: DateLike, n: number): DateLike {
    if (!Number.isInteger(n))
      throw new MosaicError({
        code: 'calendar.bad_count',
        message: `working-day count ${n} is not an integer`,
      });
    const d = this.covered(this.day(date));
    if (n === 0) return date;
    const target = n > 0 ? this.count(d) + n : this.count(d - 1) + n + 1;
    const out = this.nthWorkingDay(target, d, n);
    return typeof date === 'string' ? fromEpochDay(out) : out;
  }

  /**
   * `date` plus n calendar days ("within 20 days"). With rollToWorkingDay, a result that is not a working day moves
   * to the next working day — the Civil Code rule that a period whose last day is a statutory rest day ends on the
   * day after the rest ends (Civil Code Art. 203 [U]; read as covering weekends too, as courts do [U]).
   */
  addCalendarDays(date: string, n: number, options?: { rollToWorkingDay?: boolean }): string;
  addCalendarDays(date: number, n: number, options?: { rollToWorkingDay?: boolean }): number;
  addCalendarDays(date: DateLike, n: number, options: { rollToWorkingDay?: boolean } = {}): DateLike {
    if (!Number.isInteger(n))
      throw new MosaicError({ code: 'calendar.bad_count', message: `day count ${n} is not an integer` });
    let out = this.day(date) + n;
    if (options.rollToWorkingDay && !this.isWorkingDay(out)) out = this.addWorkingDays(out, 1);
    return typeof date === 'string' ? fromEpochDay(out) : out;
  }

  /**
   * Working days d with from < d <= to (negative when `to` is before `from`). For n >= 1,
   * workingDaysBetween(x, addWorkingDays(x, n)) === n.
   */
  workingDaysBetween(from: DateLike, to: DateLike): number {
    return this.count(this.covered(this.day(to))) - this.count(this.covered(this.day(from)));
  }

  /** C(x): working days in [first, x]; 0 at first − 1, negative before it (fallback only). */
  private count(x: number): number {
    if (x >= this.first - 1 && x <= this.last) return this.cum[x - this.first + 1]!;
    this.needFallback(x);
    if (x > this.last) return this.cum[this.cum.length - 1]! + weekdaysUpTo(x) - weekdaysUpTo(this.last);
    return weekdaysUpTo(x) - weekdaysUpTo(this.first - 1);
  }

  /** The smallest x with C(x) >= t: the t-th working day counted from the first covered day. */
  private nthWorkingDay(t: number, from: number, n: number): number {
    const total = this.workDays.length;
    if (t >= 1 && t <= total) return this.workDays[t - 1]!;
    if (this.fallback !== 'weekends')
      throw new MosaicError({
        code: 'calendar.out_of_range',
        message:
          `${n} working days ${n > 0 ? 'after' : 'before'} ${fromEpochDay(from)} runs past the calendar ` +
          `(${this.coverage()}); add the State Council notice for the next year or pass fallback: 'weekends'`,
      });
    if (t > total) return weekdayAtCount(t - total + weekdaysUpTo(this.last));
    return weekdayAtCount(t + weekdaysUpTo(this.first - 1));
  }

  /** `d` itself, after checking it is covered (or the fallback is on). */
  private covered(d: number): number {
    if (d < this.first || d > this.last) this.needFallback(d);
    return d;
  }

  private needFallback(d: number): void {
    if (this.fallback === 'weekends') return;
    throw new MosaicError({
      code: 'calendar.out_of_range',
      message:
        `${fromEpochDay(d)} is outside the working-day calendar (${this.coverage()}); add the State Council ` +
        `notice for that year to the calendar data or pass fallback: 'weekends'`,
    });
  }

  private coverage(): string {
    const y = this.years;
    return y.length === 1 ? `${y[0]}` : `${y[0]}–${y[y.length - 1]}`;
  }

  private day(date: DateLike): number {
    const d = typeof date === 'string' ? toEpochDay(date) : date;
    if (!Number.isInteger(d))
      throw new MosaicError({
        code: 'calendar.bad_date',
        message: `${String(date)} is not a YYYY-MM-DD date or an integer epoch day`,
      });
    return d;
  }
}

/** Check a parsed calendar document beyond its shape: arithmetic, weekdays, overlaps and coverage. */
function checkCalendar(doc: CalendarDoc, at: (path: (string | number)[]) => Issue['location']): Issue[] {
  const issues: Issue[] = [];
  const push = (code: string, message: string, path: (string | number)[]) =>
    issues.push({ code, message, location: at(path) });
  const years = doc.years.map((y) => y.year);
  const sorted = [...years].sort((a, b) => a - b);
  doc.years.forEach((y, yi) => {
    if (years.indexOf(y.year) !== yi)
      push('calendar.duplicate_year', `year ${y.year} is listed twice`, ['years', yi, 'year']);
  });
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]! > sorted[i - 1]! + 1)
      push(
        'calendar.gap',
        `years ${sorted[i - 1]} and ${sorted[i]} are not contiguous: the calendar must cover a run of whole years`,
        ['years'],
      );
  const lo = `${sorted[0]}-01-01`;
  const hi = `${sorted[sorted.length - 1]}-12-31`;
  const holidayAt = new Map<string, string>();
  const makeupAt = new Map<string, (string | number)[]>();
  const spans: { from: string; to: string; path: (string | number)[] }[] = [];
  doc.years.forEach((y, yi) => {
    y.holidays.forEach((h, hi2) => {
      const path = ['years', yi, 'holidays', hi2];
      const a = toEpochDay(h.from);
      const b = toEpochDay(h.to);
      if (b < a)
        push('calendar.range_reversed', `${h.name}: 'to' ${h.to} is before 'from' ${h.from}`, [
          ...path,
          'to',
        ]);
      else if (b - a + 1 !== h.days)
        push(
          'calendar.days_mismatch',
          `${h.name}: ${h.from}..${h.to} is ${b - a + 1} days but the notice says ${h.days}`,
          [...path, 'days'],
        );
      for (const [field, date] of [
        ['from', h.from],
        ['to', h.to],
      ] as const)
        if (date < lo || date > hi)
          push('calendar.outside_coverage', `${h.name}: ${date} is outside the covered years`, [
            ...path,
            field,
          ]);
      for (const s of spans)
        if (h.from <= s.to && s.from <= h.to)
          push('calendar.overlap', `${h.name} ${h.from}..${h.to} overlaps ${s.from}..${s.to}`, [
            ...path,
            'from',
          ]);
      spans.push({ from: h.from, to: h.to, path });
      for (let d = a; d <= b; d++) holidayAt.set(fromEpochDay(d), `${h.name} ${y.year}`);
    });
  });
  doc.years.forEach((y, yi) => {
    y.holidays.forEach((h, hi2) => {
      h.makeup.forEach((m, mi) => {
        const path = ['years', yi, 'holidays', hi2, 'makeup', mi];
        const wd = weekday(toEpochDay(m.date));
        if (WEEKDAYS[wd] !== m.weekday)
          push('calendar.weekday_mismatch', `${m.date} is a ${WEEKDAYS[wd]}, not a ${m.weekday} as written`, [
            ...path,
            'weekday',
          ]);
        if (wd !== 0 && wd !== 6)
          push('calendar.makeup_not_weekend', `make-up day ${m.date} is already a weekday`, [
            ...path,
            'date',
          ]);
        if (m.date < lo || m.date > hi)
          push('calendar.outside_coverage', `make-up day ${m.date} is outside the covered years`, [
            ...path,
            'date',
          ]);
        const clash = holidayAt.get(m.date);
        if (clash)
          push(
            'calendar.holiday_and_makeup',
            `${m.date} is both a make-up working day and a day of the ${clash} break`,
            [...path, 'date'],
          );
        if (makeupAt.has(m.date))
          push('calendar.duplicate_makeup', `make-up day ${m.date} is listed twice`, [...path, 'date']);
        makeupAt.set(m.date, path);
      });
    });
  });
  return issues;
}

/** Load, validate and index a calendar file. Throws MosaicError listing every problem with file:line:column. */
export function loadWorkingCalendar(
  file: string = defaultCalendarPath(),
  options: CalendarOptions = {},
): WorkingCalendar {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, CalendarSchema, 'calendar');
  if (!res.value) throw new MosaicError(res.issues);
  const issues = checkCalendar(res.value, (path) => locate(parsed, path));
  if (issues.length) throw new MosaicError(issues);
  return new WorkingCalendar(res.value, options);
}

export function defaultCalendarPath(): string {
  return shipped('policies', 'calendar', 'cn-working-days.yaml');
}

const cache = new Map<string, WorkingCalendar>();

/** The calendar shipped with Mosaic, loaded once per fallback mode. */
export function shippedCalendar(options: CalendarOptions = {}): WorkingCalendar {
  const key = options.fallback ?? 'error';
  let cal = cache.get(key);
  if (!cal) {
    cal = loadWorkingCalendar(defaultCalendarPath(), options);
    cache.set(key, cal);
  }
  return cal;
}
