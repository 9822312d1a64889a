// The seam to the municipal points engine: monthly rescoring of every subject with the fast evaluator (issue 3),
// fed by the record mirror and typed subject columns, written into the snapshot the behaviour model reads.
import type { Catalogue } from '../core/catalogue.js';
import { compileScheme, type CompiledScheme, type ScoreTable } from '../schemes/municipal/compile.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { allocSubjectColumns, isResident, type SubjectColumns } from '../schemes/municipal/subjects.js';
import { GRADE_NONE, type SchemePack } from '../schemes/municipal/types.js';
import type { RecordMirror } from './mirror.js';
import { F_NEAR_THRESHOLD, type Snapshot } from './snapshot.js';
import { REGISTER_ROLE_MASK } from './roles.js';
import type { World } from './world.js';

// The register's role bits coincide with the municipal ROLE_BITS (roles.test.ts); the collector bit is the sim's own.
const ROLE_MASK = REGISTER_ROLE_MASK;

export class Scoring {
  readonly pack: SchemePack;
  private readonly scheme: CompiledScheme;
  private readonly cols: SubjectColumns;
  private table: ScoreTable | undefined;
  private readonly w: World;
  private readonly residentDistricts: Uint8Array;
  /** Lower bound of each band above the subject's current one, ascending (for the threshold response). */
  private readonly thresholds: number[];
  private readonly window: number;
  private staticDone = false;

  constructor(dir: string, cat: Catalogue, world: World, responseWindow: number) {
    this.pack = loadSchemePack(dir, cat);
    this.scheme = compileScheme(this.pack, cat);
    this.w = world;
    const n = world.persons.length + world.firms.length;
    this.cols = allocSubjectColumns(n);
    this.residentDistricts = Uint8Array.from(
      world.layout.districts.map((d) => (isResident(d.code, this.pack) ? 1 : 0)),
    );
    this.thresholds = this.pack.meta.bands
      .map((b) => b.min)
      .filter((m): m is number => m !== undefined)
      .sort((a, b) => a - b);
    this.window = responseWindow;
  }

  /** The scheme id subjects consent to; the municipal engine checks consent against `meta.scheme`, not the pack id. */
  get schemeId(): string {
    return this.pack.meta.scheme;
  }

  /** Rescore everyone as of `day` and publish grades, scores and the near-threshold flag into the snapshot. */
  rescore(mirror: RecordMirror, day: number, snap: Snapshot): ScoreTable {
    const P = this.w.persons;
    const F = this.w.firms;
    const c = this.cols;
    if (!this.staticDone) {
      // type, roles and consent never change for a subject; they are filled once (births fill their own rows)
      for (let f = 0; f < F.length; f++) {
        c.type[P.length + f] = 1;
        c.consent[P.length + f] = 1;
      }
      this.staticDone = true;
    }
    for (let i = 0; i < P.length; i++) {
      const b = P.birth[i]!;
      const here = b <= day && P.death[i]! > day;
      c.birthDay[i] = here ? b : -2147483648;
      c.resident[i] = here ? this.residentDistricts[P.district[i]!]! : 0;
      if (here) {
        c.roles[i] = P.roles[i]! & ROLE_MASK;
        c.consent[i] = P.consent[i]!;
      }
    }
    for (let f = 0; f < F.length; f++)
      c.resident[P.length + f] = F.founded[f]! <= day ? this.residentDistricts[F.district[f]!]! : 0;
    const t = this.scheme.scoreAll(mirror.columns(), c, day, this.table);
    this.table = t;
    for (let i = 0; i < t.length; i++) {
      const g = t.grade[i]!;
      snap.grade[i] = g;
      snap.score[i] = g === GRADE_NONE ? NaN : t.score[i]!;
      let f = snap.flags[i]! & ~F_NEAR_THRESHOLD;
      if (g !== GRADE_NONE && i < P.length) {
        const s = t.score[i]!;
        for (const th of this.thresholds)
          if (th > s) {
            if (th - s <= this.window) f |= F_NEAR_THRESHOLD;
            break;
          }
      }
      snap.flags[i] = f;
    }
    return t;
  }
}
