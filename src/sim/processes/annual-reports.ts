// Firms' annual reports: on the due day each firm files late with a probability; the market regulator lists late
// filers as operating abnormally after a number of working days, and a listed firm catches up and exits the list.
import { Timer, type DistrictContext } from '../district-context.js';
import { iso } from '../days.js';
import type { DistrictProcess } from './process.js';

export class AnnualReportsProcess implements DistrictProcess {
  readonly name = 'annualReports';
  private readonly c: DistrictContext;
  /** Day the firm was listed as abnormal, 0 when it is not (local firm index). */
  private readonly abnormal: Int32Array;
  readonly timers;

  constructor(c: DistrictContext) {
    this.c = c;
    this.abnormal = new Int32Array(c.d.firmCount);
    this.timers = { [Timer.annualReportListing]: (day: number, k: number) => this.listing(day, k) };
  }

  daily(day: number, month: number, dom: number): void {
    const AR = this.c.s.behaviour.processes.annualReport;
    if (month !== AR.dueMonth || dom !== AR.dueDay) return;
    const c = this.c;
    const F = c.w.firms;
    const r = c.rng.processes;
    for (let k = 0; k < c.d.firmCount; k++) {
      const f = c.d.firmStart + k;
      // A firm founded this year files its first report next year.
      if (F.founded[f]! > day - AR.firstReportAfterDays.value || this.abnormal[k]! > 0) continue;
      if (r.next() < Math.min(1, AR.lateShare * F.tCompliance[f]!))
        c.schedule(c.cal.addWorkingDays(day, AR.listingDays), Timer.annualReportListing, k);
    }
  }

  /** A listed firm files its missing reports and is moved off the list (monthly catch-up). */
  firmMonthly(k: number, day: number): void {
    const c = this.c;
    const r = c.rng.processes;
    if (
      this.abnormal[k]! > 0 &&
      this.abnormal[k]! < day &&
      r.next() < c.s.responses.annualReportCatchUp.monthly
    ) {
      const d = day + r.int(c.s.behaviour.processes.credit.spreadDays.value);
      const st = c.m.stages['annual_report.exit'];
      c.stage(
        c.w.persons.length + c.d.firmStart + k,
        st,
        d,
        NaN,
        this.basis(st.agency, this.abnormal[k]!, k),
      );
      this.abnormal[k] = 0;
    }
  }

  private listing(day: number, k: number): void {
    const c = this.c;
    const st = c.m.stages['annual_report.listing'];
    c.stage(c.w.persons.length + c.d.firmStart + k, st, day, NaN, this.basis(st.agency, day, k));
    this.abnormal[k] = day;
  }

  private basis(agency: number, listedOn: number, k: number): string {
    const c = this.c;
    return `${c.m.agencies[agency]!.docPrefix} abnormal [${iso(listedOn).slice(0, 4)}] ${c.d.code}-${k}`;
  }
}
