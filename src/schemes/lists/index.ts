// The lists bounded context's public surface: policy, lifecycle, requests, duties, decisions, the index, receipts.
export {
  loadListPolicy,
  shippedListPolicy,
  ListPolicy,
  OUTCOMES,
  outcomeOf,
  type Outcome,
} from './policy.js';
export { lintListPolicy, lintListRoot } from './lint.js';
export {
  entriesOf,
  activeOn,
  statementOf,
  type ListEntry,
  type ListStatement,
  type Anomaly,
} from './lifecycle.js';
export {
  requestListing,
  requestExtension,
  requestDeletion,
  expiryRecord,
  type ListingRequest,
  type ExtensionRequest,
  type DeletionRequest,
  type RequestOutcome,
} from './requests.js';
export { dutiesOf, type Duty } from './duties.js';
export { decideReference, type Decision, type Reason } from './decide.js';
export { DecisionIndex } from './decision-index.js';
export { Register } from './register.js';
export { receiptFor } from './receipts.js';
export { publishedTables, maskKeep } from './display.js';
