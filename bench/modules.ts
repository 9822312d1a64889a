// The registry of benchmark modules; each bounded context adds one line.
import type { BenchModule } from './types.js';
import { auditBench } from './audit.js';
import { ingestBench } from './ingest.js';
import { ledgerBench } from './ledger.js';
import { listsBench } from './lists.js';
import { municipalBench } from './municipal.js';
import { serverBench } from './server.js';
import { simBench } from './sim.js';
import { financeBench } from './finance.js';
import { webappBench } from './webapp.js';
import { labBench } from './lab.js';

export const benchModules: BenchModule[] = [
  auditBench,
  ingestBench,
  ledgerBench,
  listsBench,
  municipalBench,
  simBench,
  serverBench,
  financeBench,
  webappBench,
  labBench,
];
