// Worker-thread entry of the replication pool (pool.ts): runs the replications it is sent, one
// at a time, by priority and then in order of arrival, and posts each plain-data result back. It
// keeps compiled scenarios by id, so a sweep's tables (Zipf alias table, samplers) are built once
// per worker and point, not once per replication. Tasks wait in a queue here, so that the pool can
// take back those not started (a reclaim, answered at the replication's next look at the clock:
// the main thread, out of work at the end of a run, simulates them instead of waiting).
import { parentPort } from "node:worker_threads";
import { compiledScenarios } from "./compiled-cache.js";
import type { PoolMessage, TaskMessage, ThreadReply, WorkerReply } from "./pool.js";
import { CLOCK_WATCH_EVERY, runReplication } from "./replicate.js";

/** Enough for a 64-point sweep without rebuilding; older entries are dropped first. */
const CACHE_SIZE = 64;
const compiledFor = compiledScenarios(CACHE_SIZE);

const port = parentPort;
if (!port) throw new Error("experiment/worker.js must run in a worker thread");

/** Progress messages at most this often per worker (milliseconds of wall time). */
const PROGRESS_MS = 200;

const queue: TaskMessage[] = [];
/** The scenarios (pool ids) this thread has started a replication of. */
const started = new Set<number>();
let scheduled = false;
/** Where the pool writes how many tasks to give back (PoolMessage), once it has sent it. */
let reclaimCell: Int32Array | null = null;

/**
 * Give back `count` tasks not started: those of scenarios not started here first, each whole,
 * then the latest of scenarios started here, then the latest. Once per request: the cell is read
 * and cleared at once, so the request's message, coming after a clock look answered it, finds 0
 * and is not answered twice. At most half of what this thread holds (`running`: a replication is
 * in progress) goes back: the pool asks for half of what it counts, and its count still holds the
 * results it has not read while it was busy (advise's charts). Asked for 32 of a count of 64 when
 * 38 were left, this worker gave back 32 and then idled 200–280 ms at a time while the pool's
 * thread ran them one by one (sim advise 18of20).
 */
function giveBack(count: number, running: boolean): void {
  const n = Math.min(count, Math.floor((queue.length + (running ? 1 : 0)) / 2));
  const back = new Set<TaskMessage>();
  // Scenarios this thread has not started go first, each whole when it fits, the latest first: a
  // thread's first replication of a scenario is its slowest (pool.ts, FIRST_RUN_TASKS), and a
  // scenario split between the two threads is paid for twice (seen when only its last tasks went).
  const unstarted = new Map<number, TaskMessage[]>();
  for (let i = queue.length - 1; i >= 0; i--) {
    const id = queue[i].scenarioId;
    if (started.has(id)) continue;
    const tasks = unstarted.get(id);
    if (tasks) tasks.push(queue[i]);
    else unstarted.set(id, [queue[i]]);
  }
  for (const tasks of unstarted.values()) {
    if (back.size + tasks.length <= n) for (const m of tasks) back.add(m);
  }
  // Then the latest tasks of scenarios started here (the pool's thread may run those first, but
  // this one keeps them warm), and only then the rest of those not started, split.
  for (let i = queue.length - 1; i >= 0 && back.size < n; i--) {
    if (started.has(queue[i].scenarioId)) back.add(queue[i]);
  }
  for (let i = queue.length - 1; i >= 0 && back.size < n; i--) back.add(queue[i]);
  const given = queue.filter((m) => back.has(m));
  queue.splice(0, queue.length, ...queue.filter((m) => !back.has(m)));
  port?.postMessage({ returned: given.map((m) => m.task) } satisfies ThreadReply);
}

/** At a look at the clock during a replication: answer a reclaim the pool wrote in the cell. */
function reclaimAsked(): void {
  if (reclaimCell === null || Atomics.load(reclaimCell, 0) === 0) return;
  giveBack(Atomics.exchange(reclaimCell, 0, 0), true);
}

/**
 * Where a task of this priority goes in the queue: after every queued task of the same or a
 * lower priority (first come, first served among equals), before those of a higher one. The
 * pool keeps a worker a second of work ahead (pool.ts, DEPTH_MS); without this, the first task
 * of a more urgent run (advise's own curve, whose charts wait for it) would start only after
 * that second of the policy table's.
 */
function queuedBefore(priority: number): number {
  let i = queue.length;
  while (i > 0 && (queue[i - 1].priority ?? 0) > priority) i--;
  return i;
}

function simulate(message: TaskMessage): WorkerReply {
  started.add(message.scenarioId);
  let last = performance.now();
  // How far this replication has got in simulated time, posted now and then (pool.ts sums it up).
  const watch = {
    every: CLOCK_WATCH_EVERY,
    tick(now: number) {
      reclaimAsked();
      const t = performance.now();
      if (t - last < PROGRESS_MS) return;
      last = t;
      port?.postMessage({ task: message.task, simulated: now } satisfies WorkerReply);
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
    return { task: message.task, result, ms: performance.now() - started };
  } catch (error) {
    return { task: message.task, error: (error as Error).stack ?? String(error) };
  }
}

/** The next queued task, on a later turn of the event loop: messages that came meanwhile are read first. */
function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    const message = queue.shift();
    if (message) port?.postMessage(simulate(message));
    schedule();
  });
}

port.on("message", (message: PoolMessage) => {
  if ("reclaimCell" in message) {
    reclaimCell = new Int32Array(message.reclaimCell);
    return;
  }
  if ("reclaim" in message) {
    if (reclaimCell === null) giveBack(message.reclaim, false);
    else {
      // Already answered at a look at the clock when the cell reads 0.
      const count = Atomics.exchange(reclaimCell, 0, 0);
      if (count > 0) giveBack(count, false);
    }
    return;
  }
  queue.splice(queuedBefore(message.priority ?? 0), 0, message);
  schedule();
});
