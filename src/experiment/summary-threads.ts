// A sweep's points summarised on several threads: `sim merge`'s last step. A point's intervals
// are bootstraps over its replications (stats/interval.ts), about half of a 100-point × 1000
// merge's CPU. The threads take points as they finish, this one included, and every summary has
// the bits summarisePoints gives it, on any thread (test/experiment/summary-threads.test.ts).
import { Worker } from "node:worker_threads";
import type { Scenario } from "../scenario/schema.js";
import type { SweepReplication } from "./result.js";
import { type PointSummary, summarisePoint } from "./summary.js";
import { pointScenario, type SweepGrid, summarisePoints } from "./sweep.js";
import { workerModule } from "./worker-threads.js";

/** One point to summarise, as summary-worker.ts receives it. */
export interface SummaryTask {
  point: number;
  scenario: Scenario;
  seed: number;
  results: readonly SweepReplication[];
}

/** What summary-worker.ts posts back for a point. */
export type SummaryReply = { point: number; summary: PointSummary } | { point: number; error: string };

const workerUrl = (): URL => workerModule(import.meta.url, "experiment/summary-worker.js");

/** Points a worker holds beyond the one it summarises, so that it never waits for this thread. */
const AHEAD = 1;

/**
 * summarisePoints on `threads` threads, this one included (one thread, or one point: just
 * summarisePoints). `onPoint` is told each point done, for progress.
 */
export async function summariseSweepInThreads(
  grid: SweepGrid,
  seed: number,
  results: readonly SweepReplication[][],
  threads: number,
  onPoint?: (done: number, points: number) => void,
): Promise<PointSummary[]> {
  const points = grid.scenarios.length;
  const helpers = Math.min(threads - 1, points - 1);
  if (helpers < 1) return summarisePoints(grid, seed, results);
  const task = (point: number): SummaryTask => ({
    point,
    scenario: pointScenario(grid, point, seed, results[point].length),
    seed,
    results: results[point],
  });
  const summaries: PointSummary[] = new Array(points);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise((resolve, reject) => {
    const end = (error: Error | null) => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolve(summaries);
    };
    const record = (point: number, summary: PointSummary) => {
      summaries[point] = summary;
      done++;
      onPoint?.(done, points);
      if (done === points) end(null);
    };
    const give = (worker: Worker) => {
      if (next < points) worker.postMessage(task(next++));
    };
    for (let i = 0; i < helpers; i++) {
      const worker = new Worker(workerUrl());
      workers.push(worker);
      worker.on("message", (reply: SummaryReply) => {
        if ("error" in reply) return end(new Error(`summarising point ${reply.point} in a thread: ${reply.error}`));
        record(reply.point, reply.summary);
        give(worker);
      });
      worker.on("error", (error) => end(error));
      worker.on("exit", (code) =>
        end(new Error(`a summary thread stopped (exit code ${code}) before the merge was done`)),
      );
      for (let k = 0; k <= AHEAD; k++) give(worker);
    }
    // This thread takes a point a turn of the event loop, so that the workers' replies are read between.
    const own = () => {
      if (settled || next >= points) return;
      const { point, scenario, results: replications } = task(next++);
      try {
        record(point, summarisePoint(scenario, seed, replications));
      } catch (error) {
        return end(error as Error);
      }
      setImmediate(own);
    };
    setImmediate(own);
  });
}
