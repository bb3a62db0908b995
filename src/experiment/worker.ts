// Worker-thread entry of the replication pool (pool.ts): runs one replication per message and
// posts its plain-data result back. It keeps compiled scenarios by id, so a sweep's tables
// (Zipf alias table, samplers) are built once per worker and point, not once per replication.
import { parentPort } from "node:worker_threads";
import { compiledScenarios } from "./compiled-cache.js";
import type { TaskMessage, WorkerReply } from "./pool.js";
import { CLOCK_WATCH_EVERY, runReplication } from "./run.js";

/** Enough for a 64-point sweep without rebuilding; older entries are dropped first. */
const CACHE_SIZE = 64;
const compiledFor = compiledScenarios(CACHE_SIZE);

const port = parentPort;
if (!port) throw new Error("experiment/worker.js must run in a worker thread");

/** Progress messages at most this often per worker (milliseconds of wall time). */
const PROGRESS_MS = 200;

port.on("message", (message: TaskMessage) => {
  let reply: WorkerReply;
  let last = performance.now();
  // How far this replication has got in simulated time, posted now and then (pool.ts sums it up).
  const watch = {
    every: CLOCK_WATCH_EVERY,
    tick(now: number) {
      const t = performance.now();
      if (t - last < PROGRESS_MS) return;
      last = t;
      port.postMessage({ task: message.task, simulated: now } satisfies WorkerReply);
    },
  };
  try {
    const started = performance.now();
    const result = runReplication(
      compiledFor(message),
      message.seed,
      message.index,
      null,
      watch,
      message.probes ?? null,
    );
    reply = { task: message.task, result, ms: performance.now() - started };
  } catch (error) {
    reply = { task: message.task, error: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
