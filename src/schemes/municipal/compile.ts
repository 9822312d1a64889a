// The fast evaluator: a pack resolved into typed lookup tables that rescore every subject of a columnar ledger at once.
//
// Each record is resolved by one table lookup on (kind, severity, level, legal-person bit) to a short list of
// entries (rule cases with their amount bands and precomputed validity), then accumulated per subject. Validity is a
// comparison of the record's day against one precomputed bound per window length. The rare constructs whose result
// depends on several records of one subject (repairs of direct causes, annual caps, cumulative tiers) are gathered
// into small side structures and resolved per subject afterwards. Explanations come only from the interpreter; an
// optional ContributionSink receives what each rule line counts (for the audit), and the differential tests prove
// both engines give the same scores, grades and contributions.
import type { Catalogue } from '../../core/catalogue.js';
import { buildTables } from './compile-tables.js';
import { makeScorer } from './compile-score.js';
import type { ContributionSink, ScoreTable } from './score-table.js';
import type { RecordColumns } from '../../ledger/ledger.js';
import type { SubjectColumns } from './subjects.js';
import type { SchemePack } from './types.js';

export { CONTRIB, ContributionSink, type ScoreTable } from './score-table.js';

export interface CompiledScheme {
  pack: SchemePack;
  catalogueVersion: string;
  /**
   * Rescore every subject as of `asOfDay` (epoch day). `out` may be passed to reuse its arrays. With `sink`, it is
   * cleared and receives every scored subject's contributions (slower: the branch-free scan is not used).
   */
  scoreAll(
    cols: RecordColumns,
    subjects: SubjectColumns,
    asOfDay: number,
    out?: ScoreTable,
    sink?: ContributionSink,
  ): ScoreTable;
  /** Sizes of the resolved tables (for tests and benchmarks). */
  stats: {
    kinds: number;
    slots: number;
    pointEntries: number;
    directEntries: number;
    triggerEntries: number;
  };
}

/** Resolve a pack against a catalogue into lookup tables and the loop that reads them. Throws MosaicError if the pack names
 * a kind the catalogue lacks. */
export function compileScheme(pack: SchemePack, catalogue: Catalogue): CompiledScheme {
  const t = buildTables(pack, catalogue);
  return {
    pack,
    catalogueVersion: catalogue.version,
    scoreAll: makeScorer(pack, t),
    stats: {
      kinds: t.usedKinds.size,
      slots: t.slots,
      pointEntries: t.pMask.length,
      directEntries: t.drMask.length,
      triggerEntries: t.trMask.length,
    },
  };
}
