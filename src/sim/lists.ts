// The seam to the lists engine (issue 4): listing statements go into its decision index as they are appended;
// between epochs it answers who is on which list and whom measures reach, resolves attempts at restricted actions,
// and reports listings that ran out their term so the court can write the expiry statement.
import { MosaicError } from '../core/errors.js';
import { iso } from './days.js';
import type { CreditRecord, Subject } from '../core/types.js';
import { DecisionIndex } from '../schemes/lists/decision-index.js';
import type { ListEntry } from '../schemes/lists/lifecycle.js';
import { loadListPolicy, type ListPolicy } from '../schemes/lists/policy.js';
import { requestListing, type RequestOutcome } from '../schemes/lists/requests.js';
import type { Catalogue } from '../core/catalogue.js';
import { F_RESTRICTED, type Snapshot } from './snapshot.js';
import { REGISTER_ROLES } from './roles.js';
import type { World } from './world.js';

/** The list the simulation's court lists debtors on. */
const DEFAULTERS = 'spc_defaulters';

/** The snapshot's list bit of the court's defaulter list (behaviour reads it before the seam exists). */
export function defaulterBit(policy: ListPolicy): number {
  return policy.listIndex(DEFAULTERS);
}

export interface Expiry {
  subject: number;
  entry: ListEntry;
  kind: string;
}

export class ListsSeam {
  readonly policy: ListPolicy;
  readonly ix: DecisionIndex;
  private readonly w: World;
  private readonly ids: string[];
  private readonly registered = new Set<number>();
  /** Subjects (simulation index) that have at least one lifecycle statement. */
  private readonly sources = new Set<number>();
  private readonly flagged = new Set<number>();
  private readonly expired = new Set<string>();
  private readonly actionBits: number[];
  /** Children by parent (CSR over the initial population) plus births. */
  private readonly kidPtr: Int32Array;
  private readonly kids: Int32Array;
  private readonly bornKids = new Map<number, number[]>();
  readonly defaulterBit: number;

  /** `policy`: the list policy at `root`, when the caller has loaded it already. */
  constructor(
    root: string,
    cat: Catalogue,
    world: World,
    ids: string[],
    actions: string[],
    policy?: ListPolicy,
  ) {
    this.policy = policy ?? loadListPolicy(root, cat);
    this.w = world;
    this.ids = ids;
    const bad = actions.filter((a) => this.policy.actionIndex(a) < 0);
    if (bad.length)
      throw new MosaicError({
        code: 'sim.unknown_action',
        message: `actions ${bad.join(', ')} are not in the lists policy's action catalogue`,
      });
    this.actionBits = actions.map((a) => this.policy.actionIndex(a));
    if (this.policy.lists.length > 8)
      throw new MosaicError({
        code: 'sim.too_many_lists',
        message: 'the snapshot holds membership of at most 8 lists',
      });
    this.defaulterBit = defaulterBit(this.policy);
    const P = world.persons;
    const F = world.firms;
    const firms: Subject[] = [];
    for (let f = 0; f < F.length; f++) firms.push(this.subject(P.length + f));
    this.ix = new DecisionIndex(this.policy, firms);
    for (let f = 0; f < F.length; f++) this.registered.add(P.length + f);
    // children by parent over everyone who exists at the start
    const cnt = new Int32Array(P.length + 1);
    for (let c = 0; c < P.length; c++)
      for (const p of [P.mother[c]!, P.father[c]!])
        if (p >= 0 && P.birth[c]! <= world.layout.startDay) cnt[p + 1]!++;
    for (let i = 0; i < P.length; i++) cnt[i + 1]! += cnt[i]!;
    const kids = new Int32Array(cnt[P.length]!);
    const fill = cnt.slice();
    for (let c = 0; c < P.length; c++)
      for (const p of [P.mother[c]!, P.father[c]!])
        if (p >= 0 && P.birth[c]! <= world.layout.startDay) kids[fill[p]!++] = c;
    this.kidPtr = cnt;
    this.kids = kids;
  }

  /** The register entry of a subject, as the lists engine and the ledger see it. */
  subject(i: number): Subject {
    return registerEntry(this.w, this.ids, i);
  }

  born(child: number): void {
    const P = this.w.persons;
    for (const p of [P.mother[child]!, P.father[child]!])
      if (p >= 0) (this.bornKids.get(p) ?? this.bornKids.set(p, []).get(p)!).push(child);
  }

  private childrenOf(p: number): number[] {
    const out: number[] = [];
    for (let k = this.kidPtr[p]!; k < this.kidPtr[p + 1]!; k++) out.push(this.kids[k]!);
    return out.concat(this.bornKids.get(p) ?? []);
  }

  /** Take in one appended statement; persons are registered (with their children) when first named. */
  apply(r: CreditRecord, subject: number): void {
    if (this.policy.rolesOf(r.kind).length === 0) return;
    const P = this.w.persons;
    if (subject < P.length && !this.registered.has(subject)) {
      this.registered.add(subject);
      this.ix.putSubject(this.subject(subject));
      for (const c of this.childrenOf(subject)) {
        if (this.registered.has(c)) continue;
        this.registered.add(c);
        this.ix.putSubject(this.subject(c));
      }
    }
    this.sources.add(subject);
    this.ix.apply(r);
  }

  /**
   * The court asks to list `subject` on the defaulter list: the engine's own request check decides (exclusions such as
   * minors, the prior warning in the case, the criterion). On success the engine builds the listing record.
   */
  requestListing(
    subject: number,
    ask: { day: number; criterion: string; basis: string },
    agency: string,
    reportedOn: number,
  ): RequestOutcome {
    const P = this.w.persons;
    if (subject < P.length && !this.registered.has(subject)) {
      this.registered.add(subject);
      this.ix.putSubject(this.subject(subject));
    }
    const id = this.ids[subject]!;
    return requestListing(this.policy, this.ix.register, this.ix.statementsOf(id), {
      list: DEFAULTERS,
      subject: id,
      case: ask.basis,
      date: iso(ask.day),
      reportedAt: iso(reportedOn),
      agency,
      criterion: ask.criterion,
    });
  }

  /** Outcome code (0 allow .. 3 deny) of attempt `action` (index into the actions given at construction). */
  decide(subject: number, action: number, day: number): number {
    return this.ix.decideIdx(this.ix.indexOf(this.ids[subject]!), this.actionBits[action]!, day);
  }

  /**
   * Publish list membership and the restricted flag into the snapshot for `day`, and return listings that ended by
   * their term in [from, to) (the court then writes the expiry statement).
   */
  refresh(snap: Snapshot, day: number, from: number, to: number): { expiries: Expiry[]; sizes: number[] } {
    for (const i of this.flagged) {
      snap.lists[i] = 0;
      snap.flags[i]! &= ~F_RESTRICTED;
    }
    this.flagged.clear();
    const sizes = new Array<number>(this.policy.lists.length).fill(0);
    const expiries: Expiry[] = [];
    const P = this.w.persons;
    const F = this.w.firms;
    const reach: number[] = [];
    for (const s of this.sources) {
      const id = this.ids[s]!;
      let bits = 0;
      for (const e of this.ix.entriesOf(id)) {
        if (e.since <= day && (e.until === null || day < e.until)) {
          const li = this.policy.listIndex(e.list);
          if (li >= 0 && !(bits & (1 << li))) {
            bits |= 1 << li;
            sizes[li]!++;
          }
        }
        if (
          e.termEnd !== null &&
          e.until === e.termEnd &&
          e.termEnd >= from &&
          e.termEnd < to &&
          !this.expired.has(e.ref)
        ) {
          const list = this.policy.list(e.list);
          const kind = list?.kinds.expiry?.kind;
          if (kind) {
            this.expired.add(e.ref);
            expiries.push({ subject: s, entry: e, kind });
          }
        }
      }
      if (bits) {
        snap.lists[s] = bits;
        this.flagged.add(s);
        reach.push(s);
        if (s < P.length) reach.push(...this.childrenOf(s));
        else {
          const f = s - P.length;
          if (F.legalRep[f]! >= 0) reach.push(F.legalRep[f]!);
          if (F.controller[f]! >= 0) reach.push(F.controller[f]!);
        }
      }
    }
    for (const t of reach) {
      for (let a = 0; a < this.actionBits.length; a++)
        if (this.decide(t, a, day) >= 2) {
          snap.flags[t]! |= F_RESTRICTED;
          this.flagged.add(t);
          break;
        }
    }
    return { expiries, sizes };
  }

  listIds(): string[] {
    return this.policy.lists.map((l) => l.list);
  }
}

/** Register entry (Subject) for simulation index `i`: persons first, then firms. */
export function registerEntry(w: World, ids: string[], i: number, consentScheme?: string): Subject {
  const P = w.persons;
  if (i < P.length) {
    const d = w.layout.districts[P.district[i]!]!;
    const s: Subject = {
      id: ids[i]!,
      type: 'natural',
      jurisdiction: d.code,
      hukou: P.hukou[i] ? 'rural' : 'urban',
      roles: REGISTER_ROLES.filter(([b]) => P.roles[i]! & b).map(([, r]) => r),
      birthDate: iso(P.birth[i]!),
      sex: P.sex[i] ? 'M' : 'F',
      district: d.code,
    };
    if (consentScheme && P.consent[i]) s.consents = [consentScheme];
    const parents = [P.mother[i]!, P.father[i]!].filter((p) => p >= 0).map((p) => ids[p]!);
    if (parents.length) s.parents = parents;
    return s;
  }
  const f = i - P.length;
  const F = w.firms;
  const d = w.layout.districts[F.district[f]!]!;
  const s: Subject = { id: ids[i]!, type: 'legal', jurisdiction: d.code, roles: [], district: d.code };
  if (F.legalRep[f]! >= 0) s.legalRepresentative = ids[F.legalRep[f]!]!;
  if (F.controller[f]! >= 0) s.actualController = ids[F.controller[f]!]!;
  return s;
}
