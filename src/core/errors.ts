// Errors as data: a stable code, a location and a message, collected rather than thrown one at a time.

/** Where a problem was found: a file position, a row, or a path into a document. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  /** Path into a structured document, e.g. ['rules', 3, 'points']. */
  path?: (string | number)[];
}

/** One problem: `code` is stable and is what tests and clients branch on; `message` is for people. */
export interface Issue {
  code: string;
  message: string;
  location?: Location;
}

/** Thrown when input is rejected; carries every issue found, not just the first. */
export class MosaicError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[] | Issue) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map(formatIssue).join('\n'));
    this.name = 'MosaicError';
    this.issues = list;
  }
  get code(): string {
    return this.issues[0]?.code ?? 'unknown';
  }
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  let s = loc.file ?? '';
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.column !== undefined) s += `:${loc.column}`;
  if (loc.path && loc.path.length) s += `${s ? ' ' : ''}(${loc.path.join('.')})`;
  return s;
}

export function formatIssue(issue: Issue): string {
  const where = formatLocation(issue.location);
  return `${where ? where + ': ' : ''}${issue.code}: ${issue.message}`;
}
