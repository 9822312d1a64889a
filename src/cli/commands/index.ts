// The list of command modules; each bounded context adds one line here.
import type { Command } from 'commander';
import { registerCoreCommands } from './demo.js';
import { registerListCommands } from './list.js';
import { registerSimCommands } from './sim.js';
import { register as registerAudit } from './audit.js';
import { register as registerCatalogue } from './catalogue.js';
import { registerDueProcessCommands } from './dueprocess.js';
import { register as registerExplain } from './explain.js';
import { register as registerPolicy } from './policy.js';
import { registerStart } from './start.js';
import { register as registerServe } from './serve.js';
import { registerReportCommands } from './report.js';
import { registerScorecardCommands } from './scorecard.js';
import { registerPlatformCommands } from './platform.js';
import { registerFirmCommands } from './firm.js';
import { registerFinanceCommands } from './finance.js';
import { registerExperimentCommands } from './experiment.js';
import { registerChannelCommands } from './channel.js';
import { registerCoproductionCommands } from './coproduction.js';

export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [
  registerCoreCommands,
  registerListCommands,
  registerSimCommands,
  registerAudit,
  registerExplain,
  registerPolicy,
  registerDueProcessCommands,
  registerStart,
  registerCatalogue,
  registerServe,
  registerReportCommands,
  registerScorecardCommands,
  registerPlatformCommands,
  registerFirmCommands,
  registerFinanceCommands,
  registerExperimentCommands,
  registerChannelCommands,
  registerCoproductionCommands,
];
