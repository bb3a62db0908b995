// Starting the replication pool's worker threads, kept apart from pool.ts so that the `sim`
// entry point can start them before it loads the CLI (yargs, zod, the model: about half a
// second): a worker then loads its own modules while the main thread loads and parses, instead
// of after. Imports nothing but Node's worker_threads, os and v8.
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";

/**
 * A worker thread's module, `path` under dist/ ("experiment/worker.js"), for the module `here`
 * (its import.meta.url) that starts it. Worker threads run compiled JavaScript: from dist/, and in
 * the flat dist/bundle/, the worker sits beside that module; from TypeScript sources (vitest),
 * the built copy in dist/ is used instead.
 */
export function workerModule(here: string, path: string): URL {
  return here.endsWith(".ts")
    ? new URL(`../../dist/${path}`, here)
    : new URL(`./${path.slice(path.lastIndexOf("/") + 1)}`, here);
}

const workerUrl = (): URL => workerModule(import.meta.url, "experiment/worker.js");

/** Whether the workers started from now on compile their hot code on their own thread (compileInlineIfFull). */
let inlineCompiles = false;

/**
 * Before workers start for a pool of `threads` simulating threads (this one included): when they
 * fill the machine's `cores`, the workers started from then on compile their hot code in their own
 * thread, as V8 does with --no-concurrent-recompilation, instead of on V8's background compiler
 * thread. With every core simulating, that background thread has no idle core to run on: it took
 * CPU from the simulating threads while they ran slower code waiting for it. Measured on 2 cores
 * (docs/performance.md, section "2026-12-02 inline"): `sim advise scenarios/18of20.json` 8 % less
 * CPU and 9 % less wall time (8 pairs, every one lower). With a core idle, the background thread
 * is free and stays.
 *
 * V8 reads the flag when it creates an isolate, to give the isolate a background compiler or not:
 * this thread's isolate, created before, keeps its own (its compiles overlap the workers' start and
 * the charts). The flag is process-wide and stays set: workers are started only for the pool.
 * Returns whether workers now compile in-line.
 */
export function compileInlineIfFull(threads: number, cores: number = availableParallelism()): boolean {
  if (!inlineCompiles && threads > 1 && threads >= cores) {
    setFlagsFromString("--no-concurrent-recompilation");
    inlineCompiles = true;
  }
  return inlineCompiles;
}

/** A worker started early, not yet taken by a pool; `failed` once it errored or exited. */
interface Spare {
  worker: Worker;
  failed: boolean;
}

const spares: Spare[] = [];

/**
 * Start `count` worker threads for a pool to take later (takeWorker). Unreferenced until taken:
 * a command that fails, or needs fewer threads, exits without waiting for them.
 */
export function startWorkers(count: number): void {
  compileInlineIfFull(count + 1);
  for (let i = 0; i < count; i++) {
    const spare: Spare = { worker: new Worker(workerUrl()), failed: false };
    spare.worker.unref();
    // Until a pool listens, an error must not go unhandled; the pool then starts a fresh thread.
    spare.worker.once("error", () => {
      spare.failed = true;
    });
    spare.worker.once("exit", () => {
      spare.failed = true;
    });
    spares.push(spare);
  }
}

/** How many workers started early wait for a pool. */
export function waitingWorkers(): number {
  return spares.length;
}

/**
 * A worker thread for a pool of `threads` simulating threads (this one included): one started early
 * if any is still healthy, else a new one.
 */
export function takeWorker(threads: number): Worker {
  for (let spare = spares.shift(); spare; spare = spares.shift()) {
    if (spare.failed) {
      void spare.worker.terminate();
      continue;
    }
    spare.worker.removeAllListeners("error");
    spare.worker.removeAllListeners("exit");
    spare.worker.ref();
    return spare.worker;
  }
  compileInlineIfFull(threads);
  return new Worker(workerUrl());
}

/** Commands whose work runs on the replication pool (sim run with --attempts or --maillog does not). */
const POOLED = new Set(["run", "sweep", "advise", "compare"]);

/**
 * How many worker threads `sim ARGS` will want, read from the raw arguments before the CLI
 * parses them: the --workers value minus this thread, or one per core minus one; 0 when the
 * command does not use the pool, asks for help, or has a --workers value the CLI will refuse.
 */
export function workersWanted(argv: readonly string[]): number {
  const command = argv.find((a) => !a.startsWith("-"));
  if (command === undefined || !POOLED.has(command)) return 0;
  if (argv.some((a) => a === "--help" || a === "-h" || a === "--version")) return 0;
  if (argv.some((a) => a === "--attempts" || a === "--maillog" || a.startsWith("--maillog="))) return 0;
  let workers = availableParallelism();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let value: string | undefined;
    if (a === "--workers" || a === "-w") value = argv[i + 1];
    else if (a.startsWith("--workers=")) value = a.slice("--workers=".length);
    else continue;
    const n = Number(value);
    if (!(Number.isSafeInteger(n) && n >= 1)) return 0;
    workers = n;
  }
  return workers - 1;
}
