// Output paths: directories are created without hanging, and nothing a command did not write is ever replaced.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf } from './errors.testkit.js';
import { ensureDir, OUTPUT_MARKER, prepareOutputDir, prepareOutputFile } from './outputs.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-outputs-'));

describe('ensureDir', () => {
  it('creates nested folders, and fails with a code where Node would spin or say EEXIST', () => {
    expect(existsSync(ensureDir(join(work, 'a', 'b', 'c')))).toBe(true);
    if (existsSync('/proc/self'))
      expect(codeOf(() => ensureDir('/proc/nope/deeper'))).toBe('output.cannot_create');
    writeFileSync(join(work, 'file'), 'x');
    expect(codeOf(() => ensureDir(join(work, 'file', 'sub')))).toBe('output.not_a_directory');
  });
});

describe('prepareOutputDir', () => {
  const o = { kind: 'thing', entries: ['out.csv', 'sub'] };
  it('accepts a new or empty directory and marks it', () => {
    const dir = prepareOutputDir(join(work, 'new'), o);
    expect(JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8'))).toEqual({
      kind: 'thing',
      created: ['out.csv', 'sub'],
    });
  });
  it('refuses foreign files even with force, a previous output without force, another kind always', () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'out.csv'), 'mine');
    expect(codeOf(() => prepareOutputDir(foreign, { ...o, force: true }))).toBe('output.not_empty');
    expect(readFileSync(join(foreign, 'out.csv'), 'utf8')).toBe('mine');

    const prev = prepareOutputDir(join(work, 'prev'), o);
    writeFileSync(join(prev, 'out.csv'), 'old output');
    mkdirSync(join(prev, 'sub'));
    writeFileSync(join(prev, 'notes.txt'), 'added by the user');
    expect(codeOf(() => prepareOutputDir(prev, o))).toBe('output.exists');
    expect(codeOf(() => prepareOutputDir(prev, { ...o, kind: 'other', force: true }))).toBe(
      'output.other_kind',
    );
    prepareOutputDir(prev, { ...o, force: true });
    expect(existsSync(join(prev, 'out.csv'))).toBe(false);
    expect(existsSync(join(prev, 'sub'))).toBe(false);
    expect(readFileSync(join(prev, 'notes.txt'), 'utf8')).toBe('added by the user');
  });
  it('a marker naming paths outside the directory removes nothing there', () => {
    const dir = join(work, 'evil');
    mkdirSync(dir);
    writeFileSync(join(work, 'victim'), 'v');
    writeFileSync(join(dir, OUTPUT_MARKER), JSON.stringify({ kind: 'thing', created: ['../victim', '..'] }));
    prepareOutputDir(dir, { ...o, force: true });
    expect(readFileSync(join(work, 'victim'), 'utf8')).toBe('v');
  });
});

describe('prepareOutputFile', () => {
  it('never the protected file (nor its WAL); existing files need force and must be of the same kind', () => {
    const ledger = join(work, 'mosaic.duckdb');
    writeFileSync(ledger, Buffer.concat([Buffer.alloc(8), Buffer.from('DUCK')]));
    for (const f of [ledger, ledger + '.wal'])
      expect(codeOf(() => prepareOutputFile(f, { kind: 'csv', force: true, protect: [ledger] }))).toBe(
        'output.is_ledger',
      );
    expect(codeOf(() => prepareOutputFile(ledger, { kind: 'csv', force: true }))).toBe('output.other_kind');
    const csv = join(work, 'x.csv');
    writeFileSync(csv, 'a,b\n');
    expect(codeOf(() => prepareOutputFile(csv, { kind: 'csv' }))).toBe('output.exists');
    expect(prepareOutputFile(csv, { kind: 'csv', force: true })).toBe(csv);
    expect(codeOf(() => prepareOutputFile(csv, { kind: 'parquet', force: true }))).toBe('output.other_kind');
    expect(codeOf(() => prepareOutputFile(work, { kind: 'csv', force: true }))).toBe('output.is_directory');
  });
});
