// Rigorous acceptance bounds for statistical tests: Chernoff–Hoeffding for binomial counts
// and Hoeffding for means of bounded variables. No normal approximation, so the stated
// false-alarm probability holds even in the tails and for proportions near 0 or 1.

/** Kullback–Leibler divergence between Bernoulli(a) and Bernoulli(b). */
export function bernoulliKl(a: number, b: number): number {
  const term = (x: number, y: number) => (x === 0 ? 0 : y === 0 ? Number.POSITIVE_INFINITY : x * Math.log(x / y));
  return term(a, b) + term(1 - a, 1 - b);
}

/**
 * True when `successes` of `n` iid Bernoulli(q) trials is consistent with q at false-alarm
 * probability `alpha`: by Chernoff, P(n·KL(p̂‖q) ≥ t) ≤ 2·e^(−t) for each tail.
 */
export function binomialAgrees(successes: number, n: number, q: number, alpha: number): boolean {
  if (n === 0) return false;
  return n * bernoulliKl(successes / n, q) <= Math.log(2 / alpha);
}

/** Half-width ε with P(|mean − μ| ≥ ε) ≤ alpha for the mean of n iid variables in [0, 1] (Hoeffding). */
export function hoeffdingHalfWidth(n: number, alpha: number): number {
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/** A readable failure message for a proportion test. */
export function describeProportion(label: string, successes: number, n: number, q: number): string {
  return `${label}: ${successes}/${n} = ${(successes / n).toFixed(5)}, closed form ${q.toFixed(5)}`;
}
