// Reading a firm's dataset rows from JSON-lines files, and resolving a firm's shipped channel policy by name.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MosaicError } from '../core/errors.js';
import type { Row } from './engine.js';
import { channelPolicyDir, loadChannelPolicy, type ChannelPolicy } from './policy.js';

/** One JSON object per line; values must be strings, numbers or null. Bad lines are reported by line number. */
export function readRows(file: string): Row[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MosaicError({ code: 'io.read_failed', message: (e as Error).message, location: { file } });
  }
  const rows: Row[] = [];
  const issues: MosaicError['issues'] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      issues.push({ code: 'channel_data.syntax', message: 'not JSON', location: { file, line: i + 1 } });
      return;
    }
    const ok =
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => x === null || typeof x === 'string' || typeof x === 'number');
    if (!ok)
      issues.push({
        code: 'channel_data.row',
        message: 'a row is an object of strings, numbers and nulls',
        location: { file, line: i + 1 },
      });
    else rows.push(v as Row);
  });
  if (issues.length) throw new MosaicError(issues);
  return rows;
}

/** The shipped firms (policy file names without .yaml). */
export function shippedFirms(): string[] {
  return readdirSync(channelPolicyDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A firm's policy: a path to a YAML file, or the name of a shipped firm. */
export function resolveChannelPolicy(nameOrFile: string): ChannelPolicy {
  if (existsSync(nameOrFile)) return loadChannelPolicy(nameOrFile);
  const f = join(channelPolicyDir(), `${nameOrFile}.yaml`);
  if (!/^[a-z][a-z0-9-]*$/.test(nameOrFile) || !existsSync(f))
    throw new MosaicError({
      code: 'channel.unknown_firm',
      message: `no channel policy ${nameOrFile}; shipped firms: ${shippedFirms().join(', ')}`,
    });
  return loadChannelPolicy(f);
}
