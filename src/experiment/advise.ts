// `sim advise` as a library function: judge a scenario's resend rule ("wait 5–15 minutes") by
// running fixed waits on a grid with common random numbers, under its own balancer and the
// others, plus the operator's view. Numbers only; the words are made in report/advice-html.ts.
import { stringify } from "csv-stringify/sync";
import { CompiledScenario } from "../model/compiled.js";
import { shadowProblem, worldsNeeded } from "../model/shadow-resends.js";
import { policyOf } from "../scenario/policies/index.js";
import { type Balancer, type Dist, POLICIES, type Policy, type Scenario } from "../scenario/schema.js";
import {
  type Bounds,
  type DifferenceEstimate,
  type Estimate,
  meanEstimate,
  NON_NEGATIVE,
  PROPORTION,
} from "../stats/interval.js";
import { VERSION } from "../version.js";
import { COARSE, type DelayGrid, FINE, fittedGrid, givenGrid } from "./advise-grid.js";
import { type RetryView, retryVariant, retryVariants, retryView } from "./advise-retries.js";
import { pairedDifference } from "./compare.js";
import { type AnyScenario, checkOptions, runSize, validScenario } from "./inputs.js";
import { checkExperimentBudget, type ExperimentOptions, runConfigurations, withPool } from "./parallel.js";
import {
  PLACEMENT_WORLDS_MIN_REPLICATIONS,
  placementVaries,
  placementWorldCount,
  placementWorlds,
} from "./placement-worlds.js";
import type { ReplicationPool } from "./pool.js";
import { DEFAULT_MIN_REPLICATIONS, type PrecisionOptions, type PrecisionReport } from "./precision.js";
import type { ReplicationResult } from "./result.js";
import { type Summary, summarise } from "./summary.js";
import { applyPoint, type SweepParameter, withoutSweep } from "./sweep-values.js";

/**
 * What the numbers say, for machines (advice.json) — the words are in report/advice-html.ts:
 * - `wait`: waiting lowers resend failure by more than the tolerance (95 % confidence);
 * - `resend-at-once`: it does not, and resends mostly get through: resending at once is as good;
 * - `waiting-does-not-help`: it does not, and resends fail at least STUCK_FAILURE of the time
 *   whatever the wait in the grid: they take the same listed route (sticky pools);
 * - `nothing-listed`: no relay is ever listed and none gets compromised: the question is moot;
 * - `no-bounces`: relays were listed but no resend happened (no domain consults the lists,
 *   or 4xx replies kept mail in the queues), so there is nothing to judge.
 */
export type Verdict = "wait" | "resend-at-once" | "waiting-does-not-help" | "nothing-listed" | "no-bounces";

/** A scenario or option that makes the question meaningless (maxAttempts 1, unknown policy): exit 2. */
export class AdviseError extends Error {
  override name = "AdviseError";
}

/** How close to the plateau counts as "as good": the larger of an absolute and a relative margin. */
export interface Tolerance {
  /** Proportion (0.01 = one percentage point). */
  absolute: number;
  /** Share of the plateau's failure (0.1 = 10 %). */
  relative: number;
}

/** The default: one percentage point or 10 % of the plateau, whichever is larger. */
export const DEFAULT_TOLERANCE: Tolerance = { absolute: 0.01, relative: 0.1 };

/**
 * The fewest replications an advise curve stops at by default (the stopping rules' n0): the own
 * curve's, and a table curve's where the listed relays' placement can vary a replication
 * (placementVaries; elsewhere 10 once the resends are counted, see curvePrecision). A wait's
 * failure in one replication then depends on where they fell: under timer/rotate or
 * round-robin, on whether two listed relays are neighbours, a class of placements with
 * probability 2/19 for 2 of 20 relays that lifts the mid-slot failure by a quarter. With n
 * replications that class is missing altogether with probability
 * (17/19)^n, 11 % at n = 20, and then no interval built from the replications can reach the
 * truth: all but 7 of the 123 misses in 1500 runs of 20 (the coverage harness's timer/rotate
 * case, wait 300 s) had no such replication. The interval itself is not at fault (Student t
 * does worse: 91.4 % against the bootstrap-t's 92.3 %). From 30, a class of probability ≥ 1/10
 * goes unseen with probability ≤ 0.9^30 = 4.2 %, and the harness measured 95.8 % of per-wait
 * intervals (96.2 % ± 1.2 one per run, 1000 runs) holding the closed form. The stopping rule
 * cannot fix this by itself: a sample without the class is precisely the one whose half-width
 * looks small, so a rule starting at 20 stops there (docs/performance.md, "intervals that keep their 95 %").
 */
export const ADVISE_MIN_REPLICATIONS = 30;

/**
 * Default stopping rule: add replications until every wait's resend failure has a 95 %
 * half-width of one percentage point (the tolerance), from each curve's floor (no
 * `minReplications`: curvePrecision's), at most 100. Every wait of a curve stops at the same
 * count: the plateau and the paired comparisons need the replications of every wait.
 */
export const DEFAULT_ADVISE_PRECISION: PrecisionOptions = {
  targets: { resendFailure: 0.01 },
  maxReplications: 100,
};

/**
 * The policy table's default: half-widths of two percentage points, from each curve's floor, at
 * most 50 replications. The table answers "does waiting help under that policy?", which needs
 * less than the main curve.
 */
export const DEFAULT_TABLE_PRECISION: PrecisionOptions = {
  targets: { resendFailure: 0.02 },
  maxReplications: 50,
};

/** Resends that fail at least this often whatever the wait are stuck on their route. */
export const STUCK_FAILURE = 0.9;

/** The operator's health check that advice.json prices: `avoidListed: {checkEvery: "5m"}`. */
export const HEALTH_CHECK_EVERY = 300;

/** How `advise` runs: the grid, the tolerance, the policies to compare, and the stopping rules (plus seed, replications, workers as for any experiment). */
export interface AdviseOptions extends Omit<ExperimentOptions, "precision"> {
  /** Fixed waits (seconds) instead of the fitted grid, for every policy; 0 is always added. */
  delays?: readonly number[];
  /** How close to the plateau a wait must come to count as good (default DEFAULT_TOLERANCE). */
  tolerance?: Tolerance;
  /** Other balancer policies for the table (the scenario's own is always there); default all. */
  policies?: readonly Policy[];
  /** Stopping rule for the scenario's own curve (default DEFAULT_ADVISE_PRECISION); `replications` (default the scenario's) is the minimum. */
  precision?: PrecisionOptions;
  /** Stopping rule for the other policies' curves (default DEFAULT_TABLE_PRECISION). */
  tablePrecision?: PrecisionOptions;
  /** The health check's interval (seconds); default HEALTH_CHECK_EVERY. */
  healthCheckEvery?: number;
  /** Names the scenario in errors. */
  source?: string;
  /**
   * Called with the own rule's summary and replications as soon as they are final, while the
   * policy table may still simulate (the CLI draws the run's charts there, beside the simulation).
   * It may return the work it started in this thread (the charts): until that settles, this
   * thread runs no replication and the pool's workers simulate (ReplicationPool.yieldThread).
   */
  onOwnRule?: (own: { summary: Summary; results: ReplicationResult[] }) => undefined | Promise<unknown>;
  /**
   * Shadow every wait of a grid within one run where the scenario allows it (default true;
   * model/shadow-resends.ts). False runs each wait as a configuration of its own.
   */
  shadow?: boolean;
  /**
   * Run each replication of a curve over every placement class of the listed relays where the
   * policy's curve turns on their placement and the scenario allows it (default true;
   * experiment/placement-worlds.ts). False draws one placement a replication.
   */
  placementWorlds?: boolean;
}

/**
 * A mean over replications with its 95 % interval (conditional Wilson on pooled counts with one),
 * and a paired difference over replications (common random numbers) with its own: the one
 * estimate type of src/stats/interval.ts that summary, compare and sweeps use too.
 */
export type { DifferenceEstimate, Estimate };

/**
 * The plateau, cross-fitted so that choosing it and estimating it are not done on the same
 * data (the minimum of noisy means is biased low, and testing "at once − plateau" on the data
 * that chose the plateau gives false "wait" verdicts): replications split into even and odd
 * indices; each half's lowest grid point is read on the other half, and the plateau's value in
 * replication i is its failure at the wait the other half chose. `delay` is the wait with the
 * lowest mean over all replications (for display); `delays` the two halves' choices.
 */
export type PlateauEstimate = Estimate & { delay: number; delays: [number, number] };

/** Resend failure at one fixed wait. */
export interface CurvePoint extends Estimate {
  /** Seconds. */
  delay: number;
  /** User resends over all replications. */
  resends: number;
  /** This wait's failure minus the plateau's, paired. */
  abovePlateau: DifferenceEstimate;
  /** Not shown to fail more than the tolerance above the plateau: abovePlateau's 95 % CI starts at or below it. */
  good: boolean;
}

/** One balancer policy's curve and what follows from it. */
export interface PolicyAdvice {
  policy: Policy;
  balancer: Balancer;
  /** The scenario's own balancer. */
  own: boolean;
  replications: number;
  precision: PrecisionReport | null;
  grid: DelayGrid;
  /**
   * How the grid's waits ran: "shadow-resends", all within the own rule's replications
   * (model/shadow-resends.ts: exact where resends do not feed back into the pool),
   * "shadow-worlds", likewise with each wait's world making its own picks for first attempts
   * too (balancers whose picks keep state: round-robin, stick-table, dns; or read the sessions in
   * progress, on pools without a session limit: least-connections; model/shadow-worlds.ts),
   * or "separate-runs", a configuration per wait.
   */
  method: GridMethod;
  /**
   * Placement worlds a replication: each replication ran every class of the listed relays'
   * placement (its relays turned at random) and reports the classes' results weighted by their
   * probabilities (experiment/placement-worlds.ts); null when each replication drew one placement.
   */
  placements: number | null;
  points: CurvePoint[];
  /** Resending at once (wait 0). */
  atOnce: Estimate;
  /** Following the scenario's own resend rule (`resend.after`, by default 5–15 min). */
  advice: Estimate;
  /** The lowest failure on the grid, cross-fitted (PlateauEstimate); null when no wait saw a resend. */
  plateau: PlateauEstimate | null;
  /** The tolerance in effect: max(absolute, relative × plateau). */
  tolerance: number | null;
  /** Smallest wait from which every grid point up to the plateau is good (seconds). */
  shortestGoodWait: number | null;
  shortestGoodWaitFailure: Estimate | null;
  /** Resending at once fails more than the tolerance above the plateau (95 % confidence). */
  waitingHelps: boolean;
  /** Resending at once fails more than the tolerance above the scenario's own rule (95 % confidence). */
  adviceHelps: boolean;
  /** The scenario's own rule is not shown to fail more than the tolerance above the plateau. */
  adviceReachesPlateau: boolean;
  verdict: Verdict;
  /** How much failure waiting removes: at once − plateau, and at once − own rule. */
  gain: { waiting: DifferenceEstimate | null; advice: DifferenceEstimate | null };
  /** What waiting costs: extra mean delivery delay (seconds) of the own rule / the shortest good wait over resending at once. */
  cost: { advice: DifferenceEstimate | null; shortestGoodWait: DifferenceEstimate | null };
}

/** One arm of the health-check comparison. */
export interface OperatorArm {
  rejectionsPerDay: Estimate;
  bouncedForGoodPerDay: Estimate;
  firstAttemptFailure: Estimate;
  messageFailure: Estimate;
}

/** The operator's view of the scenario at its own resend rule. */
export interface OperatorView {
  /** The counted window (horizon − warmup) in days. */
  days: number;
  messagesPerDay: Estimate;
  /** Rejected attempts of counted mail (only listed relays reject) per day. */
  rejectionsPerDay: Estimate;
  /** Counted messages never delivered, over the whole window and per day. */
  bouncedForGood: Estimate;
  bouncedForGoodPerDay: Estimate;
  /** `avoidListed` with this check, paired with the same mail and listings. */
  healthCheck: {
    checkEvery: number;
    /** The scenario already has it: then "without" is the variant that was added. */
    inScenario: boolean;
    replications: number;
    without: OperatorArm;
    with: OperatorArm;
    /** without − with: what the check saves. */
    saved: {
      rejectionsPerDay: DifferenceEstimate;
      bouncedForGoodPerDay: DifferenceEstimate;
      firstAttemptFailure: DifferenceEstimate;
      messageFailure: DifferenceEstimate;
    };
  };
}

/** advice.json. Seconds throughout; proportions as fractions. */
export interface Advice {
  tool: { name: "relaysim"; version: string };
  /** The judged scenario (normalised, without a sweep block). */
  scenario: Scenario;
  seed: number;
  verdict: Verdict;
  /** The rule being judged: the scenario's `resend.after`. */
  resendAfter: Dist;
  toleranceRule: Tolerance;
  stuckFailure: number;
  /** The scenario's own balancer: the same fields as its entry in `policies`. */
  waitingHelps: boolean;
  adviceHelps: boolean;
  adviceReachesPlateau: boolean;
  shortestGoodWait: number | null;
  shortestGoodWaitFailure: Estimate | null;
  atOnce: Estimate | null;
  advice: Estimate | null;
  plateau: PlateauEstimate | null;
  tolerance: number | null;
  replications: number;
  precision: PrecisionReport | null;
  grid: DelayGrid | null;
  points: CurvePoint[];
  gain: PolicyAdvice["gain"] | null;
  cost: PolicyAdvice["cost"] | null;
  /** The own policy first, then the others in the order asked. */
  policies: PolicyAdvice[];
  operator: OperatorView | null;
  /** Greylisting and where retries go, paired with the flipped setting (advise-retries.ts); absent when the scenario has neither. */
  retries?: RetryView;
}

/** What advise returns: advice.json, and the scenario's own run (its summary feeds report.html). */
export interface AdviseResult {
  advice: Advice;
  /** The scenario at its own resend rule; null when nothing was simulated. */
  own: { summary: Summary; results: ReplicationResult[] } | null;
}

/** Nothing can ever be rejected: no listed entry lists a relay and no relay gets compromised. */
export function nothingListed(scenario: Scenario): boolean {
  if (scenario.compromise !== null && scenario.compromise.ratePerServer > 0) return false;
  return scenario.listed.every((e) => (e.indices?.length ?? e.servers ?? 0) === 0);
}

/** Why the scenario's resends cannot be judged, or null. */
export function adviseProblem(scenario: Scenario): string | null {
  if (scenario.resend.maxAttempts < 2) {
    return "resend.maxAttempts is 1: senders never resend, so there is no resend to judge (set it to 2 or more)";
  }
  if (scenario.resend.probability === 0) {
    return "resend.probability is 0: senders never resend, so there is no resend to judge";
  }
  return null;
}

function estimate(values: ReadonlyArray<number | null>, bounds: Bounds, pooled?: [number, number]): Estimate {
  return meanEstimate(values, bounds, pooled);
}

/** b − a over the replications where both are defined; `bounds` those of a and b. */
function difference(
  a: ReadonlyArray<number | null>,
  b: ReadonlyArray<number | null>,
  bounds: Bounds = PROPORTION,
): DifferenceEstimate {
  const d = pairedDifference("", a, b, bounds);
  return { difference: d.difference, ci95: d.ci95, n: d.n, method: d.method };
}

/** Index of the lowest mean of `series[j]` over replications `i ≡ parity (mod 2)`; −1 when none is defined. */
function lowestOnHalf(series: ReadonlyArray<ReadonlyArray<number | null>>, parity: number): number {
  let best = -1;
  let bestMean = Number.POSITIVE_INFINITY;
  series.forEach((values, j) => {
    let sum = 0;
    let n = 0;
    for (let i = parity; i < values.length; i += 2) {
      const v = values[i];
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    if (n > 0 && sum / n < bestMean) {
      best = j;
      bestMean = sum / n;
    }
  });
  return best;
}

/**
 * Cross-fitted plateau series: replication i's failure at the grid point chosen (lowest mean)
 * on the replications of the other parity; with one replication, at the point it chose itself.
 * Returns the two halves' choices (even, odd) and the series.
 */
export function crossFittedPlateau(series: ReadonlyArray<ReadonlyArray<number | null>>): {
  chosen: [number, number];
  values: Array<number | null>;
} {
  const even = lowestOnHalf(series, 0);
  const odd = lowestOnHalf(series, 1);
  // With one replication (or a half without any resend) there is no other half to choose on.
  const forEven = odd >= 0 ? odd : even;
  const forOdd = even >= 0 ? even : odd;
  const length = series.length === 0 ? 0 : series[0].length;
  const values: Array<number | null> = [];
  for (let i = 0; i < length; i++) {
    const j = i % 2 === 0 ? forEven : forOdd;
    values.push(j >= 0 ? series[j][i] : null);
  }
  return { chosen: [forOdd, forEven], values };
}

/** The low end of a difference's 95 % interval (its value when there is no interval); null if undefined. */
function lowEnd(d: DifferenceEstimate | null): number | null {
  if (d === null || d.difference === null) return null;
  return d.ci95 ? d.ci95[0] : d.difference;
}

const failure = (rs: readonly ReplicationResult[]) => rs.map((r) => r.metrics.resendFailure);
const deliveryDelay = (rs: readonly ReplicationResult[]) => rs.map((r) => r.metrics.deliveryDelayMean);

/** A wait's resend failure over replications: the interval advice.json reports for each grid point. */
export function failureEstimate(rs: readonly ReplicationResult[]): Estimate {
  let rejected = 0;
  let resends = 0;
  for (const r of rs) {
    rejected += r.counts.resendRejected;
    resends += r.counts.resends;
  }
  return estimate(failure(rs), PROPORTION, [rejected, resends]);
}

/** Floating-point slack when comparing a difference with the tolerance. */
const SLACK = 1e-12;

/**
 * The curve's reading: the plateau (lowest mean), which waits are good, the shortest good
 * wait, whether waiting and the scenario's own rule help, and what they cost in delivery delay.
 * `grid[i]` holds the results at `delays[i]`; `own` those at the scenario's own rule.
 */
export function analyseCurve(
  grid: DelayGrid,
  results: readonly (readonly ReplicationResult[])[],
  ownRule: readonly ReplicationResult[],
  tolerance: Tolerance,
): Omit<PolicyAdvice, "policy" | "balancer" | "own" | "replications" | "precision" | "grid" | "method" | "placements"> {
  const estimates = results.map(failureEstimate);
  let p = -1;
  estimates.forEach((e, i) => {
    if (e.mean !== null && (p < 0 || e.mean < (estimates[p].mean as number))) p = i;
  });
  const atOnce = estimates[0];
  const advice = failureEstimate(ownRule);
  const resends = (rs: readonly ReplicationResult[]) => rs.reduce((a, r) => a + r.counts.resends, 0);
  if (p < 0) {
    const none: DifferenceEstimate = { difference: null, ci95: null, n: 0, method: "none" };
    return {
      points: grid.delays.map((delay, i) => ({
        delay,
        ...estimates[i],
        resends: resends(results[i]),
        abovePlateau: none,
        good: false,
      })),
      atOnce,
      advice,
      plateau: null,
      tolerance: null,
      shortestGoodWait: null,
      shortestGoodWaitFailure: null,
      waitingHelps: false,
      adviceHelps: false,
      adviceReachesPlateau: false,
      verdict: "no-bounces",
      gain: { waiting: null, advice: null },
      cost: { advice: null, shortestGoodWait: null },
    };
  }
  // Choose and estimate on different halves (crossFittedPlateau): no selection bias.
  const cross = crossFittedPlateau(results.map(failure));
  const atPlateau = cross.values;
  const plateauEstimate = estimate(atPlateau, PROPORTION);
  const plateauMean = plateauEstimate.mean ?? (estimates[p].mean as number);
  const tol = Math.max(tolerance.absolute, tolerance.relative * plateauMean);
  const isGood = (d: DifferenceEstimate) => {
    const low = lowEnd(d);
    return low !== null && low <= tol + SLACK;
  };
  const points: CurvePoint[] = grid.delays.map((delay, i) => {
    const abovePlateau = difference(atPlateau, failure(results[i]));
    return { delay, ...estimates[i], resends: resends(results[i]), abovePlateau, good: isGood(abovePlateau) };
  });
  // "Wait at least s" must hold for every longer wait up to the plateau, not just at s.
  let first = p;
  while (first > 0 && points[first - 1].good) first--;
  const gainWaiting = difference(atPlateau, failure(results[0]));
  const gainAdvice = difference(failure(ownRule), failure(results[0]));
  const low = lowEnd(gainWaiting);
  const waitingHelps = low !== null && low > tol + SLACK;
  const lowAdvice = lowEnd(gainAdvice);
  const adviceHelps = lowAdvice !== null && lowAdvice > tol + SLACK;
  const adviceReachesPlateau = isGood(difference(atPlateau, failure(ownRule)));
  const verdict: Verdict = waitingHelps
    ? "wait"
    : plateauMean >= STUCK_FAILURE
      ? "waiting-does-not-help"
      : "resend-at-once";
  const atOnceDelay = deliveryDelay(results[0]);
  return {
    points,
    atOnce,
    advice,
    plateau: {
      delay: grid.delays[p],
      delays: [grid.delays[cross.chosen[0]], grid.delays[cross.chosen[1]]],
      ...plateauEstimate,
    },
    tolerance: tol,
    shortestGoodWait: grid.delays[first],
    shortestGoodWaitFailure: estimates[first],
    waitingHelps,
    adviceHelps,
    adviceReachesPlateau,
    verdict,
    gain: { waiting: gainWaiting, advice: gainAdvice },
    cost: {
      advice: difference(atOnceDelay, deliveryDelay(ownRule), NON_NEGATIVE),
      shortestGoodWait: difference(atOnceDelay, deliveryDelay(results[first]), NON_NEGATIVE),
    },
  };
}

const POLICY: SweepParameter = { path: "pool.balancer.policy", values: [] };
const AFTER: SweepParameter = { path: "resend.after", values: [] };

/** The scenario under `policy` (missing fields filled as a sweep fills them: timer 10m, dns 5m). */
function withPolicy(base: Scenario, policy: Policy, source: string): Scenario {
  return policy === base.pool.balancer.policy ? withoutSweep(base) : applyPoint(base, [POLICY], [policy], source);
}

function withFixedWait(base: Scenario, delay: number, source: string): Scenario {
  return applyPoint(base, [AFTER], [delay], `${source} (resend.after=${delay}s)`);
}

/**
 * One part's progress (a policy's curve, the health check): advise runs its parts side by side,
 * and the bar shows the sum over parts of replications done and planned so far.
 */
interface Progress {
  report: (done: number, total: number) => void;
}

/** Progress parts whose reports add up into advise's onProgress. */
function progressParts(onProgress: ((done: number, total: number) => void) | undefined): () => Progress {
  const parts: Array<{ done: number; total: number }> = [];
  return () => {
    const part = { done: 0, total: 0 };
    parts.push(part);
    return {
      report(done, total) {
        part.done = done;
        part.total = total;
        let d = 0;
        let t = 0;
        for (const p of parts) {
          d += p.done;
          t += p.total;
        }
        onProgress?.(d, t);
      },
    };
  };
}

/** A shadowed run's own rule disagreed with the real run: the waits are run one by one instead. */
class UnfaithfulShadow extends Error {
  override name = "UnfaithfulShadow";
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/**
 * One replication read as its shadow worlds (model/shadow-resends.ts): a result per grid wait,
 * then the real run at the scenario's own rule. A wait's result holds that wait's counts and the
 * metrics they define (resend, message and attempt counts and failures, the mean delivery
 * delay); the delay quantiles are null, and the other fields are the real run's (the same in
 * both: first attempts, listings). In worlds (`shadow.firstAttempts`: balancers whose picks keep
 * state) the first-attempt counts and failures are the world's own too; the per-server and
 * per-bucket counts and the delay histogram stay the real run's (advise reads none of them).
 */
export function shadowViews(result: ReplicationResult): ReplicationResult[] {
  const { shadow, ...own } = result;
  if (shadow === undefined) throw new RangeError("shadowViews: the replication ran without shadow waits");
  if (!shadow.faithful) {
    throw new UnfaithfulShadow(
      `replication ${result.replication}: the shadow of the scenario's own rule counted ${shadow.own.resends} resends, the run ${own.counts.resends}`,
    );
  }
  // What every wait shares: deliveries of first submissions (unless each world made its own first
  // attempts), and the attempts that are not resends (one first attempt per message either way).
  const worlds = shadow.firstAttempts;
  const firstDelivered = worlds ? 0 : shadow.delivered - shadow.own.delivered;
  const otherAttempts = own.counts.attempts - shadow.own.resends;
  const messages = own.counts.messages;
  const views = shadow.worlds.map((w): ReplicationResult => {
    const delivered = firstDelivered + w.delivered;
    const attempts = otherAttempts + w.resends;
    // A world's first rejections are its own; with 5xx replies only, each is the message's first bounce.
    const firstRejected = worlds ? w.firstRejected : own.counts.firstRejected;
    const bounced = worlds ? w.firstRejected : own.counts.bounced;
    return {
      ...own,
      counts: {
        ...own.counts,
        firstRejected,
        resends: w.resends,
        resendRejected: w.resendRejected,
        failed: w.failed,
        delivered,
        bounced,
        attempts,
      },
      metrics: {
        ...own.metrics,
        firstAttemptFailure: ratio(firstRejected, messages),
        bounceRate: ratio(bounced, messages),
        resendFailure: ratio(w.resendRejected, w.resends),
        messageFailure: ratio(w.failed, messages),
        attemptsPerMessage: ratio(attempts, messages),
        deliveryDelayMean: worlds
          ? ratio(w.delaySum, delivered)
          : ratio(shadow.delaySum - shadow.own.delaySum + w.delaySum, delivered),
        deliveryDelayP50: null,
        deliveryDelayP90: null,
        deliveryDelayP99: null,
      },
      resendsByDelay: [],
      resendFailuresByDelay: [],
      laterResendsByDelay: [],
      laterResendFailuresByDelay: [],
    };
  });
  return [...views, own];
}

/** Relative slack when checking a shadowed mean delivery delay against a real run's (sums in another order). */
const DELAY_SLACK = 1e-9;

/**
 * Replication 0 with the grid's shadow waits, once its shadow worlds of the shortest and the
 * longest positive wait are found to count exactly what real runs at those waits count; an
 * UnfaithfulShadow otherwise: a mechanism that makes resends feed back into the pool (and that
 * shadowProblem does not know of) shows here, and the waits then run one by one. Undefined when
 * the grid has no positive wait (nothing to check).
 */
function shadowChecked(
  scenario: Scenario,
  grid: DelayGrid,
  options: { seed: number; pool: ReplicationPool; priority?: number },
  source: string,
): Promise<ReplicationResult> | undefined {
  const positive = grid.delays.filter((d) => d > 0);
  if (positive.length === 0) return undefined;
  const checked = [...new Set([positive[0], positive[positive.length - 1]])];
  const seed = options.seed;
  const tasks = [
    { scenario, seed, index: 0, probes: grid.delays },
    ...checked.map((d) => ({ scenario: withFixedWait(scenario, d, source), seed, index: 0 })),
  ];
  return options.pool.run(tasks, undefined, undefined, options.priority).then(([probed, ...real]) => {
    // shadowViews throws an UnfaithfulShadow itself when the own rule's shadow disagrees.
    const views = shadowViews(probed);
    const agrees = checked.every((d, k) => {
      const view = views[grid.delays.indexOf(d)];
      const r = real[k];
      const a = view.metrics.deliveryDelayMean;
      const b = r.metrics.deliveryDelayMean;
      return (
        view.counts.resends === r.counts.resends &&
        view.counts.resendRejected === r.counts.resendRejected &&
        view.counts.failed === r.counts.failed &&
        view.counts.delivered === r.counts.delivered &&
        view.counts.attempts === r.counts.attempts &&
        (a === b || (a !== null && b !== null && Math.abs(a - b) <= DELAY_SLACK * Math.abs(b)))
      );
    });
    if (!agrees) {
      throw new UnfaithfulShadow(
        `replication 0: the shadow worlds of waits ${checked.join(", ")} s disagree with runs at them`,
      );
    }
    return probed;
  });
}

/** How a policy's grid was run: every wait in one run (shadow resends, or shadow worlds for balancers whose picks keep state) or a run per wait. */
export type GridMethod = "shadow-resends" | "shadow-worlds" | "separate-runs";

/**
 * Run a policy's grid and its own rule with common random numbers, and read the curve. When
 * the scenario allows it (shadowProblem) and a check against real runs agrees, every wait of
 * the grid is shadowed within the own rule's replications: one run per replication instead of
 * one per wait, with the same per-replication counts in distribution (exactly those of a run
 * at the wait), so the intervals and the stopping rule mean what they meant.
 */
async function adviseOnPolicy(
  scenario: Scenario,
  grid: DelayGrid,
  own: boolean,
  options: AdviseOptions & {
    seed: number;
    replications: number;
    precision: PrecisionOptions;
    tolerance: Tolerance;
    pool: ReplicationPool;
  },
  progress: Progress,
  source: string,
): Promise<{ advice: PolicyAdvice; ownRule: ReplicationResult[] }> {
  const compiled = new CompiledScenario(scenario);
  const shadowed = options.shadow !== false && shadowProblem(compiled) === null;
  // The check's replication 0 is the shadowed run's: the run starts beside the check instead of
  // after it, and takes that result instead of simulating it again. If the check disagrees, the
  // run rejects (UnfaithfulShadow) and the waits run one by one, as when a later replication's
  // shadow disagrees.
  const checked = shadowed ? shadowChecked(scenario, grid, options, source) : undefined;
  // Handled here too: the run may reject (or never start) before it reads this.
  checked?.catch(() => undefined);
  const shadowMethod: GridMethod = worldsNeeded(compiled) ? "shadow-worlds" : "shadow-resends";
  const placements = placementWorldsFor(scenario, options);
  const runGrid = (shadow: boolean) => {
    const configs = shadow ? [scenario] : [...grid.delays.map((d) => withFixedWait(scenario, d, source)), scenario];
    const run = runConfigurations(configs, {
      seed: options.seed,
      // The scenario's replications, a minimum, count runs of one placement too.
      replications: placements ? inWorlds(options.replications, placements) : options.replications,
      pool: options.pool,
      precision: placements
        ? worldsPrecision(options.precision, placements)
        : curvePrecision(scenario, options.precision, own),
      priority: options.priority,
      onProgress: (done, total) => progress.report(done, total),
      ...(placements ? { worlds: placementWorlds } : {}),
      ...(shadow
        ? {
            probes: grid.delays,
            expand: { width: grid.delays.length + 1, of: shadowViews },
            ...(placements ? {} : { replicationZero: checked }),
          }
        : {}),
    });
    // With worlds the check's replication (one drawn placement) is not one of the run's: the run
    // goes beside it, and stops with it if it disagrees.
    return placements && shadow && checked ? Promise.all([checked, run]).then(([, r]) => r) : run;
  };
  let method: GridMethod = shadowed ? shadowMethod : "separate-runs";
  let run: Awaited<ReturnType<typeof runGrid>>;
  try {
    run = await runGrid(shadowed);
  } catch (error) {
    // The check, or a later replication's own-rule shadow, disagreed with a run: run the waits one by one.
    if (!(error instanceof UnfaithfulShadow)) throw error;
    method = "separate-runs";
    run = await runGrid(false);
  }
  const tasks = run.replications * (method === "separate-runs" ? grid.delays.length + 1 : 1) * (placements ?? 1);
  progress.report(tasks, tasks);
  const ownRule = run.results[run.results.length - 1];
  const curve = analyseCurve(grid, run.results.slice(0, -1), ownRule, options.tolerance);
  return {
    advice: {
      policy: scenario.pool.balancer.policy,
      balancer: scenario.pool.balancer,
      own,
      replications: run.replications,
      precision: run.precision,
      grid,
      method,
      placements,
      ...curve,
    },
    ownRule,
  };
}

/**
 * The placement worlds a replication of `scenario`'s curve runs (placement-worlds.ts), or null to
 * draw one placement a replication: worlds where the policy's curve turns on where the listed
 * relays sit and the scenario's placement is drawn from few enough classes.
 */
function placementWorldsFor(scenario: Scenario, options: AdviseOptions): number | null {
  if (options.placementWorlds === false) return null;
  const balancer = scenario.pool.balancer;
  return policyOf(balancer).placementShapesCurve(balancer) ? placementWorldCount(scenario) : null;
}

/**
 * Where the placement cannot vary a replication, a curve of the policy table may stop before
 * ADVISE_MIN_REPLICATIONS once every wait has this many resends rejected and this many not
 * (PrecisionOptions.countedFloor).
 */
export const RESENDS_OF_EACH_OUTCOME = 10;

/**
 * A curve's stopping rule with its floor: the rule's own `minReplications` when it has one (the
 * CLI's --min-replications); else ADVISE_MIN_REPLICATIONS for the scenario's own curve, and where
 * the listed relays' placement can vary a replication (placementVaries); else, for a curve of the
 * policy table with no class of placements to miss, Law & Kelton's n0 (DEFAULT_MIN_REPLICATIONS)
 * once every wait holds RESENDS_OF_EACH_OUTCOME resends of each outcome, and
 * ADVISE_MIN_REPLICATIONS until then. The counts matter as much as the placement: on the coverage
 * harness, random balancing's curve held 95.3–95.8 % at 10 replications with 12 or 120 resends a
 * wait and replication, 84.7 % with 2.4; under this rule 94.4–97.1 % (README "Intervals"). The own
 * curve's replications are also the run's summary and the operator's view, whose rarer counts
 * (messages bounced for good) the resends' count does not vouch for: it keeps 30.
 */
export function curvePrecision(scenario: Scenario, precision: PrecisionOptions, own: boolean): PrecisionOptions {
  if (precision.minReplications !== undefined) return precision;
  if (own || placementVaries(scenario)) return { ...precision, minReplications: ADVISE_MIN_REPLICATIONS };
  return {
    ...precision,
    minReplications: DEFAULT_MIN_REPLICATIONS,
    countedFloor: { replications: ADVISE_MIN_REPLICATIONS, each: RESENDS_OF_EACH_OUTCOME },
  };
}

/**
 * A stopping rule counted in runs of one placement each, for replications of `worlds` worlds each:
 * its minimum (by default ADVISE_MIN_REPLICATIONS) and maximum over the worlds (rounded up), and
 * never fewer than PLACEMENT_WORLDS_MIN_REPLICATIONS, the floor at which such replications keep
 * their 95 %.
 */
function worldsPrecision(precision: PrecisionOptions, worlds: number): PrecisionOptions {
  const min = inWorlds(precision.minReplications ?? ADVISE_MIN_REPLICATIONS, worlds);
  return {
    targets: precision.targets,
    minReplications: min,
    maxReplications: Math.max(min, Math.ceil(precision.maxReplications / worlds)),
  };
}

/** Replications of `worlds` worlds each that hold `runs` runs of one placement, at least PLACEMENT_WORLDS_MIN_REPLICATIONS. */
function inWorlds(runs: number, worlds: number): number {
  return Math.max(PLACEMENT_WORLDS_MIN_REPLICATIONS, Math.ceil(runs / worlds));
}

/** Counts summed over replications, for the conditional Wilson interval of one replication. */
function pooledCounts(
  rs: readonly ReplicationResult[],
  pick: (c: ReplicationResult["counts"]) => [number, number],
): [number, number] {
  let a = 0;
  let b = 0;
  for (const r of rs) {
    const [x, y] = pick(r.counts);
    a += x;
    b += y;
  }
  return [a, b];
}

function perDay(rs: readonly ReplicationResult[], value: (r: ReplicationResult) => number, days: number) {
  return rs.map((r) => value(r) / days);
}

const rejections = (r: ReplicationResult) => r.servers.rejections.reduce((a, b) => a + b, 0);

function arm(rs: readonly ReplicationResult[], days: number): OperatorArm {
  return {
    rejectionsPerDay: estimate(perDay(rs, rejections, days), NON_NEGATIVE),
    bouncedForGoodPerDay: estimate(
      perDay(rs, (r) => r.counts.failed, days),
      NON_NEGATIVE,
    ),
    firstAttemptFailure: estimate(
      rs.map((r) => r.metrics.firstAttemptFailure),
      PROPORTION,
      pooledCounts(rs, (c) => [c.firstRejected, c.messages]),
    ),
    messageFailure: estimate(
      rs.map((r) => r.metrics.messageFailure),
      PROPORTION,
      pooledCounts(rs, (c) => [c.failed, c.messages]),
    ),
  };
}

/** The operator's numbers, and the health check run as a paired comparison on the same replications. */
async function operatorView(
  scenario: Scenario,
  ownRule: readonly ReplicationResult[],
  options: AdviseOptions & { seed: number; worlds?: boolean },
  progress: Progress,
  source: string,
): Promise<OperatorView> {
  const days = (scenario.horizon - scenario.warmup) / 86_400;
  const checkEvery = scenario.pool.avoidListed?.checkEvery ?? options.healthCheckEvery ?? HEALTH_CHECK_EVERY;
  const inScenario = scenario.pool.avoidListed !== null;
  const variant = applyPoint(
    scenario,
    [{ path: "pool.avoidListed", values: [] }],
    [inScenario ? null : { checkEvery }],
    `${source} (pool.avoidListed)`,
  );
  const run = await runConfigurations([variant], {
    seed: options.seed,
    replications: ownRule.length,
    pool: options.pool,
    priority: options.priority,
    onProgress: (done, total) => progress.report(done, total),
    ...(options.worlds ? { worlds: placementWorlds } : {}),
  });
  const other = run.results[0];
  const without = inScenario ? other : ownRule;
  const withCheck = inScenario ? ownRule : other;
  const saved = (value: (rs: readonly ReplicationResult[]) => Array<number | null>, bounds: Bounds) =>
    difference(value(withCheck), value(without), bounds);
  return {
    days,
    messagesPerDay: estimate(
      perDay(ownRule, (r) => r.counts.messages, days),
      NON_NEGATIVE,
    ),
    rejectionsPerDay: estimate(perDay(ownRule, rejections, days), NON_NEGATIVE),
    bouncedForGood: estimate(
      ownRule.map((r) => r.counts.failed),
      NON_NEGATIVE,
    ),
    bouncedForGoodPerDay: estimate(
      perDay(ownRule, (r) => r.counts.failed, days),
      NON_NEGATIVE,
    ),
    healthCheck: {
      checkEvery,
      inScenario,
      replications: ownRule.length,
      without: arm(without, days),
      with: arm(withCheck, days),
      saved: {
        rejectionsPerDay: saved((rs) => perDay(rs, rejections, days), NON_NEGATIVE),
        bouncedForGoodPerDay: saved((rs) => perDay(rs, (r) => r.counts.failed, days), NON_NEGATIVE),
        firstAttemptFailure: saved((rs) => rs.map((r) => r.metrics.firstAttemptFailure), PROPORTION),
        messageFailure: saved((rs) => rs.map((r) => r.metrics.messageFailure), PROPORTION),
      },
    },
  };
}

/** The policies the table compares, own first, each once; unknown names are an AdviseError. */
export function tablePolicies(own: Policy, asked: readonly string[] | undefined): Policy[] {
  const known = POLICIES as readonly string[];
  for (const p of asked ?? []) {
    if (!known.includes(p)) {
      throw new AdviseError(`unknown policy "${p}" (expected one of ${POLICIES.join(", ")})`);
    }
  }
  const others = (asked ?? POLICIES).filter((p) => p !== own) as Policy[];
  return [own, ...new Set(others)];
}

/** The result when nothing is ever listed: a verdict, no simulation. */
function mootAdvice(scenario: Scenario, seed: number, tolerance: Tolerance): Advice {
  return {
    tool: { name: "relaysim", version: VERSION },
    scenario: withoutSweep(scenario),
    seed,
    verdict: "nothing-listed",
    resendAfter: scenario.resend.after,
    toleranceRule: tolerance,
    stuckFailure: STUCK_FAILURE,
    waitingHelps: false,
    adviceHelps: false,
    adviceReachesPlateau: false,
    shortestGoodWait: null,
    shortestGoodWaitFailure: null,
    atOnce: null,
    advice: null,
    plateau: null,
    tolerance: null,
    replications: 0,
    precision: null,
    grid: null,
    points: [],
    gain: null,
    cost: null,
    policies: [],
    operator: null,
  };
}

/**
 * Judge the scenario's resend rule. All runs share the seed and replication indices (common
 * random numbers): every wait and every policy sees the same mail, recipients and listings.
 * Throws AdviseError when there are no resends to judge or a policy is unknown.
 */
export async function advise(input: AnyScenario, options: AdviseOptions = {}): Promise<AdviseResult> {
  const scenario = validScenario(input, options.source);
  checkOptions(options);
  const source = options.source ?? scenario.name;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const problem = adviseProblem(scenario);
  if (problem) throw new AdviseError(problem);
  const policies = tablePolicies(scenario.pool.balancer.policy, options.policies);
  const { seed, replications } = runSize(scenario, options);
  if (nothingListed(scenario)) {
    const moot = mootAdvice(scenario, seed, tolerance);
    if (retryVariants(scenario).length === 0) return { advice: moot, own: null };
    // Nothing is listed, but greylisting still delays mail: the retry view is the advice.
    return withPool(options, async (pool) => {
      const base = withoutSweep(scenario);
      const run = await runConfigurations([base], { seed, replications, pool });
      const retries = await retryRuns(base, run.results[0], { ...options, seed, pool }, source);
      return { advice: { ...moot, replications, retries }, own: null };
    });
  }
  const settings = {
    ...options,
    seed,
    replications,
    precision: options.precision ?? DEFAULT_ADVISE_PRECISION,
    tolerance,
  };
  const tableSettings = { ...settings, precision: options.tablePrecision ?? DEFAULT_TABLE_PRECISION };
  const gridFor = (s: Scenario, own: boolean) =>
    options.delays ? givenGrid(s, options.delays) : fittedGrid(s, own ? FINE : COARSE);
  // The budget, before any thread starts: the own curve's waits and rule, the table's
  // curves (their grids are as long as the base's coarse one), the health-check variant.
  const base0 = withoutSweep(scenario);
  const configs =
    gridFor(base0, true).delays.length +
    1 +
    (policies.length - 1) * (gridFor(base0, false).delays.length + 1) +
    1 +
    retryVariants(base0).length;
  const most = Math.max(settings.precision.maxReplications, tableSettings.precision.maxReplications);
  checkExperimentBudget(new Array<Scenario>(configs).fill(base0), Math.max(settings.replications, most), options);

  return withPool(options, async (pool) => {
    const part = progressParts(options.onProgress);
    const base = withoutSweep(scenario);
    // Every part runs side by side on the pool, so no thread idles while one curve waits for
    // its next batch or one policy's runs end: the own curve first (priority 0), then what
    // needs its replication count (the health check, the retry variants), then the table's
    // policies in order. Each part's results depend on its seed and indices only, not on
    // what ran beside it, so the numbers are those of running the parts one after another
    // (as the page's pool, web/pool.ts, does: it serves one call at a time, by priority).
    const ownPart = async () => {
      const main = await adviseOnPolicy(
        base,
        gridFor(base, true),
        true,
        { ...settings, pool, priority: 0 },
        part(),
        source,
      );
      // The operator's and the retry views pair their runs with the own rule's replications: run
      // as the same placement worlds when those were (the same worlds, replication by replication).
      const next = { ...settings, pool, priority: 1, worlds: main.advice.placements !== null };
      const operatorStarted = operatorView(base, main.ownRule, next, part(), source);
      const retryStarted = retryVariants(base).length > 0 ? retryRuns(base, main.ownRule, next, source) : undefined;
      // The own rule's summary while the pool simulates the rest.
      const summary = summarise({ ...base, seed, replications: main.advice.replications }, seed, main.ownRule);
      const drawing = options.onOwnRule?.({ summary, results: main.ownRule });
      if (drawing) pool.yieldThread(drawing);
      const operator = await operatorStarted;
      const retries = await retryStarted;
      return { main, operator, retries, summary };
    };
    const tablePart = (policy: Policy, k: number) => {
      const other = withPolicy(base, policy, `${source} (pool.balancer.policy=${policy})`);
      const settingsK = { ...tableSettings, pool, priority: 2 + k };
      return adviseOnPolicy(other, gridFor(other, false), false, settingsK, part(), source);
    };
    const [ownResult, ...others] = await Promise.all([ownPart(), ...policies.slice(1).map(tablePart)]);
    const { main, operator, retries, summary } = ownResult;
    const table: PolicyAdvice[] = [main.advice, ...others.map((o) => o.advice)];
    const own = main.advice;
    const advice: Advice = {
      tool: { name: "relaysim", version: VERSION },
      scenario: base,
      seed,
      verdict: own.verdict,
      resendAfter: base.resend.after,
      toleranceRule: tolerance,
      stuckFailure: STUCK_FAILURE,
      waitingHelps: own.waitingHelps,
      adviceHelps: own.adviceHelps,
      adviceReachesPlateau: own.adviceReachesPlateau,
      shortestGoodWait: own.shortestGoodWait,
      shortestGoodWaitFailure: own.shortestGoodWaitFailure,
      atOnce: own.atOnce,
      advice: own.advice,
      plateau: own.plateau,
      tolerance: own.tolerance,
      replications: own.replications,
      precision: own.precision,
      grid: own.grid,
      points: own.points,
      gain: own.gain,
      cost: own.cost,
      policies: table,
      operator,
      ...(retries === undefined ? {} : { retries }),
    };
    return { advice, own: { summary, results: main.ownRule } };
  });
}

/** The retry mechanisms' variants, run on the own rule's seed and replications (common random numbers). */
async function retryRuns(
  base: Scenario,
  ownRule: ReplicationResult[],
  options: AdviseOptions & { seed: number; worlds?: boolean },
  source: string,
): Promise<RetryView> {
  const variants = retryVariants(base).map(([path, value]) => retryVariant(base, path, value, source));
  const run = await runConfigurations(variants, {
    seed: options.seed,
    replications: ownRule.length,
    pool: options.pool,
    priority: options.priority,
    ...(options.worlds ? { worlds: placementWorlds } : {}),
  });
  return retryView(base, ownRule, run.results);
}

/** advice.csv: one row per policy and fixed wait. */
export function adviceCsv(advice: Advice): string {
  const rows: (string | number)[][] = [];
  for (const p of advice.policies) {
    for (const point of p.points) {
      rows.push([p.policy, point.delay, point.mean ?? "", point.ci95?.[0] ?? "", point.ci95?.[1] ?? "", point.n]);
    }
  }
  return stringify(rows, {
    header: true,
    columns: ["policy", "delay_s", "mean", "ci95_low", "ci95_high", "replications"],
    // Text cells open as text, never as a formula (report/csv.ts).
    escape_formulas: true,
  });
}
