// Independent tasks on several threads, this one included: `sim merge` reads its partial files
// this way (cli/partials.ts) and summarises a sweep's points (summary-threads.ts). Each worker is
// a module that calls answerTasks; a task's value comes back by structured clone, so it must be
// plain data. Unlike pool.ts (replications, shared state, precision), these tasks are one-shot.
import { parentPort, Worker } from "node:worker_threads";

/** What a worker posts back for a task: its value, or the stack of what it threw. */
export type TaskReply<R> = { index: number; value: R } | { index: number; error: string };

/** A task as a worker receives it. */
export interface TaskMessage<T> {
  index: number;
  task: T;
}

export interface ThreadedTasks<T, R> {
  /** The worker module (from workerModule), which calls answerTasks with `run`. */
  url: URL;
  count: number;
  /** Threads in all, this one included; one thread runs every task here, in order. */
  threads: number;
  /** Task `index`'s message: built when it is handed out, so that only tasks in hand are held. */
  task: (index: number) => T;
  run: (task: T) => R;
  /** The task in a failure's message: "summarising point 3". */
  what: (index: number) => string;
  /** Told each task done, for progress. */
  onDone?: (done: number, count: number) => void;
}

/** Tasks a worker holds beyond the one it runs, so that it never waits for this thread. */
const AHEAD = 1;

/**
 * A compiled worker module: `path` under dist/ (such as "experiment/summary-worker.js"). From
 * dist/ (and in the flat dist/bundle/) the worker sits beside the module that starts it, `here`;
 * from TypeScript sources (vitest) the built copy in dist/ is used.
 */
export function workerModule(here: string, path: string): URL {
  return here.endsWith(".ts")
    ? new URL(`../../dist/${path}`, here)
    : new URL(`./${path.slice(path.lastIndexOf("/") + 1)}`, here);
}

/**
 * Run tasks 0 … count−1 on `threads` threads, this one included, and give their values in task
 * order. Workers take tasks as they finish them; this thread runs one a turn of the event loop,
 * so that the workers' replies are read between. Any task that throws, here or in a worker,
 * rejects the promise, and every worker is terminated.
 */
export function runInThreads<T, R>(options: ThreadedTasks<T, R>): Promise<R[]> {
  const { url, count, task, run, what, onDone } = options;
  const helpers = Math.min(options.threads - 1, count - 1);
  const values: R[] = new Array(count);
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
      else resolve(values);
    };
    const record = (index: number, value: R) => {
      values[index] = value;
      done++;
      onDone?.(done, count);
      if (done === count) end(null);
    };
    if (count === 0) return end(null);
    const give = (worker: Worker) => {
      if (next < count) {
        const index = next++;
        worker.postMessage({ index, task: task(index) } satisfies TaskMessage<T>);
      }
    };
    for (let i = 0; i < helpers; i++) {
      const worker = new Worker(url);
      workers.push(worker);
      worker.on("message", (reply: TaskReply<R>) => {
        if ("error" in reply) return end(new Error(`${what(reply.index)} in a thread: ${reply.error}`));
        record(reply.index, reply.value);
        give(worker);
      });
      worker.on("error", (error) => end(error));
      worker.on("exit", (code) =>
        end(new Error(`a worker thread stopped (exit code ${code}) before its tasks were done`)),
      );
      for (let k = 0; k <= AHEAD; k++) give(worker);
    }
    const own = () => {
      while (!settled && next < count) {
        const index = next++;
        try {
          record(index, run(task(index)));
        } catch (error) {
          return end(error as Error);
        }
        if (helpers > 0) return void setImmediate(own);
      }
    };
    own();
  });
}

/** A worker module's side of runInThreads: answer each task with run's value, or its error's stack. */
export function answerTasks<T, R>(run: (task: T) => R): void {
  const port = parentPort;
  if (!port) throw new Error("a task worker must run in a worker thread");
  port.on("message", ({ index, task }: TaskMessage<T>) => {
    let reply: TaskReply<R>;
    try {
      reply = { index, value: run(task) };
    } catch (error) {
      reply = { index, error: (error as Error).stack ?? String(error) };
    }
    port.postMessage(reply);
  });
}
