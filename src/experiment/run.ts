// Run a scenario's replications and summarise them. Replication i always uses the streams
// of (seed, i), so any subset, order or process split gives the same per-replication results.
import { CompiledScenario } from "../model/simulate.js";
import type { AttemptSink } from "../model/sink.js";
import { checkBudget } from "./budget.js";
import { type AnyScenario, checkOptions, runSize, validScenario } from "./inputs.js";
import { CLOCK_WATCH_EVERY, runReplication } from "./replicate.js";
import type { ReplicationResult } from "./result.js";
import { type Summary, summarise } from "./summary.js";

// Re-exported for the callers (tests, the page's worker) that name them from here.
export { CLOCK_WATCH_EVERY, runReplication } from "./replicate.js";

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
  /** Run even what the budget (budget.ts) refuses as too large (--allow-large). */
  allowLarge?: boolean;
  /** The caller will draw the run's charts: the budget limits their rows. */
  charts?: boolean;
}

/** A run's summary (summary.json) and each replication's result, in replication order. */
export interface RunResult {
  summary: Summary;
  results: ReplicationResult[];
}

/** The validated scenario, seed, count and compiled model of a run, refused up front if too large. */
function prepareRun(input: AnyScenario, options: RunOptions) {
  const scenario = validScenario(input);
  checkOptions(options);
  const { seed, replications: total } = runSize(scenario, options);
  checkBudget({ configs: [scenario], replications: total, charts: options.charts, allowLarge: options.allowLarge });
  return { scenario, seed, total, compiled: new CompiledScenario(scenario) };
}

/** Run replications 0 … R−1 one after another in this thread (the scenario is validated first). */
export function runScenario(input: AnyScenario, options: RunOptions = {}): RunResult {
  const { scenario, seed, total, compiled } = prepareRun(input, options);
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
export async function runScenarioInTurns(input: AnyScenario, options: RunOptions = {}): Promise<RunResult> {
  const { scenario, seed, total, compiled } = prepareRun(input, options);
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
