// Evidence: stored by content hash, size and type limited with clear errors, the type checked against the bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { FileEvidenceStore, MemoryEvidenceStore, sha256, type EvidenceStore } from './evidence.js';
import { shippedDueProcessPolicy } from './policy.js';

const limits = shippedDueProcessPolicy().objections.evidence;
const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MosaicError);
  return (e as MosaicError).code;
}

function contract(name: string, make: () => EvidenceStore) {
  describe(`${name} evidence store`, () => {
    it('stores by SHA-256 and returns the same bytes', async () => {
      const s = make();
      const ref = await s.put(pdf, 'receipt.pdf', 'application/pdf');
      expect(ref).toEqual({
        sha256: sha256(pdf),
        size: pdf.length,
        type: 'application/pdf',
        name: 'receipt.pdf',
      });
      expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(await s.get(ref.sha256)).toEqual(pdf);
      expect(await s.has(ref.sha256)).toBe(true);
      const again = await s.put(pdf, 'copy.pdf', 'application/pdf');
      expect(again.sha256).toBe(ref.sha256);
    });
    it('refuses with stable codes', async () => {
      const s = make();
      expect(await code(s.put(pdf, 'x.exe', 'application/x-msdownload'))).toBe('evidence.type_not_allowed');
      expect(await code(s.put(png, 'fake.pdf', 'application/pdf'))).toBe('evidence.type_mismatch');
      expect(await code(s.put(new Uint8Array(0), 'empty.pdf', 'application/pdf'))).toBe('evidence.empty');
      expect(await code(s.put(new Uint8Array([0xff, 0xfe, 0xfd]), 'bad.txt', 'text/plain'))).toBe(
        'evidence.type_mismatch',
      );
      const big = new Uint8Array(limits.max_bytes + 1);
      big.set(png);
      expect(await code(s.put(big, 'big.png', 'image/png'))).toBe('evidence.too_large');
      expect((await s.put(png, 'ok.png', 'image/png')).size).toBe(png.length);
      expect((await s.put(new TextEncoder().encode('说明：已缴清罚款'), 'note.txt', 'text/plain')).type).toBe(
        'text/plain',
      );
    });
  });
}

contract('memory', () => new MemoryEvidenceStore(limits));
contract('file', () => {
  const d = mkdtempSync(join(tmpdir(), 'issue-13-evidence-'));
  dirs.push(d);
  return new FileEvidenceStore(d, limits);
});

it('a file altered on disk is refused, not served', async () => {
  const d = mkdtempSync(join(tmpdir(), 'issue-13-evidence-'));
  dirs.push(d);
  const s = new FileEvidenceStore(d, limits);
  const ref = await s.put(pdf, 'receipt.pdf', 'application/pdf');
  writeFileSync(join(d, ref.sha256.slice(0, 2), ref.sha256), 'tampered');
  expect(await code(s.get(ref.sha256))).toBe('evidence.corrupt');
  expect(await code(s.get('../../etc/passwd'))).toBe('evidence.bad_hash');
});
