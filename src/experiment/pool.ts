// A small pool of worker threads that runs replications (scenario, seed, index) and returns
// their results in task order. Each replication depends only on (seed, index) (DESIGN §2), so
// which thread ran it never shows in the results: summaries are byte-identical for any size.
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { CompiledScenario } from "../model/replication.js";
import type { Scenario } from "../scenario/schema.js";
import { CLOCK_WATCH_EVERY, runReplication } from "./replicate.js";
import type { ReplicationResult } from "./result.js";
import { takeWorker } from "./worker-threads.js";

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
  /**
   * Its run's priority (ReplicationPool.run): the worker starts its queued tasks lowest first,
   * so a task of advise's own curve sent behind a second of the table's starts next, not last.
   * Absent counts as 0 (the page's pool, web/pool.ts, serves one call at a time).
   */
  priority?: number;
}

/**
 * A task; a request to give back up to `reclaim` tasks not started yet; or the cell (one Int32)
 * in which the pool also writes that count, which the worker reads while it simulates (at each
 * look at the clock, every CLOCK_WATCH_EVERY events) so that it answers within milliseconds, not
 * after the replication it is running. Of the cell and the message, the first read answers.
 */
export type PoolMessage = TaskMessage | { reclaim: number } | { reclaimCell: SharedArrayBuffer };

/** A result (with the milliseconds it took), an error, or how far a running replication has got (simulated seconds). */
export type WorkerReply =
  | { task: number; result: ReplicationResult; ms?: number }
  | { task: number; error: string }
  | { task: number; simulated: number };

/** What worker.ts posts: a WorkerReply, or the tasks it gives back after a reclaim (never started). */
export type ThreadReply = WorkerReply | { returned: number[] };

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

function taskAt(tasks: TaskList, i: number): ReplicationTask {
  const task = tasks.at(i);
  if (task === undefined) throw new RangeError(`ReplicationPool: no task ${i} of ${tasks.length}`);
  return task;
}

/**
 * At least two tasks in flight per worker hide the message round trip (a result crosses threads
 * in tens of microseconds). But a worker gets its next task only when this thread reads its
 * reply, and this thread is busy for a while at a time: a replication of its own, a sweep
 * point's summary, advise's intervals of a curve, a chart. So a worker holds enough short tasks
 * to cover DEPTH_MS of work (at most MAX_IN_FLIGHT), or it idles while this thread is busy
 * (12–24 % of a sweep's worker time with two in flight, 45 % of advise's for seconds). When this
 * thread runs out of tasks while a worker still holds some it has not started, it takes half
 * of them back (a reclaim), so the depth costs no idle tail at the end of a run.
 */
const IN_FLIGHT = 2;
const MAX_IN_FLIGHT = 64;
const DEPTH_MS = 1000;
/**
 * What a worker holds before the first task's time is known. This thread's first replication is
 * its coldest (the compiler has yet to see the model), and it reads no reply until that is done:
 * with two, `sim advise`'s worker ran its two and idled 50–110 ms while this thread ran its own.
 */
const FIRST_FILL = 4;
/**
 * About what a thread's first replication of a scenario costs, in the scenario's replications on
 * a thread already warm on it: 60–300 ms against 5–20 (`sim advise scenarios/18of20.json`). A
 * thread starts a scenario another thread has started only for more tasks than this (take), and
 * this thread asks a worker for such tasks back only when it holds twice as many (reclaim): only
 * then does sharing them end the run sooner.
 */
const FIRST_RUN_TASKS = 12;

/** One call of `run`: its tasks, where they stand, and whom to tell. */
interface Job {
  readonly tasks: TaskList;
  readonly priority: number;
  /** Order of arrival, to break priority ties (first come, first served). */
  readonly order: number;
  readonly results: ReplicationResult[];
  /** The next task to hand out. */
  next: number;
  /** That task, once made because `take` looked at its scenario (a lazy TaskList makes each task once). */
  made?: ReplicationTask;
  /**
   * Tasks a worker gave back unstarted (reclaim), as made when first sent (a lazy TaskList makes
   * each task once): handed out again before `next`.
   */
  readonly returned: Taken[];
  done: number;
  readonly onResult?: ProgressCallback;
  readonly onTask?: TaskCallback;
  /** Simulated share of each of its tasks in flight, and their horizons (looked up once). */
  readonly running: Map<number, number>;
  readonly horizons: Map<number, number>;
  readonly resolve: (results: ReplicationResult[]) => void;
  readonly reject: (error: Error) => void;
}

/** Which of its job's tasks, and the task as made (to hand out again if it comes back unstarted). */
interface Taken {
  task: number;
  made: ReplicationTask;
}

/** A task handed to a worker thread. */
interface Sent extends Taken {
  job: Job;
  thread: Worker;
}

/** The task `take` would hand out next from `job` (a returned one first, when `returned`), not yet taken. */
function upNext(job: Job, returned: boolean): Taken | undefined {
  if (returned && job.returned.length > 0) return job.returned[job.returned.length - 1];
  if (job.next >= job.tasks.length) return undefined;
  job.made ??= taskAt(job.tasks, job.next);
  return { task: job.next, made: job.made };
}

/** Hand out the task upNext named. */
function takeFrom(job: Job, returned: boolean): Taken & { job: Job } {
  const back = returned ? job.returned.pop() : undefined;
  if (back !== undefined) return { job, ...back };
  const task = job.next++;
  const made = job.made ?? taskAt(job.tasks, task);
  job.made = undefined;
  return { job, task, made };
}

/** Tasks of `job` not handed out yet, given back ones included. */
function tasksLeft(job: Job): number {
  return job.tasks.length - job.next + job.returned.length;
}

/** The set kept for `thread` in `sets`, made on first use. */
function setOf(sets: Map<Worker, WeakSet<Scenario>>, thread: Worker): WeakSet<Scenario> {
  let set = sets.get(thread);
  if (!set) {
    set = new WeakSet();
    sets.set(thread, set);
  }
  return set;
}

function inFlightShare(job: Job): number {
  let sum = 0;
  for (const share of job.running.values()) sum += share;
  return sum;
}

/**
 * N simulating threads are this thread and N − 1 workers. This thread starts simulating at
 * once while the workers boot (loading modules takes a few hundred ms), and a worker's JIT
 * warm-up is not paid for a thread that is already warm: both matter on few cores.
 *
 * Several `run` calls may be in progress at once (advise runs its policies' curves side by
 * side): their tasks share the threads, lowest `priority` first, then first come first served,
 * so no thread waits for one curve's batch to end while another curve has work. Each call's
 * results come back in its own task order and depend only on its tasks (DESIGN §2), never on
 * what else ran beside them.
 */
export class ReplicationPool {
  /** Number of threads that simulate, this one included: 1 means no workers. */
  readonly size: number;
  private readonly threads: Worker[] = [];
  private readonly inFlight = new Map<Worker, number>();
  private readonly ids = new WeakMap<Scenario, number>();
  private readonly compiledHere = new WeakMap<Scenario, CompiledScenario>();
  /** Scenarios this thread has run, and those each worker was sent: where each is warm (take). */
  private readonly warmHere = new WeakSet<Scenario>();
  private readonly warmWorkers = new Map<Worker, WeakSet<Scenario>>();
  /** Threads (null: this one) that have taken a task. */
  private readonly begun = new Set<Worker | null>();
  /** Scenarios of which each worker has returned a result: it has run them (reclaim). */
  private readonly ranWorkers = new Map<Worker, WeakSet<Scenario>>();
  private nextId = 0;
  private jobs: Job[] = [];
  private jobCount = 0;
  /** Tasks in flight on worker threads, by message number. */
  private readonly sent = new Map<number, Sent>();
  private nextMessage = 0;
  /** Moving average of a task's simulation time (ms), 0 before the first: sets each worker's depth. */
  private taskMs = 0;
  /** This thread's simulation loop is scheduled (setImmediate) or running. */
  private hereScheduled = false;
  /** Workers asked to give back tasks, whose answer has not come. */
  private readonly reclaiming = new Set<Worker>();
  /** Each worker's reclaim cell (PoolMessage): how many tasks it is asked to give back. */
  private readonly reclaimCells = new Map<Worker, Int32Array>();
  /** Work of this thread's own in progress (yieldThread): while any, it simulates nothing. */
  private busyHere = 0;
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
   * `priority`: among calls in progress at once, the lowest is served first (default 0).
   */
  run(tasks: TaskList, onResult?: ProgressCallback, onTask?: TaskCallback, priority = 0): Promise<ReplicationResult[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (tasks.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const job: Job = {
        tasks,
        priority,
        order: this.jobCount++,
        results: new Array<ReplicationResult>(tasks.length),
        next: 0,
        returned: [],
        done: 0,
        onResult,
        onTask,
        running: new Map(),
        horizons: new Map(),
        resolve,
        reject,
      };
      this.jobs.push(job);
      this.jobs.sort((a, b) => a.priority - b.priority || a.order - b.order);
      this.startThreads();
      this.dispatch();
    });
  }

  /**
   * This thread has other work until `work` settles (advise's charts: importing vega, drawing):
   * meanwhile it takes no replication, and the workers take every task, those given back to it
   * too. Otherwise it would run a replication in each of its turns, and work that needs many
   * turns (an import reads its files in several) would stretch over seconds — the charts into the
   * tail of the run — while tasks it took back from a worker wait for it. `work` must not wait for
   * this pool's results, or nothing would run them. Without worker threads this thread keeps
   * simulating: nothing else could. Results are the same either way; only who runs what changes.
   */
  yieldThread(work: Promise<unknown>): void {
    if (this.size === 1 || this.broken) return;
    this.busyHere++;
    this.startThreads(1);
    this.dispatch();
    const done = () => {
      this.busyHere--;
      this.dispatch();
    };
    work.then(done, done);
  }

  /** Stop the worker threads. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.fail(new Error("ReplicationPool: closed"));
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.terminate()));
  }

  /** Break the pool: every call in progress rejects, and later ones too. */
  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    const jobs = this.jobs;
    this.jobs = [];
    this.sent.clear();
    for (const job of jobs) job.reject(error);
    // Tasks may still be in flight on some thread: this pool cannot be reused.
    if (error.message !== "ReplicationPool: closed") void this.close();
  }

  /**
   * Threads start lazily, as many as the tasks waiting can keep busy (at least `least`), and stay
   * for later runs.
   */
  private startThreads(least = 0): void {
    let waiting = 0;
    for (const job of this.jobs) waiting += job.tasks.length - job.next + job.returned.length;
    const wanted = Math.min(this.size - 1, Math.max(least, Math.ceil(waiting / IN_FLIGHT)));
    while (this.threads.length < wanted) {
      // One started early by the `sim` entry point (worker-threads.ts), or a new one.
      const thread = takeWorker(this.size);
      this.threads.push(thread);
      this.inFlight.set(thread, 0);
      thread.on("message", (reply: ThreadReply) => this.received(thread, reply));
      thread.on("error", (error: Error) => this.fail(error));
      thread.on("exit", (code: number) => this.fail(new Error(`a replication worker exited with code ${code}`)));
      const cell = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
      this.reclaimCells.set(thread, new Int32Array(cell));
      thread.postMessage({ reclaimCell: cell } satisfies PoolMessage);
    }
  }

  /**
   * The next task for `thread` (null: this thread), by priority. Tasks a worker gave back go to
   * this thread first; a worker takes them (`returned`) only when it is down to fewer than two, as
   * when this thread is slower than it (it also summarises and draws), or when this thread yields
   * (yieldThread): no thread then idles while the other holds work.
   *
   * A thread passes over a run whose next task is of a scenario it has never run while another
   * thread has (`foreign`), as long as it finds another task: a thread's first replications of a
   * scenario are its slowest (the compiler meets the policy's code, the scenario's tables are
   * built), 60–300 ms against 5–20 warm in `sim advise scenarios/18of20.json`, whose threads both
   * went through the table's policies in priority order and so each paid for most of them: one
   * ran a policy's first one to fifteen replications while the other ran the rest. When only such
   * runs are left, it takes from the first unless few of its tasks are left (FIRST_RUN_TASKS):
   * then it leaves them to the warm thread, and waits. Which thread runs a task never shows in
   * its result (DESIGN §2).
   */
  private take(thread: Worker | null, returned: boolean): (Taken & { job: Job }) | null {
    let passed: Job | null = null;
    for (const job of this.jobs) {
      const next = upNext(job, returned);
      if (next === undefined) continue;
      // Tasks given back were asked for by this thread, and the worker gives back first those
      // of scenarios it has not started (worker.ts).
      const asked = thread === null && returned && job.returned.length > 0;
      if (asked || !this.foreign(thread, next.made.scenario)) return takeFrom(job, returned);
      passed ??= job;
    }
    if (passed === null) return null;
    // While this thread yields (advise's charts) a worker takes its scenarios too, once it has
    // nothing else: passed over before, they were left for this thread when it came back.
    if (thread !== null && this.busyHere > 0) return takeFrom(passed, returned);
    // A few tasks left are quicker run where the scenario is warm: the thread that holds them
    // runs them in less time than this one's first replication would take.
    if (tasksLeft(passed) <= FIRST_RUN_TASKS) return null;
    return takeFrom(passed, returned);
  }

  /**
   * `thread` (null: this one) has run tasks but never of `scenario`, and another thread has (this
   * one counts while it yields too: take lets a worker have its scenarios once nothing else is
   * left). A thread's very first replication is slow whatever its scenario (the compiler meets
   * the model's code), so it takes the most urgent task: advise's own curve, whose charts wait
   * for it, is then shared by both threads from the start.
   */
  private foreign(thread: Worker | null, scenario: Scenario): boolean {
    if (!this.begun.has(thread) || this.warmIn(thread).has(scenario)) return false;
    if (thread !== null && this.warmHere.has(scenario)) return true;
    return this.threads.some((other) => other !== thread && this.warmIn(other).has(scenario));
  }

  private warmIn(thread: Worker | null): WeakSet<Scenario> {
    return thread === null ? this.warmHere : setOf(this.warmWorkers, thread);
  }

  private ranIn(thread: Worker): WeakSet<Scenario> {
    return setOf(this.ranWorkers, thread);
  }

  /**
   * Out of tasks here: ask each worker holding tasks not yet started (one is running) for half of
   * what it holds. It answers while it simulates (the reclaim cell), so even the one task queued
   * behind its running one comes back at once, and both threads finish a run together instead
   * of this one idling through the worker's last two replications.
   */
  private reclaim(): void {
    // Not while this thread yields: it would hold them unstarted.
    if (this.busyHere > 0) return;
    for (const thread of this.threads) {
      const held = this.inFlight.get(thread) ?? 0;
      if (held < 2 || this.reclaiming.has(thread)) continue;
      // A worker's last few tasks of scenarios it has run and this thread has not stay with it
      // (FIRST_RUN_TASKS): this thread would still be in its first while the worker ran them all.
      if (held <= 2 * FIRST_RUN_TASKS && !this.holdsMovable(thread)) continue;
      this.reclaiming.add(thread);
      const count = Math.floor(held / 2);
      const cell = this.reclaimCells.get(thread);
      if (cell) Atomics.store(cell, 0, count);
      thread.postMessage({ reclaim: count } satisfies PoolMessage);
    }
  }

  /** Whether `thread` holds a task of a scenario this thread has run, or one it has not run itself. */
  private holdsMovable(thread: Worker): boolean {
    const ran = this.ranIn(thread);
    for (const sent of this.sent.values()) {
      if (sent.thread !== thread) continue;
      const { scenario } = sent.made;
      if (this.warmHere.has(scenario) || !ran.has(scenario)) return true;
    }
    return false;
  }

  /** Fill every worker up to its depth, and make sure this thread simulates while work remains. */
  private dispatch(): void {
    if (this.broken) return;
    for (const thread of this.threads) this.fill(thread);
    this.scheduleHere();
  }

  /**
   * How many tasks each worker holds: DEPTH_MS of work at the average task time, within
   * [IN_FLIGHT, MAX_IN_FLIGHT]; FIRST_FILL before the first task's time is known.
   */
  private depth(): number {
    if (this.taskMs <= 0) return FIRST_FILL;
    return Math.min(MAX_IN_FLIGHT, Math.max(IN_FLIGHT, Math.ceil(DEPTH_MS / this.taskMs) + 1));
  }

  private timed(ms: number | undefined): void {
    if (ms === undefined || !(ms >= 0)) return;
    this.taskMs = this.taskMs === 0 ? ms : 0.8 * this.taskMs + 0.2 * ms;
  }

  private fill(thread: Worker): void {
    const depth = this.depth();
    while ((this.inFlight.get(thread) ?? 0) < depth) {
      const held = this.inFlight.get(thread) ?? 0;
      const next = this.take(thread, held < IN_FLIGHT || this.busyHere > 0);
      if (!next) return;
      this.send(thread, next.job, next.task, next.made);
    }
  }

  private send(thread: Worker, job: Job, task: number, made: ReplicationTask): void {
    const { scenario, seed, index, probes } = made;
    job.horizons.set(task, scenario.horizon);
    this.warmIn(thread).add(scenario);
    this.begun.add(thread);
    const id = this.nextMessage++;
    this.sent.set(id, { job, task, made, thread });
    this.inFlight.set(thread, (this.inFlight.get(thread) ?? 0) + 1);
    const message: TaskMessage = {
      task: id,
      scenarioId: this.idOf(scenario),
      scenario,
      seed,
      index,
      probes,
      priority: job.priority,
    };
    thread.postMessage(message);
  }

  private received(thread: Worker, reply: ThreadReply): void {
    if ("returned" in reply) {
      this.reclaiming.delete(thread);
      for (const id of reply.returned) {
        const back = this.sent.get(id);
        if (!back) continue;
        this.sent.delete(id);
        this.inFlight.set(thread, (this.inFlight.get(thread) ?? 1) - 1);
        back.job.horizons.delete(back.task);
        back.job.returned.push({ task: back.task, made: back.made });
      }
      // They were given back for this thread, which is out of work: not to the same worker again
      // (it holds fewer than two now, and would take them back at once).
      if (this.broken) return;
      for (const other of this.threads) if (other !== thread) this.fill(other);
      this.scheduleHere();
      return;
    }
    const sent = this.sent.get(reply.task);
    if (!sent || this.broken) return;
    const { job, task } = sent;
    if ("error" in reply) {
      this.fail(new Error(`replication ${sent.made.index} failed in a worker: ${reply.error}`));
      return;
    }
    if ("simulated" in reply) {
      this.progress(job, task, reply.simulated);
      return;
    }
    this.sent.delete(reply.task);
    this.inFlight.set(thread, (this.inFlight.get(thread) ?? 1) - 1);
    this.ranIn(thread).add(sent.made.scenario);
    this.timed(reply.ms);
    // The worker gets its next task before this thread does anything with the result.
    this.fill(thread);
    this.finished(job, task, reply.result);
  }

  /** A task's result is in: record it, report it, and settle its job when it was the last. */
  private finished(job: Job, task: number, result: ReplicationResult): void {
    job.running.delete(task);
    job.horizons.delete(task);
    job.results[task] = result;
    job.done++;
    job.onResult?.(job.done, job.tasks.length, inFlightShare(job));
    try {
      job.onTask?.(task, result);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (job.done === job.tasks.length) {
      this.jobs = this.jobs.filter((j) => j !== job);
      job.resolve(job.results);
    }
  }

  private progress(job: Job, task: number, simulated: number): void {
    if (!job.onResult) return;
    job.running.set(task, Math.min(1, simulated / (job.horizons.get(task) ?? Number.POSITIVE_INFINITY)));
    job.onResult(job.done, job.tasks.length, inFlightShare(job));
  }

  /**
   * This thread takes one task at a time, yielding between tasks (setImmediate) so that results
   * arriving from workers are received and their next tasks sent without delay, and so that an
   * interrupt (SIGINT) is handled promptly.
   */
  private scheduleHere(): void {
    if (this.hereScheduled || this.broken || this.busyHere > 0) return;
    // Out of work or not, it looks at its own turn: a caller may start more runs before then
    // (advise starts its curves in one go), and a worker's first fill (FIRST_FILL) may hold all
    // of the first run's tasks — asked back at once, one of them came back to run here.
    this.hereScheduled = true;
    setImmediate(() => {
      this.hereScheduled = false;
      if (this.broken || this.busyHere > 0) return;
      const next = this.take(null, true);
      if (!next) {
        this.reclaim();
        return;
      }
      const { job, task, made: here } = next;
      this.warmHere.add(here.scenario);
      this.begun.add(null);
      let result: ReplicationResult;
      try {
        job.horizons.set(task, here.scenario.horizon);
        const onClock = job.onResult && ((t: number) => this.progress(job, task, t));
        const started = performance.now();
        result = this.simulateHere(here, onClock);
        this.timed(performance.now() - started);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      this.finished(job, task, result);
      this.scheduleHere();
    });
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

  private idOf(scenario: Scenario): number {
    let id = this.ids.get(scenario);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(scenario, id);
    }
    return id;
  }
}
