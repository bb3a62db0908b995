// A small pool of worker threads that runs replications (scenario, seed, index) and returns
// their results in task order. Each replication depends only on (seed, index) (DESIGN §2), so
// which thread ran it never shows in the results: summaries are byte-identical for any size.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CompiledScenario } from "../model/replication.js";
import type { Scenario } from "../scenario/schema.js";
import type { ReplicationResult } from "./result.js";
import { CLOCK_WATCH_EVERY, runReplication } from "./run.js";

/** Resolves on a later turn of the event loop (after pending I/O and signal handlers). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One replication to simulate. */
export interface ReplicationTask {
  scenario: Scenario;
  seed: number;
  index: number;
  /** advise's grid waits to shadow in this replication (model/shadow-resends.ts). */
  probes?: readonly number[];
}

/** Tasks by index, made on demand (an array is one too): the pool never needs them all at once. */
export interface TaskList {
  readonly length: number;
  at(index: number): ReplicationTask | undefined;
}

/** What the pool posts to a worker (worker.ts). */
export interface TaskMessage {
  task: number;
  scenarioId: number;
  scenario: Scenario;
  seed: number;
  index: number;
  probes?: readonly number[];
}

/** A result, an error, or how far a running replication has got (simulated seconds). */
export type WorkerReply =
  | { task: number; result: ReplicationResult }
  | { task: number; error: string }
  | { task: number; simulated: number };

/**
 * Progress: `done` of `total` tasks finished; `running` is how much of the tasks in flight is
 * simulated, in tasks (simulated time over horizon, summed): one long replication shows progress.
 */
export type ProgressCallback = (done: number, total: number, running?: number) => void;

/** A task's result, as it arrives (task = its index in the TaskList). */
export type TaskCallback = (task: number, result: ReplicationResult) => void;

/** The default number of workers: one per core the process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Worker threads run compiled JavaScript. From dist/ the worker sits beside this module; when
 * this module runs from TypeScript sources (vitest), the built copy in dist/ is used instead.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts") ? new URL("../../dist/experiment/worker.js", here) : new URL("./worker.js", here);
}

function taskAt(tasks: TaskList, i: number): ReplicationTask {
  const task = tasks.at(i);
  if (task === undefined) throw new RangeError(`ReplicationPool: no task ${i} of ${tasks.length}`);
  return task;
}

/**
 * Two tasks in flight per worker hide the message round trip (a replication takes
 * milliseconds; a result crosses threads in tens of microseconds) without hoarding work.
 */
const IN_FLIGHT = 2;

/**
 * N simulating threads are this thread and N − 1 workers. This thread starts simulating at
 * once while the workers boot (loading modules takes a few hundred ms), and a worker's JIT
 * warm-up is not paid for a thread that is already warm: both matter on few cores.
 */
export class ReplicationPool {
  /** Number of threads that simulate, this one included: 1 means no workers. */
  readonly size: number;
  private readonly threads: Worker[] = [];
  private readonly ids = new WeakMap<Scenario, number>();
  private readonly compiledHere = new WeakMap<Scenario, CompiledScenario>();
  private nextId = 0;
  private busy = false;
  private broken: Error | null = null;

  constructor(workers: number = defaultWorkers()) {
    if (!(Number.isSafeInteger(workers) && workers >= 1)) {
      throw new RangeError(`workers: expected a positive integer, got ${workers}`);
    }
    this.size = workers;
  }

  /**
   * Simulate the tasks and return their results in task order; `onResult` after each (progress),
   * and `onTask` with each result as it arrives, after the thread that ran it has its next task:
   * work done there (a sweep point's summary) overlaps the simulation instead of following it.
   */
  async run(tasks: TaskList, onResult?: ProgressCallback, onTask?: TaskCallback): Promise<ReplicationResult[]> {
    if (this.broken) throw this.broken;
    if (this.busy) throw new Error("ReplicationPool.run: the pool is already running tasks");
    if (tasks.length === 0) return [];
    this.busy = true;
    try {
      return this.size === 1
        ? await this.runHere(tasks, onResult, onTask)
        : await this.runInWorkers(tasks, onResult, onTask);
    } finally {
      this.busy = false;
    }
  }

  /** Stop the worker threads. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.broken ??= new Error("ReplicationPool: closed");
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.terminate()));
  }

  /** One replication in this thread, with the compiled scenario cached; `onClock` sees its clock. */
  private simulateHere(task: ReplicationTask, onClock?: (simulated: number) => void): ReplicationResult {
    let compiled = this.compiledHere.get(task.scenario);
    if (!compiled) {
      compiled = new CompiledScenario(task.scenario);
      this.compiledHere.set(task.scenario, compiled);
    }
    const watch = onClock ? { every: CLOCK_WATCH_EVERY, tick: onClock } : null;
    return runReplication(compiled, task.seed, task.index, null, watch, task.probes ?? null);
  }

  /** Yields to the event loop between replications, so an interrupt (SIGINT) is handled promptly. */
  private async runHere(
    tasks: TaskList,
    onResult?: ProgressCallback,
    onTask?: TaskCallback,
  ): Promise<ReplicationResult[]> {
    const results = new Array<ReplicationResult>(tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      if (i > 0) await nextTurn();
      const task = taskAt(tasks, i);
      const onClock = onResult && ((t: number) => onResult(i, tasks.length, t / task.scenario.horizon));
      results[i] = this.simulateHere(task, onClock);
      onResult?.(i + 1, tasks.length);
      onTask?.(i, results[i]);
    }
    return results;
  }

  private idOf(scenario: Scenario): number {
    let id = this.ids.get(scenario);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(scenario, id);
    }
    return id;
  }

  private runInWorkers(
    tasks: TaskList,
    onResult?: ProgressCallback,
    onTask?: TaskCallback,
  ): Promise<ReplicationResult[]> {
    // Threads start lazily and stay for later runs (a sweep's batches, precision rounds).
    const wanted = Math.min(this.size - 1, Math.ceil(tasks.length / IN_FLIGHT));
    while (this.threads.length < wanted) this.threads.push(new Worker(workerUrl()));
    const threads = this.threads.slice(0, wanted);

    return new Promise((resolve, reject) => {
      const results = new Array<ReplicationResult>(tasks.length);
      const indices = new Map<number, number>();
      let next = 0;
      let done = 0;
      let settled = false;
      // Simulated share of each task in flight (simulated time over its horizon).
      const running = new Map<number, number>();
      // Each task in flight's horizon (a TaskList makes tasks on demand: look each up once).
      const horizons = new Map<number, number>();
      const progress = (task: number, simulated: number) => {
        if (!onResult) return;
        running.set(task, Math.min(1, simulated / (horizons.get(task) ?? Number.POSITIVE_INFINITY)));
        onResult(done, tasks.length, inFlight());
      };
      const inFlight = () => {
        let sum = 0;
        for (const share of running.values()) sum += share;
        return sum;
      };
      const detach: Array<() => void> = [];
      const finish = (error: Error | null) => {
        if (settled) return;
        settled = true;
        for (const off of detach) off();
        if (error) {
          // Tasks may still be in flight on some thread: this pool cannot be reused.
          this.broken = error;
          void this.close();
          reject(error);
        } else resolve(results);
      };
      const send = (thread: Worker) => {
        if (next >= tasks.length) return;
        const task = next++;
        const { scenario, seed, index, probes } = taskAt(tasks, task);
        // Which task a reply answers, to name its replication if it fails.
        indices.set(task, index);
        horizons.set(task, scenario.horizon);
        const message: TaskMessage = { task, scenarioId: this.idOf(scenario), scenario, seed, index, probes };
        thread.postMessage(message);
      };
      for (const thread of threads) {
        const onMessage = (reply: WorkerReply) => {
          if ("error" in reply) {
            finish(new Error(`replication ${indices.get(reply.task)} failed in a worker: ${reply.error}`));
            return;
          }
          if ("simulated" in reply) {
            if (!settled) progress(reply.task, reply.simulated);
            return;
          }
          running.delete(reply.task);
          horizons.delete(reply.task);
          indices.delete(reply.task);
          results[reply.task] = reply.result;
          done++;
          onResult?.(done, tasks.length, inFlight());
          // The worker gets its next task before this thread does anything with the result.
          if (done < tasks.length) send(thread);
          if (onTask && !settled) {
            try {
              onTask(reply.task, reply.result);
            } catch (error) {
              finish(error as Error);
              return;
            }
          }
          if (done === tasks.length) finish(null);
        };
        const onError = (error: Error) => finish(error);
        const onExit = (code: number) => finish(new Error(`a replication worker exited with code ${code}`));
        thread.on("message", onMessage);
        thread.on("error", onError);
        thread.on("exit", onExit);
        detach.push(() => {
          thread.off("message", onMessage);
          thread.off("error", onError);
          thread.off("exit", onExit);
        });
      }
      for (let k = 0; k < IN_FLIGHT; k++) for (const thread of threads) send(thread);
      // This thread takes one task at a time, yielding between tasks so that results arriving
      // from workers are received and their next tasks sent without delay.
      const simulateHere = () => {
        if (settled || next >= tasks.length) return;
        const task = next++;
        try {
          const here = taskAt(tasks, task);
          horizons.set(task, here.scenario.horizon);
          results[task] = this.simulateHere(here, onResult && ((t) => progress(task, t)));
          horizons.delete(task);
          running.delete(task);
          done++;
          onResult?.(done, tasks.length, inFlight());
          onTask?.(task, results[task]);
        } catch (error) {
          finish(error as Error);
          return;
        }
        if (done === tasks.length) finish(null);
        else setImmediate(simulateHere);
      };
      setImmediate(simulateHere);
    });
  }
}
