// Exact Shapley values for the two games the audit decomposes: "below a grade" (threshold with vetoes) and "any of".

/** Factorials as doubles; exact up to 18!. */
export const FACT: readonly number[] = (() => {
  const f = [1];
  for (let i = 1; i <= 18; i++) f.push(f[i - 1]! * i);
  return f;
})();

/** Largest player count solved by full enumeration with double-precision numerators (12! < 2^29). */
export const ENUM_MAX = 12;

/**
 * Shapley values of the game v(S) = 1 if some player in S is a veto (a direct grading below the target grade) or
 * base + Σ_{j∈S} w_j < threshold, else 0. Values are num[j] / den with den = k! (k = number of players), exact:
 * numerators are integers (doubles up to ENUM_MAX players, BigInt beyond). They sum to v(all) − v(∅).
 */
export function shapleyThreshold(
  w: readonly number[],
  veto: readonly boolean[],
  base: number,
  threshold: number,
): { num: number[] | bigint[]; den: number | bigint } {
  const k = w.length;
  if (k === 0) return { num: [], den: 1 };
  if (k <= ENUM_MAX) return enumerate(w, veto, base, threshold);
  return shapleyThresholdDP(w, veto, base, threshold);
}

// Scratch tables for enumeration, sized for ENUM_MAX players and reused (the audit calls this per person).
const M_MAX = 1 << ENUM_MAX;
const SUM = new Float64Array(M_MAX);
const VET = new Uint8Array(M_MAX);
const SIZE = new Uint8Array(M_MAX);
const V = new Uint8Array(M_MAX);

function enumerate(w: readonly number[], veto: readonly boolean[], base: number, thr: number) {
  const k = w.length;
  const v0 = base < thr ? 1 : 0;
  if (k === 1) return { num: [(veto[0] || base + w[0]! < thr ? 1 : 0) - v0], den: 1 };
  const M = 1 << k;
  V[0] = v0;
  SUM[0] = 0;
  VET[0] = 0;
  SIZE[0] = 0;
  for (let m = 1; m < M; m++) {
    const low = m & -m;
    const j = 31 - Math.clz32(low);
    const rest = m ^ low;
    SUM[m] = SUM[rest]! + w[j]!;
    VET[m] = VET[rest]! | (veto[j] ? 1 : 0);
    SIZE[m] = SIZE[rest]! + 1;
    V[m] = VET[m] || base + SUM[m]! < thr ? 1 : 0;
  }
  const num = new Array<number>(k).fill(0);
  for (let j = 0; j < k; j++) {
    const bit = 1 << j;
    let acc = 0;
    for (let m = 0; m < M; m++) {
      if (m & bit) continue;
      const d = V[m | bit]! - V[m]!;
      if (d !== 0) acc += d * FACT[SIZE[m]!]! * FACT[k - SIZE[m]! - 1]!;
    }
    num[j] = acc;
  }
  return { num, den: FACT[k]! };
}

function bigFact(n: number): bigint {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
}

/** Pseudo-polynomial exact Shapley for many players: count coalitions of the others by (size, sum, has veto). */
export function shapleyThresholdDP(
  w: readonly number[],
  veto: readonly boolean[],
  base: number,
  thr: number,
) {
  const k = w.length;
  const fact: bigint[] = [];
  for (let i = 0; i <= k; i++) fact.push(bigFact(i));
  const num: bigint[] = [];
  for (let j = 0; j < k; j++) {
    // state key: size | sum | veto → count of coalitions
    let states = new Map<string, { s: number; sum: number; v: boolean; c: bigint }>();
    states.set('0|0|0', { s: 0, sum: 0, v: false, c: 1n });
    for (let i = 0; i < k; i++) {
      if (i === j) continue;
      const next = new Map([...states].map(([key, st]) => [key, { ...st }]));
      for (const st of states.values()) {
        const s = st.s + 1;
        const sum = st.sum + w[i]!;
        const v = st.v || veto[i]!;
        const key = `${s}|${sum}|${v ? 1 : 0}`;
        const prev = next.get(key);
        if (prev) prev.c += st.c;
        else next.set(key, { s, sum, v, c: st.c });
      }
      states = next;
    }
    let acc = 0n;
    for (const st of states.values()) {
      const without = st.v || base + st.sum < thr ? 1 : 0;
      const withJ = st.v || veto[j]! || base + st.sum + w[j]! < thr ? 1 : 0;
      if (withJ !== without) acc += BigInt(withJ - without) * st.c * fact[st.s]! * fact[k - st.s - 1]!;
    }
    num.push(acc);
  }
  return { num, den: fact[k]! };
}
