// Tests for the point-formula language: parsing, coded errors, and that compiled code equals evaluation and is inert.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compileFormula,
  emitFormulaJs,
  evalFormula,
  finishPoints,
  formatFormula,
  parseFormula,
  UnsafeCodegenError,
  type Expr,
} from './expr.js';

function parsed(src: string): Expr {
  const r = parseFormula(src);
  if ('error' in r) throw new Error(`${r.error.code} at ${r.error.column}: ${r.error.message}`);
  return r.expr;
}

describe('parseFormula', () => {
  it('evaluates the donation band formula of Wendeng P3', () => {
    const e = parsed('min(10, floor(amount / 400))');
    expect(evalFormula(e, 1200)).toBe(3);
    expect(evalFormula(e, 5000)).toBe(10);
  });

  it('respects precedence and unary minus', () => {
    expect(evalFormula(parsed('1 + 2 * 3'), 0)).toBe(7);
    expect(evalFormula(parsed('-(1 + 2) * -amount'), 2)).toBe(6);
    expect(evalFormula(parsed('max(1, 2, amount)'), 5)).toBe(5);
  });

  it.each([
    ['amount +', 'policy.formula_syntax', 9],
    ['floor(amount', 'policy.formula_syntax', 13],
    ['amount / 0', 'policy.formula_division', 10],
    ['amount / amount', 'policy.formula_division', 10],
    ['eval(amount)', 'policy.formula_unknown_name', 1],
    ['constructor', 'policy.formula_unknown_name', 1],
    ['amount; process.exit(1)', 'policy.formula_syntax', 7],
    ['`${amount}`', 'policy.formula_syntax', 1],
    ['floor(1, 2)', 'policy.formula_syntax', 1],
    ['1e400', 'policy.formula_syntax', 2],
    ['('.repeat(40) + '1' + ')'.repeat(40), 'policy.formula_too_complex', 26],
  ])('%s → %s', (src, code, column) => {
    const r = parseFormula(src);
    expect('error' in r && r.error.code).toBe(code);
    expect('error' in r && r.error.column).toBe(column);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const r = parseFormula(s);
        expect('expr' in r || r.error.code.startsWith('policy.formula_')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 8 },
    fc.integer({ min: -1000, max: 1000 }).map((v): Expr => ({ t: 'num', v: Math.abs(v) })),
    fc.constant<Expr>({ t: 'amount' }),
    tie('e').map((e): Expr => ({ t: 'neg', e })),
    fc
      .tuple(fc.constantFrom('+', '-', '*') as fc.Arbitrary<'+' | '-' | '*'>, tie('e'), tie('e'))
      .map(([op, l, r]): Expr => ({ t: 'bin', op, l, r })),
    fc.tuple(tie('e'), fc.integer({ min: 1, max: 5000 })).map(([l, d]): Expr => ({
      t: 'bin',
      op: '/',
      l,
      r: { t: 'num', v: d },
    })),
    fc
      .tuple(fc.constantFrom('floor', 'ceil', 'abs') as fc.Arbitrary<'floor' | 'ceil' | 'abs'>, tie('e'))
      .map(([fn, a]): Expr => ({ t: 'call', fn, args: [a] })),
    fc
      .tuple(fc.constantFrom('min', 'max') as fc.Arbitrary<'min' | 'max'>, tie('e'), tie('e'))
      .map(([fn, a, b]): Expr => ({ t: 'call', fn, args: [a, b] })),
  ),
})).e;

describe('compiled formulas', () => {
  it('agree with the evaluator and survive a format/parse round trip', () => {
    fc.assert(
      fc.property(exprArb, fc.double({ min: 0, max: 1e7, noNaN: true }), (e, amount) => {
        const f = compileFormula(e);
        expect(Object.is(f(amount), evalFormula(e, amount))).toBe(true);
        const back = parsed(formatFormula(e));
        expect(Object.is(evalFormula(back, amount), evalFormula(e, amount))).toBe(true);
        expect(finishPoints(f(amount))).toBe(finishPoints(evalFormula(e, amount)));
      }),
      { numRuns: 2000 },
    );
  });

  it('emits only numbers, the parameter, operators and Math calls', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(emitFormulaJs(e)).toMatch(/^(?:[-+*/(),.0-9ae]|Math\.(?:floor|ceil|abs|min|max))*$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses forged AST nodes instead of emitting their text', () => {
    const forged = [
      { t: 'num', v: '1);process.exit(1' },
      { t: 'num', v: Infinity },
      { t: 'bin', op: ';', l: { t: 'amount' }, r: { t: 'amount' } },
      { t: 'call', fn: 'constructor', args: [] },
      { t: 'call', fn: 'toString', args: [] },
      { t: 'x' },
      null,
    ] as unknown as Expr[];
    for (const e of forged) expect(() => emitFormulaJs(e)).toThrow(UnsafeCodegenError);
  });
});

describe('finishPoints', () => {
  it('truncates toward zero and bounds', () => {
    expect(finishPoints(2.9)).toBe(2);
    expect(finishPoints(-2.9)).toBe(-2);
    expect(finishPoints(NaN)).toBe(0);
    expect(finishPoints(1e12)).toBe(100_000);
    expect(finishPoints(-Infinity)).toBe(-100_000);
  });
});
