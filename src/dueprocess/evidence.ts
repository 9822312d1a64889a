// Evidence files stored by content (SHA-256): size and type limited by policy, the type checked against the bytes.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MosaicError } from '../core/errors.js';
import type { ObjectionPack } from './schema.js';
import type { EvidenceRef } from './statements.js';

export type EvidenceLimits = ObjectionPack['evidence'];

const SIGNATURES: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};

/** Why bytes are refused as evidence of the declared type, or undefined when they are acceptable. */
export function checkEvidence(
  bytes: Uint8Array,
  name: string,
  type: string,
  limits: EvidenceLimits,
): MosaicError | undefined {
  const bad = (code: string, message: string) => new MosaicError({ code, message, location: { file: name } });
  if (!(limits.types as readonly string[]).includes(type))
    return bad(
      'evidence.type_not_allowed',
      `type ${type} is not accepted (accepted: ${limits.types.join(', ')})`,
    );
  if (bytes.length === 0) return bad('evidence.empty', 'the file is empty');
  if (bytes.length > limits.max_bytes)
    return bad('evidence.too_large', `${bytes.length} bytes exceeds the limit of ${limits.max_bytes} bytes`);
  const sig = SIGNATURES[type];
  if (sig && !sig.every((b, i) => bytes[i] === b))
    return bad(
      'evidence.type_mismatch',
      `the file's content is not ${type} (its leading bytes do not match)`,
    );
  if (type === 'text/plain') {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return bad('evidence.type_mismatch', 'text/plain evidence must be UTF-8 text');
    }
  }
  return undefined;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Content-addressed evidence: the same bytes are stored once, whatever they are called. */
export interface EvidenceStore {
  put(bytes: Uint8Array, name: string, type: string): Promise<EvidenceRef>;
  get(sha: string): Promise<Uint8Array | undefined>;
  has(sha: string): Promise<boolean>;
}

/**
 * Files under `<dir>/<sha[0..2]>/<sha>`, written to a temporary name and renamed, so a crash leaves either the whole
 * file or nothing. A read re-hashes the bytes: a file altered on disk is refused, not served.
 */
export class FileEvidenceStore implements EvidenceStore {
  constructor(
    readonly dir: string,
    readonly limits: EvidenceLimits,
  ) {}

  private path(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha))
      throw new MosaicError({ code: 'evidence.bad_hash', message: `${sha} is not a SHA-256 hex digest` });
    return join(this.dir, sha.slice(0, 2), sha);
  }

  async put(bytes: Uint8Array, name: string, type: string): Promise<EvidenceRef> {
    const problem = checkEvidence(bytes, name, type, this.limits);
    if (problem) throw problem;
    const sha = sha256(bytes);
    const file = this.path(sha);
    if (!existsSync(file)) {
      mkdirSync(join(this.dir, sha.slice(0, 2)), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(tmp, bytes, { flush: true });
      try {
        renameSync(tmp, file);
      } catch (e) {
        if (existsSync(tmp)) unlinkSync(tmp);
        throw e;
      }
    }
    return { sha256: sha, size: bytes.length, type, name };
  }

  async get(sha: string): Promise<Uint8Array | undefined> {
    const file = this.path(sha);
    if (!existsSync(file)) return undefined;
    const bytes = new Uint8Array(readFileSync(file));
    if (sha256(bytes) !== sha)
      throw new MosaicError({
        code: 'evidence.corrupt',
        message: `stored evidence ${sha} no longer matches its hash`,
      });
    return bytes;
  }

  async has(sha: string): Promise<boolean> {
    return existsSync(this.path(sha));
  }
}

/** The same contract in memory, for tests of code that only needs somewhere to put evidence. */
export class MemoryEvidenceStore implements EvidenceStore {
  private readonly files = new Map<string, Uint8Array>();
  constructor(readonly limits: EvidenceLimits) {}
  async put(bytes: Uint8Array, name: string, type: string): Promise<EvidenceRef> {
    const problem = checkEvidence(bytes, name, type, this.limits);
    if (problem) throw problem;
    const sha = sha256(bytes);
    if (!this.files.has(sha)) this.files.set(sha, new Uint8Array(bytes));
    return { sha256: sha, size: bytes.length, type, name };
  }
  async get(sha: string): Promise<Uint8Array | undefined> {
    const b = this.files.get(sha);
    return b && new Uint8Array(b);
  }
  async has(sha: string): Promise<boolean> {
    return this.files.has(sha);
  }
}
