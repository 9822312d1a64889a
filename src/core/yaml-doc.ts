// Load YAML with source positions and validate it against a zod schema, reporting every issue at file:line:column.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import type { Issue, Location } from './errors.js';

export interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The plain JS value, or undefined when the text is not valid YAML. */
  value: unknown;
  issues: Issue[];
}

/** Parse YAML text; syntax errors become `yaml.syntax` issues with positions. Never throws. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: Issue[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    issues.push({
      code: e.code === 'DUPLICATE_KEY' ? 'yaml.duplicate_key' : 'yaml.syntax',
      message: e.message.split('\n')[0] ?? e.message,
      location: { file, line: pos.line, column: pos.col },
    });
  }
  let value: unknown = undefined;
  if (issues.length === 0) {
    try {
      value = narrowStrings(doc.toJS({ maxAliasCount: 100 }));
    } catch (err) {
      issues.push({ code: 'yaml.syntax', message: (err as Error).message, location: { file } });
    }
  }
  return { file, doc, lines, value, issues };
}

const WIDE = /[\u0100-\uffff]/;

/**
 * The value's strings (in place), each in V8's one-byte form when its characters allow. A string cut from a text
 * that holds any character above U+00FF (a Chinese title, say) is kept two bytes a character even when it is
 * plain ASCII, and everything built from it too: a simulation's millions of record bases, kinds and agency codes
 * then took twice the memory, in every thread they were copied to, and hashed slower (decision 0160).
 */
function narrowStrings(v: unknown): unknown {
  if (typeof v === 'string') return WIDE.test(v) ? v : Buffer.from(v, 'latin1').toString('latin1');
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = narrowStrings(v[i]);
  } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = narrowStrings(o[k]);
  }
  return v;
}

export function readYaml(file: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      file,
      doc: parseDocument(''),
      lines: new LineCounter(),
      value: undefined,
      issues: [{ code: 'io.read_failed', message: (err as Error).message, location: { file } }],
    };
  }
  return parseYaml(text, file);
}

/** Location of the node at `path` (or its nearest existing ancestor) in a parsed document. */
export function locate(
  p: Pick<ParsedYaml, 'file' | 'doc' | 'lines'>,
  path: readonly (string | number)[],
): Location {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? p.doc.contents : p.doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = p.lines.linePos(node.range[0]);
      return { file: p.file, line: pos.line, column: pos.col, path: [...path] };
    }
  }
  return { file: p.file, path: [...path] };
}

/** Validate a parsed document against a schema. Schema issues become coded issues with positions. */
export function validateYaml<T>(
  p: ParsedYaml,
  schema: z.ZodType<T>,
  codePrefix: string,
): { value?: T; issues: Issue[] } {
  if (p.issues.length) return { issues: p.issues };
  const res = schema.safeParse(p.value);
  if (res.success) return { value: res.data, issues: [] };
  const issues = res.error.issues.map((zi) => {
    const path = zi.path.filter((k): k is string | number => typeof k !== 'symbol');
    return {
      code: `${codePrefix}.${zodCode(zi.code)}`,
      message: zi.message,
      location: locate(p, path),
    };
  });
  return { issues };
}

function zodCode(code: string): string {
  switch (code) {
    case 'invalid_type':
      return 'invalid_type';
    case 'unrecognized_keys':
      return 'unknown_field';
    case 'invalid_value':
    case 'invalid_union':
      return 'invalid_value';
    case 'too_small':
    case 'too_big':
      return 'out_of_range';
    default:
      return 'invalid';
  }
}
