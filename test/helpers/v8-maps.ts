// Whether two objects share V8's hidden class (map), for tests of hot-path classes that must keep
// one shape from construction on: a number field first stored as a small integer and later
// widened to a double replaces the class's map, and loops compiled against the old map were
// deoptimised when the next replication built its objects (docs/performance.md, branch lc-ratio).
// Also V8's optimisation controls, for tests that code compiled on a replication's usual values
// is not deoptimised by the values of another's start (branch run-rows). And whether a thread's
// isolate has V8's background compiler, for worker-threads.ts's compileInlineIfFull.
import v8 from "node:v8";
import { Worker } from "node:worker_threads";

v8.setFlagsFromString("--allow-natives-syntax");

/** %HaveSameMap(a, b), compiled after the flag is set. */
export const sameMap = new Function("a", "b", "return %HaveSameMap(a, b);") as (a: object, b: object) => boolean;

const optimizationStatus = new Function("f", "return %GetOptimizationStatus(f);") as (f: unknown) => number;
/** %PrepareFunctionForOptimization(f): gives f a feedback vector now (V8 allocates it lazily). */
export const prepareForOptimization = new Function("f", "%PrepareFunctionForOptimization(f);") as (f: unknown) => void;
/** %OptimizeFunctionOnNextCall(f): f's next call compiles it with TurboFan on the feedback so far. */
export const optimizeOnNextCall = new Function("f", "%OptimizeFunctionOnNextCall(f);") as (f: unknown) => void;
/** Whether f runs optimised code (V8's OptimizationStatus bit kOptimized, 1 << 4). */
export const isOptimized = (f: unknown): boolean => (optimizationStatus(f) & (1 << 4)) !== 0;

/** Whether this thread compiles on V8's background thread (%IsConcurrentRecompilationSupported()). */
export const thisThreadCompilesInBackground = new Function(
  "return %IsConcurrentRecompilationSupported()",
) as () => boolean;

const PROBE = `
  const { setFlagsFromString } = require("node:v8");
  setFlagsFromString("--allow-natives-syntax");
  const inBackground = new Function("return %IsConcurrentRecompilationSupported()")();
  require("node:worker_threads").parentPort.postMessage(inBackground);
`;

/** Whether a worker thread started now compiles on V8's background thread. */
export async function workerCompilesInBackground(): Promise<boolean> {
  const worker = new Worker(PROBE, { eval: true });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  } finally {
    await worker.terminate();
  }
}
