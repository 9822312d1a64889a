// Ordinary least squares for the simulated survey: coefficients of y on an intercept and the given columns, by the
// normal equations solved with partial pivoting. A column with no variation gives NaN for its coefficient.

/** Coefficients [intercept, b1, …, bk] of y on the k columns of `x` (rows × k, row-major). */
export function ols(y: ArrayLike<number>, x: ArrayLike<number>, k: number): number[] {
  const n = y.length;
  const p = k + 1;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  const row = new Array<number>(p);
  for (let i = 0; i < n; i++) {
    row[0] = 1;
    for (let j = 0; j < k; j++) row[j + 1] = x[i * k + j]!;
    for (let u = 0; u < p; u++) {
      for (let v = 0; v < p; v++) a[u]![v]! += row[u]! * row[v]!;
      a[u]![p]! += row[u]! * y[i]!;
    }
  }
  const singular = new Array<boolean>(p).fill(false);
  for (let col = 0; col < p; col++) {
    let best = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[best]![col]!)) best = r;
    [a[col], a[best]] = [a[best]!, a[col]!];
    const piv = a[col]![col]!;
    // relative to the diagonal's scale: a column that is constant (or a copy of another) leaves a tiny pivot
    if (Math.abs(piv) <= 1e-9 * Math.max(1, Math.abs(a[0]![0]!))) {
      singular[col] = true;
      continue;
    }
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / piv;
      if (f !== 0) for (let c = col; c <= p; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((r, j) => (singular[j] ? NaN : r[p]! / r[j]!));
}
