// Worker-thread entry of summary-threads.ts: summarises the sweep points it is sent, one message
// each, and posts each PointSummary back. summarisePoint is a pure function of its arguments (its
// bootstrap's draws are one fixed sequence, stats/interval.ts), so a point summarised here has the
// same bits as one summarised on the main thread.
import { parentPort } from "node:worker_threads";
import { summarisePoint } from "./summary.js";
import type { SummaryReply, SummaryTask } from "./summary-threads.js";

const port = parentPort;
if (!port) throw new Error("experiment/summary-worker.js must run in a worker thread");

port.on("message", ({ point, scenario, seed, results }: SummaryTask) => {
  let reply: SummaryReply;
  try {
    reply = { point, summary: summarisePoint(scenario, seed, results) };
  } catch (error) {
    reply = { point, error: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
