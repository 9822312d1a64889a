// The point-formula language: a tiny, closed arithmetic over `amount`, parsed to an AST, evaluated or compiled safely.
//
// Grammar (whitespace ignored):
//   expr   := term (('+' | '-') term)*
//   term   := unary (('*' | '/') unary)*
//   unary  := '-' unary | atom
//   atom   := NUMBER | 'amount' | FUNC '(' expr (',' expr)* ')' | '(' expr ')'
//   FUNC   := floor | ceil | abs | min | max
// Division is only by a non-zero number literal, so a formula is total: finite amount in, finite points out.

export type Expr =
  | { t: 'num'; v: number }
  | { t: 'amount' }
  | { t: 'neg'; e: Expr }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; l: Expr; r: Expr }
  | { t: 'call'; fn: FuncName; args: Expr[] };

export type FuncName = 'floor' | 'ceil' | 'abs' | 'min' | 'max';

const FUNCS: Record<FuncName, { min: number; max: number; js: string }> = {
  floor: { min: 1, max: 1, js: 'Math.floor' },
  ceil: { min: 1, max: 1, js: 'Math.ceil' },
  abs: { min: 1, max: 1, js: 'Math.abs' },
  min: { min: 2, max: 8, js: 'Math.min' },
  max: { min: 2, max: 8, js: 'Math.max' },
};

/** A formula problem: `column` is 1-based inside the formula text. */
export interface ExprError {
  code:
    | 'policy.formula_syntax'
    | 'policy.formula_unknown_name'
    | 'policy.formula_division'
    | 'policy.formula_too_complex';
  message: string;
  column: number;
}

export const MAX_FORMULA_LENGTH = 200;
const MAX_DEPTH = 24;
/** Points are bounded so sums fit Int32 accumulators with room to spare. */
export const MAX_POINTS = 100_000;

type Tok =
  | { k: 'num'; v: number; at: number }
  | { k: 'id'; v: string; at: number }
  | { k: 'op'; v: string; at: number };

class ParseFail extends Error {
  constructor(readonly err: ExprError) {
    super(err.message);
  }
}

function fail(code: ExprError['code'], message: string, at: number): never {
  throw new ParseFail({ code, message, column: at + 1 });
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(src.slice(i))!;
      const v = Number(m[0]);
      if (!Number.isFinite(v)) fail('policy.formula_syntax', `number '${m[0]}' is not finite`, i);
      out.push({ k: 'num', v, at: i });
      i += m[0].length;
    } else if (/[a-z_]/i.test(c)) {
      const m = /^[a-z_][a-z0-9_]*/i.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0], at: i });
      i += m[0].length;
    } else if ('+-*/(),'.includes(c)) {
      out.push({ k: 'op', v: c, at: i });
      i++;
    } else {
      fail('policy.formula_syntax', `unexpected character '${c}'`, i);
    }
  }
  return out;
}

/** Parse a formula. Returns the AST or the first error; never throws. */
export function parseFormula(src: string): { expr: Expr } | { error: ExprError } {
  if (typeof src !== 'string')
    return { error: { code: 'policy.formula_syntax', message: 'formula must be text', column: 1 } };
  if (src.length > MAX_FORMULA_LENGTH)
    return {
      error: {
        code: 'policy.formula_too_complex',
        message: `formula is longer than ${MAX_FORMULA_LENGTH} characters`,
        column: MAX_FORMULA_LENGTH + 1,
      },
    };
  try {
    const toks = tokenize(src);
    let p = 0;
    const peek = (): Tok | undefined => toks[p];
    const end = src.length;
    const isOp = (v: string): boolean => {
      const t = toks[p];
      return t !== undefined && t.k === 'op' && t.v === v;
    };
    const expect = (v: string): void => {
      if (!isOp(v)) fail('policy.formula_syntax', `expected '${v}'`, peek()?.at ?? end);
      p++;
    };
    const expr = (depth: number): Expr => {
      if (depth > MAX_DEPTH)
        fail('policy.formula_too_complex', 'formula is nested too deeply', peek()?.at ?? end);
      let l = term(depth);
      while (isOp('+') || isOp('-')) {
        const op = (toks[p++] as { v: '+' | '-' }).v;
        l = { t: 'bin', op, l, r: term(depth) };
      }
      return l;
    };
    const term = (depth: number): Expr => {
      let l = unary(depth);
      while (isOp('*') || isOp('/')) {
        const opTok = toks[p++]!;
        const op = opTok.v as '*' | '/';
        const rTok = peek();
        const r = unary(depth);
        if (op === '/') {
          const lit = literalValue(r);
          if (lit === undefined || lit === 0)
            fail('policy.formula_division', 'divide only by a non-zero number', rTok?.at ?? end);
        }
        l = { t: 'bin', op, l, r };
      }
      return l;
    };
    const unary = (depth: number): Expr => {
      if (depth > MAX_DEPTH)
        fail('policy.formula_too_complex', 'formula is nested too deeply', peek()?.at ?? end);
      if (isOp('-')) {
        p++;
        return { t: 'neg', e: unary(depth + 1) };
      }
      return atom(depth);
    };
    const atom = (depth: number): Expr => {
      const t = peek();
      if (!t) fail('policy.formula_syntax', 'formula ends too early', end);
      if (t.k === 'num') {
        p++;
        return { t: 'num', v: t.v };
      }
      if (t.k === 'id') {
        p++;
        if (t.v === 'amount') return { t: 'amount' };
        if (!Object.hasOwn(FUNCS, t.v))
          fail(
            'policy.formula_unknown_name',
            `unknown name '${t.v}' (use amount, floor, ceil, abs, min, max)`,
            t.at,
          );
        const fn = t.v as FuncName;
        expect('(');
        const args = [expr(depth + 1)];
        while (isOp(',')) {
          p++;
          args.push(expr(depth + 1));
        }
        expect(')');
        const spec = FUNCS[fn];
        if (args.length < spec.min || args.length > spec.max)
          fail(
            'policy.formula_syntax',
            `${fn} takes ${spec.min === spec.max ? spec.min : `${spec.min}–${spec.max}`} arguments`,
            t.at,
          );
        return { t: 'call', fn, args };
      }
      if (t.v === '(') {
        p++;
        const e = expr(depth + 1);
        expect(')');
        return e;
      }
      return fail('policy.formula_syntax', `unexpected '${t.v}'`, t.at);
    };
    const e = expr(0);
    if (p < toks.length) fail('policy.formula_syntax', `unexpected '${String(toks[p]!.v)}'`, toks[p]!.at);
    return { expr: e };
  } catch (err) {
    if (err instanceof ParseFail) return { error: err.err };
    throw err;
  }
}

function literalValue(e: Expr): number | undefined {
  if (e.t === 'num') return e.v;
  if (e.t === 'neg') {
    const v = literalValue(e.e);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** Evaluate on an amount (the reference semantics). */
export function evalFormula(e: Expr, amount: number): number {
  switch (e.t) {
    case 'num':
      return e.v;
    case 'amount':
      return amount;
    case 'neg':
      return -evalFormula(e.e, amount);
    case 'bin': {
      const l = evalFormula(e.l, amount);
      const r = evalFormula(e.r, amount);
      return e.op === '+' ? l + r : e.op === '-' ? l - r : e.op === '*' ? l * r : l / r;
    }
    case 'call': {
      const a = e.args.map((x) => evalFormula(x, amount));
      switch (e.fn) {
        case 'floor':
          return Math.floor(a[0]!);
        case 'ceil':
          return Math.ceil(a[0]!);
        case 'abs':
          return Math.abs(a[0]!);
        case 'min':
          return Math.min(...a);
        case 'max':
          return Math.max(...a);
      }
    }
  }
}

/** Formula value → integer points: truncated toward zero, bounded, NaN → 0. Shared by every engine. */
export function finishPoints(x: number): number {
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  return t > MAX_POINTS ? MAX_POINTS : t < -MAX_POINTS ? -MAX_POINTS : t;
}

/** Thrown when asked to emit code for something that is not a validated AST node (defence in depth). */
export class UnsafeCodegenError extends Error {
  readonly code = 'policy.unsafe_codegen';
}

/**
 * Emit a JavaScript expression over the parameter `a` (the amount). Only finite number literals, the parameter,
 * a fixed set of operators and Math functions can appear: every node is re-checked here rather than trusted, so no
 * text from a policy file ever reaches the generated source.
 */
export function emitFormulaJs(e: Expr): string {
  if (e === null || typeof e !== 'object') throw new UnsafeCodegenError('formula node is not an object');
  switch (e.t) {
    case 'num': {
      if (typeof e.v !== 'number' || !Number.isFinite(e.v))
        throw new UnsafeCodegenError('number literal is not finite');
      // String() of a finite number is digits, '.', 'e', '+', '-' only.
      return `(${String(e.v)})`;
    }
    case 'amount':
      return 'a';
    case 'neg':
      return `(-${emitFormulaJs(e.e)})`;
    case 'bin': {
      if (e.op !== '+' && e.op !== '-' && e.op !== '*' && e.op !== '/')
        throw new UnsafeCodegenError('operator is not one of + - * /');
      return `(${emitFormulaJs(e.l)}${e.op}${emitFormulaJs(e.r)})`;
    }
    case 'call': {
      if (!Object.hasOwn(FUNCS, e.fn) || !Array.isArray(e.args))
        throw new UnsafeCodegenError('function is not in the allowed set');
      return `${FUNCS[e.fn].js}(${e.args.map(emitFormulaJs).join(',')})`;
    }
    default:
      throw new UnsafeCodegenError('unknown formula node');
  }
}

/** Compile a validated formula to a function of the amount. */
export function compileFormula(e: Expr): (amount: number) => number {
  const src = `"use strict"; return ${emitFormulaJs(e)};`;
  return new Function('a', src) as (amount: number) => number;
}

/** A canonical text of the AST (for diffs and explanations). */
export function formatFormula(e: Expr): string {
  switch (e.t) {
    case 'num':
      return String(e.v);
    case 'amount':
      return 'amount';
    case 'neg':
      return `-${formatFormula(e.e)}`;
    case 'bin':
      return `(${formatFormula(e.l)} ${e.op} ${formatFormula(e.r)})`;
    case 'call':
      return `${e.fn}(${e.args.map(formatFormula).join(', ')})`;
  }
}
