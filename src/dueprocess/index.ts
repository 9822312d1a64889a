// The due-process bounded context's public surface: rules, deadlines, workflows, evidence, KPIs and reports.
export { loadDueProcessPolicy, shippedDueProcessPolicy, DueProcessPolicy } from './policy.js';
export { dueAfter, workingDaysLate, dueProcessCalendar, describeRule } from './deadlines.js';
export * from './statements.js';
export { MemoryLog, FileLog, type DueProcessLog } from './log.js';
export { fileState, stepObjection, type ObjectionState } from './objection.js';
export { countdown, type Countdown, type PublicationState } from './publication.js';
export { checkRepair, type EligibilityCheck, type RepairState } from './repair.js';
export { foldStatements, applyStatement, emptyState, type DueProcessState } from './state.js';
export { flagsByRecord, type Flag } from './flags.js';
export { overdueByBody, type BodyKpi, type OverdueItem } from './kpi.js';
export { subjectReport, type SubjectReport } from './report.js';
export {
  FileEvidenceStore,
  MemoryEvidenceStore,
  checkEvidence,
  sha256,
  type EvidenceStore,
} from './evidence.js';
export { DueProcessService, type CorrectionSpec } from './service.js';
