// One replication of a compiled scenario, to its plain-data result: all that the pool's worker
// threads (worker.ts) run. Kept apart from run.ts, whose validation, budget and summaries pull in
// zod and the scenario parser: a worker loading those paid ~50 ms of CPU for code it never runs.
import type { ClockWatch } from "../engine/index.js";
import { type CompiledScenario, simulateReplication } from "../model/simulate.js";
import type { AttemptSink } from "../model/sink.js";
import { type ReplicationResult, replicationResult } from "./result.js";

/** Events between two looks at a replication's clock for progress (a few milliseconds of work). */
export const CLOCK_WATCH_EVERY = 1 << 16;

/** Simulate replication `index` of a compiled scenario and return its plain-data result. */
export function runReplication(
  compiled: CompiledScenario,
  seed: number,
  index: number,
  sink: AttemptSink | null = null,
  watch: ClockWatch | null = null,
  probes: readonly number[] | null = null,
): ReplicationResult {
  const { tally, events, shadow } = simulateReplication(compiled, seed, index, sink, watch, probes);
  const s = compiled.scenario;
  const result = replicationResult(index, events, tally, s.pool.servers, s.horizon - s.warmup);
  // The real run's deliveries and their delays, for the shadow worlds' delivery delays.
  if (shadow !== null) result.shadow = { ...shadow, delivered: tally.delay.count, delaySum: tally.delay.sum };
  return result;
}
