// The grid of fixed resend delays `sim advise` judges a pool on, fitted to the pool's own time
// scale (timer period, DNS TTL, listing duration), so the curve is sampled finely where it bends.
import type { PolicyTimeScale } from "../model/balancers/index.js";
import { policyOf } from "../scenario/policies/index.js";
import type { Dist, Scenario } from "../scenario/schema.js";
import { maxOf, minOf } from "../stats/extremes.js";

/** The time over which a resend's route (or the listing it hits) changes, for each kind of pool. */
export interface TimeScale {
  kind: PolicyTimeScale["kind"] | "none";
  /** Seconds. For "none", the 10 minutes whose three multiples cover the usual advice and beyond. */
  seconds: number;
}

/** A grid of fixed waits (seconds, ascending, starting at 0) and how it was chosen. */
export interface DelayGrid {
  delays: number[];
  /** Spacing of the grid (seconds); null for a grid given with --delays. */
  step: number | null;
  scale: TimeScale;
  /** True when the delays were given by the caller rather than fitted. */
  given: boolean;
}

/** How finely to sample: steps per time scale, and a cap on the number of points. */
export interface GridDensity {
  stepsPerScale: number;
  maxPoints: number;
}

/** The main curve: a tenth of the time scale (a timer of 10 min → 1-minute steps), 0 … 3 scales. */
export const FINE: GridDensity = { stepsPerScale: 10, maxPoints: 60 };
/** The policy table's curves: a quarter of the time scale; they only need the shortest good wait roughly. */
export const COARSE: GridDensity = { stepsPerScale: 4, maxPoints: 24 };

/** The grid spans this many time scales: past a timer's second slot boundary, a DNS cache's second expiry. */
export const SCALES_SPANNED = 3;
/** Without a time scale of its own (random, round-robin, least-connections): 0–30 min. */
export const NO_SCALE_SECONDS = 600;
/** Listings can last for months; the grid stops at 30 days. */
export const MAX_SPAN_SECONDS = 30 * 86_400;

/** The mean of a distribution of durations (seconds). */
export function distributionMean(dist: Dist): number {
  if ("fixed" in dist) return dist.fixed;
  if ("uniform" in dist) return (dist.uniform[0] + dist.uniform[1]) / 2;
  if ("exponential" in dist) return dist.exponential;
  if ("lognormal" in dist) return dist.lognormal.median * Math.exp(dist.lognormal.sigma ** 2 / 2);
  return dist.empirical.reduce((a, b) => a + b, 0) / dist.empirical.length;
}

/** z for the 5th and 95th percentiles of a normal distribution. */
const Z90 = 1.6448536269514722;

/**
 * Where a distribution of waits puts most of its mass: the whole support when it is bounded
 * (uniform, fixed, empirical), else its 5th–95th percentiles. The chart shades this band.
 */
export function distributionRange(dist: Dist): [number, number] {
  if ("fixed" in dist) return [dist.fixed, dist.fixed];
  if ("uniform" in dist) return [dist.uniform[0], dist.uniform[1]];
  if ("empirical" in dist) return [minOf(dist.empirical), maxOf(dist.empirical)];
  if ("exponential" in dist) return [-Math.log(0.95) * dist.exponential, -Math.log(0.05) * dist.exponential];
  const { median, sigma } = dist.lognormal;
  return [median * Math.exp(-Z90 * sigma), median * Math.exp(Z90 * sigma)];
}

/**
 * How long a listing lasts, when listings end: the longest finite static listing (until − from),
 * and with compromise, cleanup + delisting − listing delay on average (DESIGN §2: listed at
 * compromise + listingDelay, delisted at cleanup + delistAfter). Null when no listing ever ends.
 */
export function listingDuration(scenario: Scenario): number | null {
  let longest: number | null = null;
  for (const entry of scenario.listed) {
    if (entry.until !== null) longest = Math.max(longest ?? 0, entry.until - entry.from);
  }
  if (scenario.compromise !== null) {
    const cleanup = distributionMean(scenario.compromise.cleanup);
    for (const b of scenario.blacklists) {
      const lasts = cleanup + distributionMean(b.delistAfter) - distributionMean(b.listingDelay);
      if (lasts > 0) longest = Math.max(longest ?? 0, lasts);
    }
  }
  return longest;
}

/**
 * The pool's time scale, as its policy states it (model/balancers/): the timer period, the DNS
 * TTL, or for sticky pools how long a listing lasts (at most MAX_SPAN_SECONDS). Policies that
 * pick afresh each attempt have none.
 */
export function timeScale(scenario: Scenario): TimeScale {
  const lasts = () => {
    const seconds = listingDuration(scenario);
    return seconds === null ? null : Math.min(seconds, MAX_SPAN_SECONDS);
  };
  return (
    policyOf(scenario.pool.balancer).timeScale(scenario.pool.balancer, lasts) ?? {
      kind: "none",
      seconds: NO_SCALE_SECONDS,
    }
  );
}

/** Steps a grid falls back to when the time-scale step would give too many points. */
const ROUND_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
];

/** Round away binary noise (0.1 + 0.2) so delays print as written. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** The grid is fine up to this many time scales: the curve bends there (a timer's first slot boundary, a DNS cache's expiry). */
export const FINE_SCALES = 1.5;

/**
 * The fitted grid: from 0 to FINE_SCALES time scales (and at least to the end of the scenario's
 * own resend window, so the advice is inside it) in steps of scale / stepsPerScale, then in
 * half scales up to SCALES_SPANNED scales, where the curves of DESIGN §5 are flat or bend only
 * at multiples of the scale. When the fine part would have more than maxPoints points, its
 * step is the smallest round duration that keeps within it.
 */
export function fittedGrid(scenario: Scenario, density: GridDensity = FINE): DelayGrid {
  const scale = timeScale(scenario);
  const S = scale.seconds;
  const advised = distributionRange(scenario.resend.after)[1];
  const fineEnd = Math.min(MAX_SPAN_SECONDS, Math.max(FINE_SCALES * S, advised));
  const span = Math.min(MAX_SPAN_SECONDS, Math.max(SCALES_SPANNED * S, fineEnd));
  let step = S / density.stepsPerScale;
  if (fineEnd / step > density.maxPoints) {
    const wanted = fineEnd / density.maxPoints;
    step = ROUND_STEPS.find((x) => x >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
  }
  const delays: number[] = [];
  for (let i = 0; i * step < fineEnd + 1e-9 * step; i++) delays.push(clean(i * step));
  const last = delays[delays.length - 1];
  if (last < fineEnd - 1e-9 * step) delays.push(clean(fineEnd));
  const coarse = Math.max(S / 2, step);
  for (let d = Math.ceil((fineEnd + 1e-9) / coarse) * coarse; d < span + 1e-9 * coarse; d += coarse) {
    delays.push(clean(d));
  }
  return { delays, step: clean(step), scale, given: false };
}

/** A grid given by the caller: sorted, duplicates dropped, and 0 ("at once") always included. */
export function givenGrid(scenario: Scenario, delays: readonly number[]): DelayGrid {
  for (const d of delays) {
    if (!(Number.isFinite(d) && d >= 0)) throw new RangeError(`expected waits of 0 s or more, got ${d}`);
  }
  const sorted = [...new Set([0, ...delays.map(clean)])].sort((a, b) => a - b);
  return { delays: sorted, step: null, scale: timeScale(scenario), given: true };
}

/** In words, for --help and the report: how the grid of each kind of pool is chosen. */
export const GRID_RULES: readonly string[] = [
  "The time scale S: timer → the period; dns → the TTL; sticky → how long a listing lasts (until − from, or with compromise cleanup + delistAfter − listingDelay on average; at most 30 days); random, round-robin, least-connections, and sticky pools whose listings never end → 10 min.",
  "Waits from 0 to 1.5·S (and at least to the end of the scenario's own resend window) every S/10, then every S/2 up to 3·S: a 10-minute timer gives 0, 1, …, 15 min, then 20, 25, 30 min. The policy table uses S/4 instead of S/10.",
];
