// Firms' grades in Meritown: firms file and pay taxes on time or late (the truth, from their finance propensity),
// the tax authority records what it sees and fixes each firm's grade every April; the market regulator classes
// firms by risk from its own records and draws the "double random" inspections by class.
import { fromEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import type { FirmData, FirmEvent } from '../../schemes/enterprise/data.js';
import {
  loadRiskPolicy,
  loadTaxPolicy,
  type RiskPolicy,
  type TaxPolicy,
} from '../../schemes/enterprise/policy.js';
import { drawInspections, riskClassAsOf, type RiskEvaluation } from '../../schemes/enterprise/risk.js';
import { evaluateTax } from '../../schemes/enterprise/tax.js';
import type { DistrictContext } from '../district-context.js';
import { resolvePolicyPath } from '../scenario.js';
import type { FinanceFile } from './finance-schema.js';
import type { DistrictProcess } from './process.js';

export class FirmGradesProcess implements DistrictProcess {
  readonly name = 'firmGrades';
  private readonly c: DistrictContext;
  private readonly F: FinanceFile['firms'];
  private readonly tax: TaxPolicy;
  private readonly risk: RiskPolicy;
  private readonly r: Rng;
  /** The authorities' records of the district's firms, in the enterprise engine's shape. */
  private readonly data: FirmData;
  private readonly ids: string[];
  private readonly counts = new Map<string, number>();

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.finance)
      throw new Error('the firmGrades module needs finance.yaml (checked when the scenario loads)');
    this.F = c.s.finance.firms;
    this.tax = loadTaxPolicy(resolvePolicyPath(c.s, this.F.taxPolicy));
    this.risk = loadRiskPolicy(resolvePolicyPath(c.s, this.F.riskPolicy));
    this.r = new Rng(c.seed).fork('firmGrades');
    const W = c.w.firms;
    this.ids = [];
    this.data = { firms: [], byId: new Map(), taxYears: new Map(), events: new Map(), reEvaluations: [] };
    for (let j = 0; j < c.d.firmCount; j++) {
      const g = c.d.firmStart + j;
      const id = `F${g}`;
      const f = { type: 'firm' as const, id, name: id, established: fromEpochDay(W.founded[g]!) };
      this.ids.push(id);
      this.data.firms.push(f);
      this.data.byId.set(id, f);
    }
  }

  private add(key: string, v = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + v);
  }

  private record(j: number, day: number, kind: FirmEvent['kind'], coverage: number): void {
    this.add(`firms.${kind}.true`);
    if (this.r.next() >= coverage) return;
    this.add(`firms.${kind}.recorded`);
    const id = this.ids[j]!;
    const l = this.data.events.get(id) ?? this.data.events.set(id, []).get(id)!;
    l.push({ type: 'event', firm: id, date: fromEpochDay(day), kind });
  }

  firmMonthly(j: number, day: number): void {
    const F = this.F;
    const t = this.c.w.firms.tFinance[this.c.d.firmStart + j]!;
    // The month's VAT return and payment (the truth); the tax system records what it sees.
    if (this.r.next() < F.lateFilingMonthly.value * t)
      this.record(j, day, 'late_filing', F.taxCoverage.value);
    if (this.r.next() < F.latePaymentMonthly.value * t)
      this.record(j, day, 'late_payment', F.taxCoverage.value);
    if (this.r.next() < F.penaltyMonthly.value * t) this.record(j, day, 'penalty', F.regulatorCoverage.value);
  }

  annual(day: number, month: number): void {
    if (month !== this.tax.publication.month) return;
    const c = this.c;
    const year = c.civil(day)[0]! - 1;
    const asOf = fromEpochDay(day);
    const classes: RiskEvaluation[] = [];
    for (let j = 0; j < this.ids.length; j++) {
      const id = this.ids[j]!;
      const f = this.data.byId.get(id)!;
      if (f.established > asOf) continue;
      if (f.established <= `${year}-12-31`) {
        // A trading firm with income and proper books (dormant firms are not modelled).
        this.data.taxYears.set(`${id}|${year}`, {
          type: 'tax_year',
          firm: id,
          year,
          operating_income: 1,
          books_ok: true,
          zero_vat_consecutive: 0,
          zero_vat_total: 0,
        });
        this.add(`firms.taxGrade.${evaluateTax(this.tax, this.data, id, year, asOf).grade}`);
      }
      classes.push(riskClassAsOf(this.risk, this.data, id, asOf));
    }
    for (const e of classes) this.add(`firms.riskClass.${e.class}`);
    // The year's "double random" draw by class, from the district's seed and the year (reproducible).
    const draw = drawInspections(this.risk, classes, `${c.seed}`, `${year + 1}-${c.d.index}`, 2);
    for (const [cls, v] of Object.entries(draw.byClass))
      if (v.drawn) this.add(`firms.inspected.${cls}`, v.drawn);
  }

  tally(into: Map<string, number>): void {
    for (const [k, v] of this.counts) into.set(k, (into.get(k) ?? 0) + v);
    this.counts.clear();
  }
}
