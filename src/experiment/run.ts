// Run a scenario's replications and summarise them. Replication i always uses the streams
// of (seed, i), so any subset, order or process split gives the same per-replication results.
import type { ClockWatch } from "../engine/index.js";
import { CompiledScenario, simulateReplication } from "../model/replication.js";
import type { AttemptSink } from "../model/sink.js";
import type { Scenario } from "../scenario/schema.js";
import { type ReplicationResult, replicationResult } from "./result.js";
import { type Summary, summarise } from "./summary.js";

/** Options of runScenario: overrides of the scenario's seed and replications, a sink, progress. */
export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's number of replications. */
  replications?: number;
  /** A sink per replication for attempt records (attempts.csv), or none. */
  attemptSink?: (replication: number) => AttemptSink | null;
  /**
   * Called after each replication with the number done and the total (runScenarioInTurns: also
   * during one, with `running`, the share of it simulated).
   */
  onProgress?: (done: number, total: number, running?: number) => void;
}

/** Events between two looks at a replication's clock for progress (a few milliseconds of work). */
export const CLOCK_WATCH_EVERY = 1 << 16;

/** Simulate replication `index` of a compiled scenario and return its plain-data result. */
export function runReplication(
  compiled: CompiledScenario,
  seed: number,
  index: number,
  sink: AttemptSink | null = null,
  watch: ClockWatch | null = null,
): ReplicationResult {
  const { tally, events } = simulateReplication(compiled, seed, index, sink, watch);
  const s = compiled.scenario;
  return replicationResult(index, events, tally, s.pool.servers, s.horizon - s.warmup);
}

/** A run's summary (summary.json) and each replication's result, in replication order. */
export interface RunResult {
  summary: Summary;
  results: ReplicationResult[];
}

/** Run replications 0 … R−1 one after another in this thread. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const total = options.replications ?? scenario.replications;
  const compiled = new CompiledScenario(scenario);
  const results: ReplicationResult[] = [];
  for (let i = 0; i < total; i++) {
    results.push(runReplication(compiled, seed, i, options.attemptSink?.(i) ?? null));
    options.onProgress?.(i + 1, total);
  }
  return {
    summary: summarise({ ...scenario, seed, replications: total }, seed, results),
    results,
  };
}

/**
 * runScenario, yielding to the event loop between replications so that an interrupt is
 * handled (and the output cleaned up) without waiting for the whole run.
 */
export async function runScenarioInTurns(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const seed = options.seed ?? scenario.seed;
  const total = options.replications ?? scenario.replications;
  const compiled = new CompiledScenario(scenario);
  const results: ReplicationResult[] = [];
  for (let i = 0; i < total; i++) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const progress = options.onProgress;
    const watch = progress
      ? { every: CLOCK_WATCH_EVERY, tick: (t: number) => progress(i, total, t / scenario.horizon) }
      : null;
    results.push(runReplication(compiled, seed, i, options.attemptSink?.(i) ?? null, watch));
    options.onProgress?.(i + 1, total);
  }
  return {
    summary: summarise({ ...scenario, seed, replications: total }, seed, results),
    results,
  };
}
