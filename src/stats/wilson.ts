// Wilson score interval for a binomial proportion: used for pooled counts when R = 1 and for
// each bin of resendFailureByDelay (DESIGN §3), where counts can be small or zero.

/** z for a two-sided 95 % interval, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/**
 * Wilson (1927) score interval for `successes` out of `n` trials:
 * (s + z²/2 ± z·√(s(n − s)/n + z²/4)) / (n + z²)  (Newcombe 1998, method 3).
 * n = 0 gives [0, 1] (no information). The ends are exactly 0 when s = 0 and 1 when s = n.
 * Throws RangeError unless 0 ≤ successes ≤ n and z > 0.
 */
export function wilson(successes: number, n: number, z = Z95): [number, number] {
  if (!(n >= 0 && Number.isFinite(n))) throw new RangeError(`wilson: n must be ≥ 0, got ${n}`);
  if (!(successes >= 0 && successes <= n)) {
    throw new RangeError(`wilson: successes must be in [0, ${n}], got ${successes}`);
  }
  if (!(z > 0)) throw new RangeError(`wilson: z must be > 0, got ${z}`);
  if (n === 0) return [0, 1];
  const z2 = z * z;
  const denom = n + z2;
  const center = (successes + z2 / 2) / denom;
  const half = (z * Math.sqrt((successes * (n - successes)) / n + z2 / 4)) / denom;
  const lo = successes === 0 ? 0 : Math.max(0, center - half);
  const hi = successes === n ? 1 : Math.min(1, center + half);
  return [lo, hi];
}
