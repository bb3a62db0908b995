// The recipient domains' Zipf exponent from their counts of messages, with an interval that holds.
//
// The estimate is the maximum-likelihood exponent of Zipf(s) over D ranks, the observed counts
// put in decreasing order (rank 1 = the busiest domain) and D the domains' Chao1 richness. Its
// profile-likelihood interval treats the ranks and D as known, but both are estimated: ordering
// noisy counts makes the head look steeper and the tail flatter, and the domains never seen are
// guessed. The interval here is a parametric bootstrap of the whole estimator — draw counts from
// the fitted Zipf(D, s), order them, estimate D and s again — whose spread and bias give the
// basic bootstrap interval [2ŝ − q97.5, 2ŝ − q2.5] (Davison & Hinkley 1997, §5.2). Pure
// arithmetic, browser-safe, deterministic (fixed seed).
import { mulberry32 } from "../stats/interval.js";

/** Bootstrap replicates: (B + 1)·0.025 is an integer, so the quantiles need no interpolation. */
export const ZIPF_RESAMPLES = 199;
const SEED = 0x7a1f_0d3e;
/** Replicates that measure the estimator's bias before the interval's replicates. */
const BIAS_RESAMPLES = 49;
const S_MAX = 4;
/** Ranks summed one by one in the likelihood; the rest in groups (see zipfMle). */
const EXACT_RANKS = 2000;

/** Chao1 richness (seen + f1²/2f2, or f1(f1−1)/2 when f2 = 0) of counts. */
export function chao1Richness(counts: ArrayLike<number>): number {
  let seen = 0;
  let f1 = 0;
  let f2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c > 0)) continue;
    seen++;
    if (c === 1) f1++;
    else if (c === 2) f2++;
  }
  if (f1 === 0) return seen;
  return seen + (f2 > 0 ? (f1 * f1) / (2 * f2) : (f1 * (f1 - 1)) / 2);
}

/**
 * Maximum-likelihood exponent for counts in decreasing order over D ≥ counts.length ranks:
 * the root of Σ c_r log r / n = Σ r^−s log r / Σ r^−s on [0, S_MAX] (the log likelihood is
 * concave), by Newton steps kept inside a shrinking bracket.
 */
export function zipfMle(sorted: ArrayLike<number>, D: number, logRank: Float64Array): number {
  let n = 0;
  let sumLog = 0;
  for (let r = 0; r < sorted.length; r++) {
    n += sorted[r];
    sumLog += sorted[r] * logRank[r];
  }
  const target = sumLog / n;
  // Ranks past EXACT_RANKS are summed in groups 1 % wide at their middle rank (midpoint rule:
  // relative error ~1e-5), so that an evaluation costs ~EXACT_RANKS + 230·log10(D/EXACT_RANKS)
  // terms, not D: the bootstrap refits hundreds of times.
  const exact = Math.min(D, EXACT_RANKS);
  const groupLog: number[] = [];
  const groupSize: number[] = [];
  for (let a = exact; a < D; ) {
    const b = Math.min(D, Math.max(a + 1, Math.floor(a * 1.01)));
    groupLog.push(Math.log((a + b - 1) / 2 + 1));
    groupSize.push(b - a);
    a = b;
  }
  // g(s) = E_s[log r] − target: decreasing in s; its derivative is −Var_s[log r].
  const g = (s: number): [number, number] => {
    let h = 0;
    let h1 = 0;
    let h2 = 0;
    for (let r = 0; r < exact; r++) {
      const l = logRank[r];
      const w = Math.exp(-s * l);
      h += w;
      h1 += w * l;
      h2 += w * l * l;
    }
    for (let j = 0; j < groupLog.length; j++) {
      const l = groupLog[j];
      const w = groupSize[j] * Math.exp(-s * l);
      h += w;
      h1 += w * l;
      h2 += w * l * l;
    }
    const mean = h1 / h;
    return [mean - target, -(h2 / h - mean * mean)];
  };
  let lo = 0;
  let hi = S_MAX;
  const [g0] = g(lo);
  if (g0 <= 0) return 0;
  const [gMax] = g(hi);
  if (gMax >= 0) return hi;
  let s = 1;
  for (let i = 0; i < 60; i++) {
    const [v, d] = g(s);
    if (v > 0) lo = s;
    else hi = s;
    if (Math.abs(v) < 1e-10 || hi - lo < 1e-7) break;
    const next = d < 0 ? s - v / d : Number.NaN;
    s = next > lo && next < hi ? next : (lo + hi) / 2;
  }
  return s;
}

/**
 * A Poisson(λ) draw, given e^−λ: by inversion below 30, else the normal approximation (rounded,
 * ≥ 0). The bootstrap draws each rank's count hundreds of times at one λ, so e^−λ is computed once.
 */
function poisson(lambda: number, expMinusLambda: number, random: () => number): number {
  if (lambda < 30) {
    let k = 0;
    let p = expMinusLambda;
    let cdf = p;
    const u = random();
    while (u > cdf && k < 1000) {
      k++;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
}

function logRanks(D: number): Float64Array {
  const out = new Float64Array(D);
  for (let r = 0; r < D; r++) out[r] = Math.log(r + 1);
  return out;
}

/** Counts below this that are integers are sorted by counting them; the rest (the head) by comparison. */
const COUNTED_BELOW = 1024;
const tally = new Int32Array(COUNTED_BELOW);

/**
 * The positive counts, largest first (zeros and NaN left out): the same array as sorting them,
 * but the bootstrap sorts hundreds of replicates of ~D small whole numbers, so those are
 * counted (each value's tally, emitted from the top) and only the few large or fractional ones
 * are sorted, then the two runs merged.
 */
export function descendingCounts(counts: ArrayLike<number>): Float64Array {
  let seen = 0;
  let other = 0;
  tally.fill(0);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c > 0)) continue;
    seen++;
    if (c < COUNTED_BELOW && Number.isInteger(c)) tally[c]++;
    else other++;
  }
  const head = new Float64Array(other);
  let k = 0;
  if (other > 0) {
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (c > 0 && !(c < COUNTED_BELOW && Number.isInteger(c))) head[k++] = c;
    }
    // Typed arrays sort numerically without a comparator; then largest first.
    head.sort().reverse();
  }
  const sorted = new Float64Array(seen);
  let h = 0;
  k = 0;
  for (let v = COUNTED_BELOW - 1; v > 0; v--) {
    for (let n = tally[v]; n > 0; n--) {
      while (h < other && head[h] >= v) sorted[k++] = head[h++];
      sorted[k++] = v;
    }
  }
  while (h < other) sorted[k++] = head[h++];
  return sorted;
}

/** The estimator: counts (any order, zeros ignored) → [ŝ, D̂]. */
function estimate(counts: ArrayLike<number>, logRank: Float64Array): [number, number] {
  const sorted = descendingCounts(counts);
  const seen = sorted.length;
  const D = Math.max(seen, Math.round(chao1Richness(sorted)));
  return [zipfMle(sorted, D, D <= logRank.length ? logRank : logRanks(D)), D];
}

export interface ZipfFit {
  estimate: number;
  ci95: [number, number];
  /** Ranks fitted (the Chao1 richness of the counts). */
  domains: number;
}

/**
 * Zipf exponent of domain counts with its parametric-bootstrap 95 % interval; null with fewer
 * than 2 domains seen or 10 messages.
 */
export function zipfFitBootstrap(frequencies: ArrayLike<number>, resamples = ZIPF_RESAMPLES): ZipfFit | null {
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i < frequencies.length; i++) {
    const c = frequencies[i];
    if (c > 0) {
      counts.push(c);
      total += c;
    }
  }
  if (counts.length < 2 || total < 10) return null;
  const logRank = logRanks(Math.max(counts.length, Math.round(chao1Richness(counts))) * 2);
  const [s, D] = estimate(counts, logRank);
  const random = mulberry32(SEED ^ total ^ (D << 8));
  const replicate = new Float64Array(D);
  const lambda = new Float64Array(D);
  const expMinusLambda = new Float64Array(D);
  /** Estimates from `count` draws of Zipf(D, at) with the same expected total, as independent Poisson counts. */
  const bootstrap = (at: number, count: number): Float64Array => {
    let h = 0;
    for (let r = 0; r < D; r++) h += Math.exp(-at * logRank[r]);
    for (let r = 0; r < D; r++) {
      lambda[r] = (total * Math.exp(-at * logRank[r])) / h;
      expMinusLambda[r] = Math.exp(-lambda[r]);
    }
    const draws = new Float64Array(count);
    for (let b = 0; b < count; b++) {
      for (let r = 0; r < D; r++) replicate[r] = poisson(lambda[r], expMinusLambda[r], random);
      draws[b] = estimate(replicate, logRank)[0];
    }
    return draws;
  };
  // The estimator's bias, found at ŝ, is taken out of the exponent the spread is drawn at: its
  // bias and spread are those near the true exponent, not near the biased estimate.
  const first = bootstrap(s, BIAS_RESAMPLES);
  let bias = 0;
  for (const x of first) bias += x - s;
  bias /= BIAS_RESAMPLES;
  const at = Math.min(S_MAX, Math.max(0, s - bias));
  const errors = bootstrap(at, resamples).map((x) => x - at);
  errors.sort();
  const k = Math.round((resamples + 1) * 0.025) - 1;
  const qLow = errors[k];
  const qHigh = errors[resamples - 1 - k];
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    estimate: round(s),
    ci95: [round(Math.max(0, s - qHigh)), round(Math.min(S_MAX, s - qLow))],
    domains: D,
  };
}
