// Data channels from a firm to the state inside Meritown (issue 17 §1): the city's bodies (the city credit office at
// prefecture rank, each district's office at county rank, or any body the scenario names) ask a firm's channel in the
// months the scenario sets, through the same engine as the CLI and the server (src/coproduction/engine.ts). The
// firm's data is built from the residents (its users' unpaid fares, driven by their financial propensity); what the
// state learns — released cells against the true ones, cells suppressed, refusals by rule, privacy spent — goes into
// the run's counts. The firm's channel serves the whole city, so one district (the first) runs it.
import { ChannelEngine, type AggregateRelease, type Row } from '../../coproduction/engine.js';
import { MemoryChannelLog } from '../../coproduction/log.js';
import {
  cellOf,
  covers,
  loadChannelPolicy,
  rankOfJurisdiction,
  type ChannelPolicy,
} from '../../coproduction/policy.js';
import { Rng } from '../../core/rng.js';
import type { DistrictContext } from '../district-context.js';
import { iso } from '../days.js';
import { resolvePolicyPath } from '../scenario.js';
import { ageYears } from '../world.js';
import type { CoproductionFile } from './coproduction-schema.js';
import type { DistrictProcess } from './process.js';

interface User {
  id: string;
  area: string;
  /** Chance of an unpaid fare in a month (the scenario's rate × the resident's propensity ÷ the city's mean). */
  p: number;
}

export class DataChannelsProcess implements DistrictProcess {
  readonly name = 'dataChannels';
  private readonly c: DistrictContext;
  private readonly C: NonNullable<CoproductionFile['channels']>;
  private readonly policy: ChannelPolicy | undefined;
  private readonly r: Rng;
  private readonly users: User[] = [];
  private readonly log = new MemoryChannelLog();
  /** The firm's rows of the current budget period (a year): its users' unpaid fares so far. */
  private rows: Row[] = [];
  private year = '';
  private asked = 0;
  /** The dataset's subject and area fields (named by the firm's policy). */
  private subjectField = '';
  private areaField = '';

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.coproduction?.channels)
      throw new Error(
        'the dataChannels module needs coproduction.yaml channels (checked when the scenario loads)',
      );
    this.C = c.s.coproduction.channels;
    this.r = new Rng(c.seed).fork('dataChannels');
    if (c.d.index !== 0) return;
    this.policy = loadChannelPolicy(resolvePolicyPath(c.s, this.C.policy));
    const ds = this.policy.datasets.find((x) => x.id === this.C.dataset);
    if (!ds)
      throw new Error(
        `the channel policy has no dataset ${this.C.dataset} (checked when the scenario loads)`,
      );
    this.subjectField = ds.subject_field;
    this.areaField = ds.area_field;
    // The firm's users: adults of the whole city at the start, read from columns no worker writes during the run.
    const P = c.w.persons;
    const codes = c.s.scenario.city.districts;
    const start = c.w.layout.startDay;
    let sum = 0;
    let n = 0;
    const picked: { i: number; area: string }[] = [];
    for (const d of c.w.layout.districts)
      for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
        if (ageYears(P.birth[i]!, start) < c.m.adultAge) continue;
        sum += P.tFinance[i]!;
        n++;
        if (this.r.next() < this.C.users.value) picked.push({ i, area: codes[d.index]!.code });
      }
    const mean = n > 0 ? sum / n : 1;
    for (const u of picked)
      this.users.push({
        id: `u${u.i}`,
        area: u.area,
        p: Math.min(1, (this.C.unpaidMonthly.value * P.tFinance[u.i]!) / mean),
      });
  }

  monthly(day: number, month: number): void {
    const policy = this.policy;
    if (!policy) return;
    const c = this.c;
    const date = iso(day);
    if (date.slice(0, 4) !== this.year) {
      this.year = date.slice(0, 4);
      this.rows = [];
    }
    // Last month's unpaid fares reach the firm's records.
    for (const u of this.users)
      if (this.r.next() < u.p)
        this.rows.push({
          [this.subjectField]: u.id,
          [this.areaField]: u.area,
          [this.C.amountField]: Math.round(this.C.fareYuan.value * -Math.log(1 - this.r.next())),
        });
    const due = this.C.requests.filter((q) => q.months.includes(month));
    if (!due.length) return;
    const dataset = this.C.dataset;
    const engine = new ChannelEngine(policy, new Map([[dataset, this.rows]]), {
      seed: `meritown|${c.seed}`,
      log: this.log,
    });
    const cityCode = c.s.scenario.city.districts[0]!.code.slice(0, 4) + '00';
    for (const q of due) {
      const places =
        q.jurisdiction === 'district'
          ? c.s.scenario.city.districts.map((d) => d.code)
          : [q.jurisdiction === 'city' ? cityCode : q.jurisdiction];
      for (const j of places) {
        const rank = rankOfJurisdiction(j)!;
        const d = engine.handle({
          id: `${date}|${q.body}|${j}|${this.asked++}`,
          date,
          requester: { body: q.body, kind: q.kind, rank, jurisdiction: j },
          channel: q.channel,
          legal_basis: q.legal_basis,
          purpose: q.purpose,
          fields: q.fields,
          granularity: q.granularity,
        });
        c.tally('channels.requests');
        c.tally(`channels.${d.outcome}`);
        if (d.refusedBy) c.tally(`channels.refused.${d.refusedBy}`);
        if (d.outcome !== 'granted') continue;
        c.tally('channels.rho', d.rho);
        if (d.release?.kind === 'aggregate') this.learned(d.release, j, q.granularity);
        else if (d.release) c.tally('channels.records', d.release.rows.length);
      }
    }
  }

  /** What the release told the state against the firm's true cells (distinct users with an unpaid fare). */
  private learned(rel: AggregateRelease, jurisdiction: string, granularity: string): void {
    const c = this.c;
    const truth = new Map<string, Set<string>>();
    for (const row of this.rows) {
      const a = String(row[this.areaField]);
      if (!covers(jurisdiction, a)) continue;
      const cell = cellOf(a, granularity as Parameters<typeof cellOf>[1]);
      let s = truth.get(cell);
      if (!s) truth.set(cell, (s = new Set()));
      s.add(String(row[this.subjectField]));
    }
    let trueReleased = 0;
    let trueAll = 0;
    for (const s of truth.values()) trueAll += s.size;
    c.tally('channels.cells', rel.cells.length);
    c.tally('channels.suppressed', rel.suppressed);
    for (const cell of rel.cells) {
      const t = truth.get(cell.cell)?.size ?? 0;
      trueReleased += t;
      const v = cell.values.count;
      if (v === undefined) continue;
      c.tally('channels.learned.count', v);
      c.tally('channels.abs_error', Math.abs(v - t));
    }
    c.tally('channels.true.released', trueReleased);
    c.tally('channels.true.all', trueAll);
  }
}
