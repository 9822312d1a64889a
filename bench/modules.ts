// The registry of benchmark modules; each bounded context adds one line.
import type { BenchModule } from './types.js';

export const benchModules: BenchModule[] = [];
