// Statistical acceptance bounds for tests of random behaviour. Every bound is sized so that a
// correct implementation fails with probability below FALSE_ALARM (STYLE.md, "Tests"); the seeds
// are fixed, so a test that passes once passes always, and a wrong distribution fails reliably.
import { expect } from "vitest";
import { normalQuantile } from "../../src/stats/normal.js";
import { tQuantile } from "../../src/stats/student.js";

/** The false-alarm probability every statistical test in the suite is sized for. */
export const FALSE_ALARM = 1e-6;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Upper regularised incomplete gamma Q(a, x) (Numerical Recipes §6.2: series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-16) break;
    }
    return 1 - front * sum;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return front * h;
}

/** P(χ²_df > x). */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/** The χ² value exceeded with probability `alpha` under df degrees of freedom (bisection on the survival function). */
export function chiSquareBound(df: number, alpha = FALSE_ALARM): number {
  let lo = 0;
  let hi = df + 10;
  while (chiSquareSurvival(hi, df) > alpha) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Two-sided standard normal bound: |Z| exceeds it with probability `alpha`. */
export function zBound(alpha = FALSE_ALARM): number {
  return normalQuantile(1 - alpha / 2);
}

/** Pearson's statistic of observed counts against expected counts (cells with expectation 0 must be empty). */
export function chiSquareStatistic(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let x = 0;
  for (let i = 0; i < observed.length; i++) {
    if (expected[i] === 0) {
      if (observed[i] !== 0) return Number.POSITIVE_INFINITY;
      continue;
    }
    const d = observed[i] - expected[i];
    x += (d * d) / expected[i];
  }
  return x;
}

/**
 * Assert that `counts` (n draws in total) follow the probabilities `p` (which need not be
 * normalised): Pearson's χ² below its 1 − FALSE_ALARM quantile. Cells of probability 0 must
 * be empty. Expected counts should be ≥ ~20 per cell for the χ² approximation to hold.
 */
export function expectFrequencies(counts: ArrayLike<number>, p: ArrayLike<number>, what = "frequencies"): void {
  let n = 0;
  let total = 0;
  let cells = 0;
  for (let i = 0; i < counts.length; i++) {
    n += counts[i];
    total += p[i];
    if (p[i] > 0) cells++;
  }
  const expected = Array.from({ length: counts.length }, (_, i) => (n * p[i]) / total);
  for (const e of expected) if (e > 0 && e < 5) throw new Error(`${what}: expected count ${e} too small for χ²`);
  const statistic = chiSquareStatistic(counts, expected);
  const bound = chiSquareBound(cells - 1);
  expect(
    statistic,
    `${what}: χ² = ${statistic} over ${cells - 1} df (bound ${bound}); counts ${Array.from(counts).join(",")}`,
  ).toBeLessThan(bound);
}

/** Assert that the mean of n draws with standard deviation sd is within the 1 − FALSE_ALARM normal bound of `mean`. */
export function expectMeanNear(sampleMean: number, mean: number, sd: number, n: number, what = "mean"): void {
  const bound = (zBound() * sd) / Math.sqrt(n);
  expect(Math.abs(sampleMean - mean), `${what}: ${sampleMean} vs ${mean} (bound ±${bound})`).toBeLessThanOrEqual(bound);
}

/** Assert that `successes` out of n is within the 1 − FALSE_ALARM normal bound of proportion p. */
export function expectProportion(successes: number, n: number, p: number, what = "proportion"): void {
  expectMeanNear(successes / n, p, Math.sqrt(p * (1 - p)), n, what);
}

/**
 * The one-sample t statistic of `values` against `mean`, with its standard error: (x̄ − mean) / se,
 * se = s/√n. With no spread it is 0 when x̄ is the mean and ±Infinity otherwise.
 */
export function tStatistic(values: readonly number[], mean = 0): { t: number; sampleMean: number; se: number } {
  const n = values.length;
  const sampleMean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - sampleMean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const off = sampleMean - mean;
  const t = se === 0 ? (off === 0 ? 0 : Math.sign(off) * Number.POSITIVE_INFINITY) : off / se;
  return { t, sampleMean, se };
}

/** Two-sided bound on |t| with `df` degrees of freedom that any of `tests` such statistics exceeds with probability below `alpha` (Bonferroni). */
export function tBound(df: number, tests: number, alpha = FALSE_ALARM): number {
  return tQuantile(1 - alpha / (2 * tests), df);
}
