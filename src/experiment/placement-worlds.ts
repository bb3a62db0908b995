// Conditional Monte Carlo over the listed relays' placement (docs/performance.md, "2026-12-02
// strata"): instead of drawing one placement, a replication runs one world per placement class
// (model/placement-classes.ts), each the scenario with its `listed` entry's relays fixed to a
// placement of that class, and reports the worlds' values averaged with the classes'
// probabilities. Replications stay independent and each one's value is unbiased, so intervals over
// replications keep their meaning; on the coverage harness's closed-form case 5 such replications
// held 95.5 % of 3,029 runs with a sixth of the half-width 30 plain ones give.
//
// Each world's placement is turned by a draw of its own (the start relay, uniform), from the
// replication's "placement-worlds" stream: a placement fixed across replications left every world
// sharing its first relay's traffic, and held only 93.7 %. Every other stream of the world is the
// replication's, as in a run of the scenario with those `indices`.
import { randomStream } from "../engine/index.js";
import { type PlacementClass, placementAt, placementClasses } from "../model/placement-classes.js";
import { policyOf } from "../scenario/policies/index.js";
import type { Scenario } from "../scenario/schema.js";
import type { ReplicationResult } from "./result.js";

/**
 * The fewest such replications a curve runs: advise counts its floor of 30 runs of one placement
 * (ADVISE_MIN_REPLICATIONS) over the worlds, and never goes below this. On the coverage harness's
 * closed-form case 5 held 95.5 % of 3,029 runs (Student's t; docs/performance.md, "2026-12-02
 * strata").
 */
export const PLACEMENT_WORLDS_MIN_REPLICATIONS = 5;

/** The most worlds (placement classes) a replication runs: 2 of 20 has 10, 3 of 20 has 57. */
export const MAX_PLACEMENT_WORLDS = 16;

/** One world of a replication: the scenario with its placement fixed, and the world's weight. */
export interface PlacementWorld {
  scenario: Scenario;
  /** The probability of the world's placement class; the weights of a replication's worlds sum to 1. */
  weight: number;
}

/**
 * Whether where the listed relays fall can change a replication's numbers, so that a replication
 * drawn in a rare class of placements stands apart from the rest (advise's floor of 30 is there so
 * that such a class is seen). It cannot when nothing is drawn (every `listed` entry gives its
 * `indices`), or when one entry draws them and every relay is treated alike: the policy's picks
 * (relaysAlike), and nothing that steps to the next relay in index order — a health check's
 * fallback (`pool.avoidListed`), a requeue's "another relay" (`mta.onBlocklist`). Relays listed by
 * the compromise lifecycle are drawn throughout the run: they count as varying.
 */
export function placementVaries(scenario: Scenario): boolean {
  if (scenario.compromise !== null) return true;
  const drawn = scenario.listed.filter((entry) => entry.indices === undefined).length;
  if (drawn === 0) return false;
  // A second entry, drawn or given, may or may not overlap the drawn one.
  if (scenario.listed.length > 1) return true;
  if (scenario.pool.avoidListed !== null || scenario.mta.onBlocklist === "requeue") return true;
  const balancer = scenario.pool.balancer;
  return !policyOf(balancer).relaysAlike(balancer);
}

/** The scenario's placement classes, one world each, or why its replications cannot run as worlds. */
function worldClasses(scenario: Scenario): PlacementClass[] | string {
  if (scenario.listed.length !== 1) return `expected one "listed" entry, got ${scenario.listed.length}`;
  const entry = scenario.listed[0];
  if (entry.indices !== undefined) return "the listed relays are given (indices), not drawn";
  const classes = placementClasses(scenario.pool.servers, entry.servers ?? 0);
  if (classes === null) return "too many placements to enumerate";
  if (classes.length < 2) return "a single placement class: nothing to weigh";
  if (classes.length > MAX_PLACEMENT_WORLDS) {
    return `${classes.length} placement classes, more than ${MAX_PLACEMENT_WORLDS} worlds a replication`;
  }
  return classes;
}

/** Why a scenario's replications cannot run as placement worlds, or null. */
export function placementWorldsProblem(scenario: Scenario): string | null {
  const classes = worldClasses(scenario);
  return typeof classes === "string" ? classes : null;
}

/** The worlds each replication of `scenario` runs (its placement classes), or null where placementWorldsProblem objects. */
export function placementWorldCount(scenario: Scenario): number | null {
  const classes = worldClasses(scenario);
  return typeof classes === "string" ? null : classes.length;
}

/**
 * The worlds of replication `replication`: one per placement class, in the classes' order, each
 * placement starting at a relay drawn uniformly. Throws where placementWorldsProblem objects.
 */
export function placementWorlds(scenario: Scenario, seed: number, replication: number): PlacementWorld[] {
  const classes = worldClasses(scenario);
  if (typeof classes === "string") throw new RangeError(`placementWorlds: ${classes}`);
  const servers = scenario.pool.servers;
  const entry = scenario.listed[0];
  const starts = randomStream(seed, replication, "placement-worlds");
  return classes.map((c) => {
    const indices = placementAt(c.gaps, Math.floor(starts.next() * servers), servers);
    const { servers: _drawn, ...fixed } = entry;
    return { scenario: { ...scenario, listed: [{ ...fixed, indices }] }, weight: c.probability };
  });
}

/** Σ weights[w] · values[w], in world order; null if any value is null. */
function weighted(values: readonly (number | null)[], weights: readonly number[]): number | null {
  let total = 0;
  for (let w = 0; w < values.length; w++) {
    const v = values[w];
    if (v === null) return null;
    total += weights[w] * v;
  }
  return total;
}

/** Σ weights[w] · values[w] of numbers. */
function weightedNumber(values: readonly number[], weights: readonly number[]): number {
  return weighted(values, weights) as number;
}

/** The arrays' weighted sum, entry by entry (a shorter array counts 0 past its end). */
function weightedArray(arrays: readonly (readonly number[])[], weights: readonly number[]): number[] {
  const length = Math.max(...arrays.map((a) => a.length));
  return Array.from({ length }, (_, i) =>
    weightedNumber(
      arrays.map((a) => a[i] ?? 0),
      weights,
    ),
  );
}

/** Every key of `records` weighted (records of numbers or nulls with the same keys). */
function weightedRecord<K extends string>(
  records: readonly Record<K, number | null>[],
  weights: readonly number[],
): Record<K, number | null> {
  const out = {} as Record<K, number | null>;
  for (const key of Object.keys(records[0]) as K[]) {
    out[key] = weighted(
      records.map((r) => r[key]),
      weights,
    );
  }
  return out;
}

/** The delay histograms as one mixture: counts and sums weighted, the extremes those of the worlds that delivered. */
function weightedDelay(
  delays: readonly ReplicationResult["delay"][],
  weights: readonly number[],
): ReplicationResult["delay"] {
  const buckets = new Map<number, number>();
  let min = delays[0].min;
  let max = delays[0].max;
  let any = false;
  delays.forEach((d, w) => {
    if (d.layout !== delays[0].layout) throw new RangeError("weightedResult: delay histograms of different layouts");
    for (const [index, count] of d.buckets) buckets.set(index, (buckets.get(index) ?? 0) + weights[w] * count);
    if (d.count > 0) {
      min = any ? Math.min(min, d.min) : d.min;
      max = any ? Math.max(max, d.max) : d.max;
      any = true;
    }
  });
  const merged = [...buckets].sort((a, b) => a[0] - b[0]);
  // The count is the buckets' total, added as LogHistogram.fromJSON adds it back (in bucket
  // order), so the two agree to the last bit; the weighted counts' own sum may not.
  let count = 0;
  for (const [, n] of merged) count += n;
  return {
    layout: delays[0].layout,
    count,
    sum: weightedNumber(
      delays.map((d) => d.sum),
      weights,
    ),
    min,
    max,
    buckets: merged,
  };
}

/**
 * One replication's worlds as its result: every count, metric, histogram and per-server or
 * per-bucket figure averaged with the worlds' weights (their classes' probabilities), so each is
 * an unbiased value of the replication's figure; a metric undefined in one world is undefined in
 * the replication. The events are the worlds' total (the work done). Counts come out fractional.
 * Reads advise's views (shadowViews), not raw results with their shadow worlds.
 */
export function weightedResult(results: readonly ReplicationResult[], weights: readonly number[]): ReplicationResult {
  if (results.length === 0 || results.length !== weights.length) {
    throw new RangeError(`weightedResult: ${results.length} results for ${weights.length} weights`);
  }
  if (results.some((r) => r.shadow !== undefined)) {
    throw new RangeError("weightedResult: expected shadow views, got a result with its shadow worlds");
  }
  const first = results[0];
  const array = (of: (r: ReplicationResult) => readonly number[]) => weightedArray(results.map(of), weights);
  const combined: ReplicationResult = {
    replication: first.replication,
    events: results.reduce((sum, r) => sum + r.events, 0),
    counts: weightedRecord(
      results.map((r) => r.counts),
      weights,
    ) as ReplicationResult["counts"],
    metrics: weightedRecord(
      results.map((r) => r.metrics),
      weights,
    ),
    delay: weightedDelay(
      results.map((r) => r.delay),
      weights,
    ),
    resendsByDelay: array((r) => r.resendsByDelay),
    resendFailuresByDelay: array((r) => r.resendFailuresByDelay),
    laterResendsByDelay: array((r) => r.laterResendsByDelay),
    laterResendFailuresByDelay: array((r) => r.laterResendFailuresByDelay),
    servers: {
      attempts: array((r) => r.servers.attempts),
      rejections: array((r) => r.servers.rejections),
      listed: array((r) => r.servers.listed),
      sessions: array((r) => r.servers.sessions),
      busy: array((r) => r.servers.busy),
      wait: array((r) => r.servers.wait),
    },
    timeseries: {
      listed: array((r) => r.timeseries.listed),
      attempts: array((r) => r.timeseries.attempts),
      rejections: array((r) => r.timeseries.rejections),
    },
  };
  const recipients = results.map((r) => r.recipients);
  if (recipients.every((r) => r !== undefined)) {
    const all = recipients as NonNullable<ReplicationResult["recipients"]>[];
    combined.recipients = {
      counts: weightedRecord(
        all.map((r) => r.counts),
        weights,
      ) as NonNullable<ReplicationResult["recipients"]>["counts"],
      metrics: weightedRecord(
        all.map((r) => r.metrics),
        weights,
      ),
    };
  } else if (recipients.some((r) => r !== undefined)) {
    throw new RangeError("weightedResult: per-recipient results in some worlds only");
  }
  return combined;
}
