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
import { placementAt, placementClasses } from "../model/placement-classes.js";
import type { Scenario } from "../scenario/schema.js";

/** The most worlds (placement classes) a replication runs: 2 of 20 has 10, 3 of 20 has 57. */
export const MAX_PLACEMENT_WORLDS = 16;

/** One world of a replication: the scenario with its placement fixed, and the world's weight. */
export interface PlacementWorld {
  scenario: Scenario;
  /** The probability of the world's placement class; the weights of a replication's worlds sum to 1. */
  weight: number;
}

/** Why a scenario's replications cannot run as placement worlds, or null. */
export function placementWorldsProblem(scenario: Scenario): string | null {
  if (scenario.listed.length !== 1) return `expected one "listed" entry, got ${scenario.listed.length}`;
  const entry = scenario.listed[0];
  if (entry.indices !== undefined) return "the listed relays are given (indices), not drawn";
  const classes = placementClasses(scenario.pool.servers, entry.servers ?? 0);
  if (classes === null) return "too many placements to enumerate";
  if (classes.length > MAX_PLACEMENT_WORLDS) {
    return `${classes.length} placement classes, more than ${MAX_PLACEMENT_WORLDS} worlds a replication`;
  }
  return null;
}

/**
 * The worlds of replication `replication`: one per placement class, in the classes' order, each
 * placement starting at a relay drawn uniformly. Throws where placementWorldsProblem objects.
 */
export function placementWorlds(scenario: Scenario, seed: number, replication: number): PlacementWorld[] {
  const problem = placementWorldsProblem(scenario);
  if (problem !== null) throw new RangeError(`placementWorlds: ${problem}`);
  const servers = scenario.pool.servers;
  const entry = scenario.listed[0];
  const classes = placementClasses(servers, entry.servers ?? 0) ?? [];
  const starts = randomStream(seed, replication, "placement-worlds");
  return classes.map((c) => {
    const indices = placementAt(c.gaps, Math.floor(starts.next() * servers), servers);
    const { servers: _drawn, ...fixed } = entry;
    return { scenario: { ...scenario, listed: [{ ...fixed, indices }] }, weight: c.probability };
  });
}
