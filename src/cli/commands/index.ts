// The list of command modules; each bounded context adds one line here.
import type { Command } from 'commander';
import { registerCoreCommands } from './demo.js';

export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [registerCoreCommands];
