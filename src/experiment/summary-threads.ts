// A sweep's points summarised on several threads: `sim merge`'s last step. A point's intervals
// are bootstraps over its replications (stats/interval.ts), about half of a 100-point × 1000
// merge's CPU. The threads take points as they finish, this one included, and every summary has
// the bits summarisePoints gives it, on any thread (test/experiment/summary-threads.test.ts).
import type { Scenario } from "../scenario/schema.js";
import type { SweepReplication } from "./result.js";
import { type PointSummary, summarisePoint } from "./summary.js";
import { pointScenario, type SweepGrid } from "./sweep.js";
import { runInThreads, workerModule } from "./threads.js";

/** One point to summarise, as summary-worker.ts receives it. */
export interface SummaryTask {
  scenario: Scenario;
  seed: number;
  results: readonly SweepReplication[];
}

/** A point's summary: summary-worker.ts runs it on the tasks it is sent. */
export function summariseTask({ scenario, seed, results }: SummaryTask): PointSummary {
  return summarisePoint(scenario, seed, results);
}

/**
 * summarisePoints on `threads` threads, this one included. `onPoint` is told each point done,
 * for progress.
 */
export function summariseSweepInThreads(
  grid: SweepGrid,
  seed: number,
  results: readonly SweepReplication[][],
  threads: number,
  onPoint?: (done: number, points: number) => void,
): Promise<PointSummary[]> {
  return runInThreads({
    url: workerModule(import.meta.url, "experiment/summary-worker.js"),
    count: grid.scenarios.length,
    threads,
    task: (point): SummaryTask => ({
      scenario: pointScenario(grid, point, seed, results[point].length),
      seed,
      results: results[point],
    }),
    run: summariseTask,
    what: (point) => `summarising point ${point}`,
    onDone: onPoint,
  });
}
