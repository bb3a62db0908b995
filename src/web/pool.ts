// The browser's replication pool: the same interface as experiment/pool.ts (which the page's
// bundle uses in its place, scripts/build-web.mjs), on Web Workers started from a Blob URL of
// the inlined worker bundle, so the page runs from file:// with no request. It also remembers
// every replication it has simulated: a replication depends only on (scenario, seed, index)
// (DESIGN §2), so when `advise` is run again with more replications, or `sim run`'s summary is
// asked for after it, the replications already done are not simulated twice.
import workerSource from "relaysim:worker-source";
import type { ReplicationTask, TaskList, TaskMessage, WorkerReply } from "../experiment/pool.js";
import type { ReplicationResult } from "../experiment/result.js";
import type { Scenario } from "../scenario/schema.js";

export type { ReplicationTask };

/** One worker per logical core, as `sim run` uses one thread per core. */
export function defaultWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** The run in progress was stopped with stop(). */
export class StoppedError extends Error {
  override name = "StoppedError";
}

/** Two tasks in flight per worker hide the message round trip, as in experiment/pool.ts. */
const IN_FLIGHT = 2;

/** Results kept for reuse; beyond this the oldest are forgotten (a result is a few kB). */
const REMEMBERED = 6000;

export class ReplicationPool {
  /** Number of workers. */
  readonly size: number;
  /** Called as each replication is simulated (not for remembered ones). */
  onReplication: ((task: ReplicationTask, result: ReplicationResult) => void) | null = null;
  private threads: Worker[] = [];
  private url: string | null = null;
  private readonly keys = new WeakMap<Scenario, { id: number; key: string }>();
  private nextId = 0;
  private readonly remembered = new Map<string, ReplicationResult>();
  private abort: ((error: Error) => void) | null = null;
  /** Set by stop() until resume(): a stop between two runs stops the next one too. */
  private halted = false;
  /** Calls waiting for the workers: run() serves one call at a time, lowest priority first, then in call order. */
  private readonly waiting: Array<{ priority: number; order: number; start: () => void }> = [];
  private calls = 0;
  private serving = false;
  /** Counts stop()s: a call queued before a stop is refused when its turn comes, even after resume(). */
  private stops = 0;

  constructor(workers: number = defaultWorkers()) {
    if (!(Number.isSafeInteger(workers) && workers >= 1)) {
      throw new RangeError(`workers: expected a positive integer, got ${workers}`);
    }
    this.size = workers;
  }

  /**
   * Simulate the tasks (or recall them) and return their results in task order; `onResult` after
   * each. `tasks` is experiment/pool.ts's TaskList (length and at(), possibly lazy, not an array).
   * Calls made while another runs wait their turn, lowest `priority` first (advise starts its
   * curves side by side, as on experiment/pool.ts, whose threads they share): here they run one
   * after another, with the same results, since a result depends on its task alone (DESIGN §2).
   */
  run(
    taskList: TaskList,
    onResult?: (done: number, total: number) => void,
    _onTask?: unknown,
    priority = 0,
  ): Promise<ReplicationResult[]> {
    const stops = this.stops;
    return new Promise((resolve, reject) => {
      const start = () => {
        this.serving = true;
        const turn =
          this.stops !== stops ? Promise.reject(new StoppedError("stopped")) : this.runNow(taskList, onResult);
        turn.then(resolve, reject).finally(() => {
          this.serving = false;
          this.serveNext();
        });
      };
      this.waiting.push({ priority, order: this.calls++, start });
      this.serveNext();
    });
  }

  /** Start the waiting call with the lowest (priority, call order), unless one is running. */
  private serveNext(): void {
    if (this.serving || this.waiting.length === 0) return;
    let best = 0;
    for (let i = 1; i < this.waiting.length; i++) {
      const a = this.waiting[i];
      const b = this.waiting[best];
      if (a.priority < b.priority || (a.priority === b.priority && a.order < b.order)) best = i;
    }
    const [next] = this.waiting.splice(best, 1);
    next.start();
  }

  /** One call's turn (serveNext starts one at a time, so no other run is in progress). */
  private runNow(taskList: TaskList, onResult?: (done: number, total: number) => void): Promise<ReplicationResult[]> {
    if (this.halted) return Promise.reject(new StoppedError("stopped"));
    // The page's runs are small enough to list: its results array is as long anyway.
    const tasks: ReplicationTask[] = [];
    for (let i = 0; i < taskList.length; i++) {
      const task = taskList.at(i);
      if (task === undefined)
        return Promise.reject(new RangeError(`ReplicationPool: no task ${i} of ${taskList.length}`));
      tasks.push(task);
    }
    const results = new Array<ReplicationResult>(tasks.length);
    const pending: number[] = [];
    tasks.forEach((task, i) => {
      const known = this.remembered.get(this.keyOf(task));
      if (known) results[i] = known;
      else pending.push(i);
    });
    let done = tasks.length - pending.length;
    if (done > 0) onResult?.(done, tasks.length);
    if (pending.length === 0) return Promise.resolve(results);

    const threads = this.threadsFor(Math.ceil(pending.length / IN_FLIGHT));
    return new Promise((resolve, reject) => {
      let next = 0;
      const finish = (error: Error | null) => {
        if (!this.abort) return;
        this.abort = null;
        for (const thread of threads) thread.onmessage = thread.onerror = null;
        if (error) {
          // Other workers may still hold tasks of this run: start afresh next time.
          this.terminate();
          reject(error);
        } else resolve(results);
      };
      this.abort = finish;
      const send = (thread: Worker) => {
        if (next >= pending.length) return;
        const task = pending[next++];
        const { scenario, seed, index, probes } = tasks[task];
        const message: TaskMessage = { task, scenarioId: this.idOf(scenario), scenario, seed, index, probes };
        thread.postMessage(message);
      };
      for (const thread of threads) {
        thread.onmessage = (event: MessageEvent<WorkerReply>) => {
          const reply = event.data;
          if ("error" in reply) {
            finish(new Error(`replication ${tasks[reply.task].index} failed in a worker: ${reply.error}`));
            return;
          }
          // The page's workers report only finished replications (no simulated-time progress).
          if ("simulated" in reply) return;
          results[reply.task] = reply.result;
          this.remember(tasks[reply.task], reply.result);
          this.onReplication?.(tasks[reply.task], reply.result);
          done++;
          onResult?.(done, tasks.length);
          if (done === tasks.length) finish(null);
          else send(thread);
        };
        thread.onerror = (event: ErrorEvent) => finish(new Error(`a replication worker failed: ${event.message}`));
      }
      for (let k = 0; k < IN_FLIGHT; k++) for (const thread of threads) send(thread);
    });
  }

  /** Start every worker now, so that the first run does not wait for them. */
  warm(): void {
    this.threadsFor(this.size);
  }

  /** Stop the run in progress and the queued ones (they reject with StoppedError) and refuse new runs until resume(). */
  stop(): void {
    this.halted = true;
    this.stops++;
    this.terminate();
    this.abort?.(new StoppedError("stopped"));
  }

  /** Accept runs again after stop(). */
  resume(): void {
    this.halted = false;
  }

  /** Stop the workers and release the worker source's URL. */
  async close(): Promise<void> {
    this.stop();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
  }

  private terminate(): void {
    for (const thread of this.threads.splice(0)) thread.terminate();
  }

  private threadsFor(wanted: number): Worker[] {
    this.url ??= URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
    const n = Math.min(this.size, wanted);
    while (this.threads.length < n) this.threads.push(new Worker(this.url, { name: "relaysim replications" }));
    return this.threads.slice(0, n);
  }

  private entryOf(scenario: Scenario): { id: number; key: string } {
    let entry = this.keys.get(scenario);
    if (!entry) {
      // Equal scenarios built separately (advise's own rule, `sim run`'s scenario) share results.
      entry = { id: this.nextId++, key: JSON.stringify(scenario) };
      this.keys.set(scenario, entry);
    }
    return entry;
  }

  /** A scenario's identity for the remembered results: its JSON (equal scenarios built apart are the same). */
  scenarioKey(scenario: Scenario): string {
    return this.entryOf(scenario).key;
  }

  private idOf(scenario: Scenario): number {
    return this.entryOf(scenario).id;
  }

  private keyOf(task: ReplicationTask): string {
    // A replication with advise's shadow waits (task.probes) carries more than one without.
    return `${task.seed}/${task.index}/${task.probes?.join(",") ?? ""}/${this.entryOf(task.scenario).key}`;
  }

  private remember(task: ReplicationTask, result: ReplicationResult): void {
    this.remembered.set(this.keyOf(task), result);
    if (this.remembered.size > REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
  }
}
