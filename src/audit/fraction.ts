// Exact rationals over BigInt, so rule contributions to a gap sum to the gap with no rounding at all.

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b) [a, b] = [b, a % b];
  return a;
}

/** An exact fraction num/den with den > 0, always in lowest terms. */
export class Fraction {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint | number, den: bigint | number = 1n) {
    let n = typeof num === 'bigint' ? num : BigInt(num);
    let d = typeof den === 'bigint' ? den : BigInt(den);
    if (d === 0n) throw new RangeError('fraction with zero denominator');
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d) || 1n;
    this.num = n / g;
    this.den = d / g;
  }

  static readonly ZERO = new Fraction(0n);

  add(o: Fraction): Fraction {
    return new Fraction(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Fraction): Fraction {
    return new Fraction(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Fraction): Fraction {
    return new Fraction(this.num * o.num, this.den * o.den);
  }
  neg(): Fraction {
    return new Fraction(-this.num, this.den);
  }
  equals(o: Fraction): boolean {
    return this.num === o.num && this.den === o.den;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  /** Nearest double; exact when both parts are below 2^53. */
  valueOf(): number {
    const n = this.num;
    const d = this.den;
    const lim = 1n << 53n;
    if ((n < 0n ? -n : n) < lim && d < lim) return Number(n) / Number(d);
    // Scale down keeping ~60 significant bits so the quotient is correctly rounded enough for display.
    const q = (n << 64n) / d;
    return Number(q) / 2 ** 64;
  }
  toJSON(): { num: string; den: string; value: number } {
    return { num: this.num.toString(), den: this.den.toString(), value: this.valueOf() };
  }
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
}

export function sumFractions(xs: Iterable<Fraction>): Fraction {
  let s = Fraction.ZERO;
  for (const x of xs) s = s.add(x);
  return s;
}
