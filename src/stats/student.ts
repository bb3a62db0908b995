// Student-t distribution (CDF, quantile) and the t intervals that summary.json reports for
// every metric over replications (DESIGN §3: mean with a 95 % Student-t interval, R ≥ 2).

import { normalCdf, normalQuantile } from "./normal.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Stirling-series remainder lgamma(x) − [(x − ½)ln x − x + ½ln 2π] for x ≥ 10
 * (Abramowitz & Stegun 6.1.41); the next omitted term is < 1e-17 at x = 10.
 */
function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 / 156))))))
  );
}

/** ln Γ(x) for x > 0: shift x up to ≥ 10 by Γ(x+1) = xΓ(x), then Stirling's series. */
function logGamma(x: number): number {
  let shift = 1;
  let y = x;
  while (y < 10) {
    shift *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + stirlingCorrection(y) - Math.log(shift);
}

/**
 * ln B(a, b). When one argument is large, lgamma(big) − lgamma(big + small) is taken from the
 * difference of the Stirling forms, −(big − ½)·log1p(small/big) − small·ln(big + small) + small,
 * which avoids subtracting two numbers of size big·ln big (df = 1e6 would otherwise lose ~1e-9).
 */
function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const big = Math.max(a, b);
  if (big < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const sum = big + small;
  return (
    logGamma(small) -
    (big - 0.5) * Math.log1p(small / big) -
    small * Math.log(sum) +
    small +
    stirlingCorrection(big) -
    stirlingCorrection(sum)
  );
}

const TINY = 1e-300;

/**
 * Continued fraction for I_x(a, b) (Numerical Recipes, 3rd ed., §6.4, "betacf"), evaluated
 * with the modified Lentz method; converges quickly for x < (a + 1)/(a + b + 2).
 */
function betaContinuedFraction(x: number, y: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  // 1 − (a + b)x/(a + 1); near x = 1 (large df, small t) that subtraction cancels, so
  // there it is rewritten with y = 1 − x as (1 − b + (a + b)y)/(a + 1).
  let d = x <= 0.5 ? 1 - (qab * x) / qap : (1 - b + qab * y) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) return h;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b), given x, y = 1 − x and their logarithms so that
 * callers can supply them without cancellation (a·ln x with a = 5e8 would otherwise amplify
 * the rounding of x near 1 into a 1e-8 error). Uses I_x(a, b) = 1 − I_y(b, a) on the slow side.
 */
function incompleteBeta(x: number, y: number, logX: number, logY: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, y, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, x, b, a)) / b;
}

/** P(T > t) for t ≥ 0: ½·I_{ν/(ν+t²)}(ν/2, ½) (Abramowitz & Stegun 26.7.1 with 26.5.27). */
function upperTail(t: number, df: number): number {
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const logX = -Math.log1p(t2 / df);
  const logY = Math.log(y);
  return 0.5 * incompleteBeta(x, y, logX, logY, df / 2, 0.5);
}

/** Density of Student's t: (1 + t²/ν)^(−(ν+1)/2) / (√ν·B(ν/2, ½)). */
function tDensity(t: number, df: number): number {
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

// Above this many degrees of freedom the continued fraction loses accuracy (its terms cancel
// when x = ν/(ν + t²) is within t²/ν of 1), while the 1/ν expansion below is exact to
// double precision: its first omitted term is O(z¹¹/ν⁵).
const LARGE_DF = 1e5;

/**
 * Cornish–Fisher expansion of the t quantile in terms of the normal one, and its derivative
 * in z (Abramowitz & Stegun 26.7.5; Fisher & Cornish 1960).
 */
function cornishFisher(z: number, df: number): { t: number; dtdz: number } {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  const d1 = (3 * z2 + 1) / 4;
  const d2 = ((25 * z2 + 48) * z2 + 3) / 96;
  const d3 = (((21 * z2 + 95) * z2 + 51) * z2 - 15) / 384;
  const d4 = ((((711 * z2 + 5432) * z2 + 7410) * z2 - 5760) * z2 - 945) / 92160;
  const r = 1 / df;
  return {
    t: z + r * (g1 + r * (g2 + r * (g3 + r * g4))),
    dtdz: 1 + r * (d1 + r * (d2 + r * (d3 + r * d4))),
  };
}

/** Large-df CDF: solve cornishFisher(z) = x for z by Newton (monotone there, 2–3 steps), then Φ(z). */
function largeDfCdf(x: number, df: number): number {
  let z = x;
  for (let i = 0; i < 50; i++) {
    const { t, dtdz } = cornishFisher(z, df);
    const step = (t - x) / dtdz;
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(z)) break;
  }
  return normalCdf(z);
}

function checkDf(df: number, where: string): void {
  if (!(df > 0)) throw new RangeError(`${where}: df must be > 0, got ${df}`);
}

/** CDF of Student's t with df > 0 degrees of freedom (df may be fractional, as Welch's is; Infinity gives the normal). */
export function tCdf(x: number, df: number): number {
  checkDf(df, "tCdf");
  if (Number.isNaN(x)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(x);
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  if (df > LARGE_DF) return largeDfCdf(x, df);
  return x < 0 ? upperTail(-x, df) : 1 - upperTail(x, df);
}

/**
 * Inverse CDF of Student's t (relative accuracy ~1e-12 for df ≥ 1).
 * p = 0 → −∞, p = 1 → +∞; p outside [0, 1] or df ≤ 0 → RangeError.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`tQuantile: p must be in [0, 1], got ${p}`);
  checkDf(df, "tQuantile");
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (df > LARGE_DF) return cornishFisher(normalQuantile(p), df).t;
  // Every interval of a summary asks for the same few (p, df): a sweep's delay bins ask thousands
  // of times for tQuantile(0.975, n − 1), each a Newton solve of incomplete betas.
  let byDf = solved.get(p);
  if (byDf === undefined) {
    if (solved.size >= SOLVED_PS) solved.clear();
    byDf = new Map();
    solved.set(p, byDf);
  }
  let t = byDf.get(df);
  if (t === undefined) {
    if (byDf.size >= SOLVED_DFS) byDf.clear();
    t = solveQuantile(p, df);
    byDf.set(df, t);
  }
  return t;
}

/** tQuantile's answers kept, by p then df (each map cleared when full: a bound, not an LRU). */
const solved = new Map<number, Map<number, number>>();
const SOLVED_PS = 16;
const SOLVED_DFS = 1024;

/** tQuantile for 0 < p < 1 other than ½ and 0 < df ≤ LARGE_DF: closed forms for df 1 and 2, else Newton's method. */
function solveQuantile(p: number, df: number): number {
  // Solve in the upper tail: P(T > t) = q with q = min(p, 1 − p) (1 − p is exact for p ≥ ½).
  const q = p < 0.5 ? p : 1 - p;
  const sign = p < 0.5 ? -1 : 1;
  // Closed forms: df = 1 is the Cauchy distribution (t = cot(πq), accurate for small q), df = 2 has t = (1 − 2q)/√(2q(1 − q)).
  if (df === 1) return sign / Math.tan(Math.PI * q);
  if (df === 2) return (sign * (1 - 2 * q)) / Math.sqrt(2 * q * (1 - q));
  // P(T > t) is decreasing and convex on t ≥ 0 (the density decreases there), so Newton's
  // method started left of the root climbs to it monotonically without overshooting. The
  // normal quantile is a safe start: t's tails are heavier, so t_q ≥ z_q.
  let t = -normalQuantile(q);
  for (let i = 0; i < 1000; i++) {
    const step = (upperTail(t, df) - q) / tDensity(t, df);
    t += step;
    if (Math.abs(step) <= 1e-14 * t) break;
  }
  return sign * t;
}

/** A mean with its confidence interval, as summary.json stores each metric. */
export interface MeanInterval {
  mean: number;
  /** The interval at the requested level (named for the default 0.95, as in summary.json). */
  ci95: [number, number];
  n: number;
}

/** MeanInterval of paired differences, plus the Welch interval that ignores the pairing. */
export interface PairedInterval extends MeanInterval {
  unpairedCi95: [number, number];
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
}

/** Mean and sample variance (n − 1) by two passes, which is exact-ish and stable for stored data. */
function meanVariance(values: ArrayLike<number>): {
  mean: number;
  variance: number;
  n: number;
} {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  // Second pass with the correction term of Chan, Golub & LeVeque (1983), eq. 1.7, which
  // cancels the rounding error left in the mean.
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const dev = values[i] - mean;
    ss += dev * dev;
    comp += dev;
  }
  const variance = n > 1 ? (ss - (comp * comp) / n) / (n - 1) : Number.NaN;
  return { mean, variance, n };
}

/**
 * Student-t confidence interval for the mean of `values` at `level`.
 * n = 0: mean NaN and interval [NaN, NaN] (nothing to estimate);
 * n = 1: [mean, mean] (no spread can be estimated; DESIGN §3 asks for R ≥ 2, or Wilson for R = 1).
 */
export function tInterval(values: ArrayLike<number>, level = 0.95): MeanInterval {
  checkLevel(level);
  const { mean, variance, n } = meanVariance(values);
  if (n === 0) return { mean: Number.NaN, ci95: [Number.NaN, Number.NaN], n };
  if (n === 1) return { mean, ci95: [mean, mean], n };
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, ci95: [mean - half, mean + half], n };
}

/**
 * Interval for the mean difference b − a of paired replications (common random numbers make
 * a and b correlated, so the paired interval is the right one; the unpaired Welch interval is
 * returned to show how much the pairing gains). Throws RangeError if lengths differ.
 */
export function pairedInterval(a: ArrayLike<number>, b: ArrayLike<number>, level = 0.95): PairedInterval {
  if (a.length !== b.length) {
    throw new RangeError(`pairedInterval: lengths differ (${a.length} vs ${b.length})`);
  }
  const diffs = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) diffs[i] = b[i] - a[i];
  const paired = tInterval(diffs, level);
  return { ...paired, unpairedCi95: welchInterval(a, b, level) };
}

/**
 * Welch's interval for mean(b) − mean(a) with Welch–Satterthwaite degrees of freedom
 * (Welch 1947). Same conventions as tInterval for n = 0 and n = 1 (and for zero spread).
 */
function welchInterval(a: ArrayLike<number>, b: ArrayLike<number>, level: number): [number, number] {
  const sa = meanVariance(a);
  const sb = meanVariance(b);
  const diff = sb.mean - sa.mean;
  if (sa.n < 2 || sb.n < 2) return [diff, diff];
  const va = sa.variance / sa.n;
  const vb = sb.variance / sb.n;
  const se2 = va + vb;
  if (se2 === 0) return [diff, diff];
  const df = (se2 * se2) / ((va * va) / (sa.n - 1) + (vb * vb) / (sb.n - 1));
  const half = tQuantile(1 - (1 - level) / 2, df) * Math.sqrt(se2);
  return [diff - half, diff + half];
}
