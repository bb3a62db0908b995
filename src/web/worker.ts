// Web Worker entry of the browser's replication pool (web/pool.ts), the twin of
// experiment/worker.ts: one replication per message, compiled scenarios kept by id so a grid's
// tables (Zipf alias table, samplers) are built once per worker and configuration.
import { compiledScenarios } from "../experiment/compiled-cache.js";
import type { TaskMessage, WorkerReply } from "../experiment/pool.js";
import { runReplication } from "../experiment/run.js";

/** Enough for advise's grids (about 20 waits × 6 policies) without rebuilding. */
const CACHE_SIZE = 160;
const compiledFor = compiledScenarios(CACHE_SIZE);

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<TaskMessage>) => void) | null;
  postMessage(reply: WorkerReply): void;
};

scope.onmessage = (event) => {
  const message = event.data;
  let reply: WorkerReply;
  try {
    reply = {
      task: message.task,
      result: runReplication(compiledFor(message), message.seed, message.index, null, null, message.probes ?? null),
    };
  } catch (error) {
    reply = { task: message.task, error: (error as Error).stack ?? String(error) };
  }
  scope.postMessage(reply);
};
