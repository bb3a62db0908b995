// Worker threads of a pool that fills the cores compile their hot code in their own thread
// (worker-threads.ts, compileInlineIfFull). V8's flag is process-wide and read when an isolate is
// made, so the order below matters: the checks that leave it alone come first. Vitest runs each
// test file in a process of its own, so no other file sees the flag. startWorkers' part is in
// worker-compile-start.test.ts, in a process of its own too.
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { compileInlineIfFull, takeWorker } from "../../dist/experiment/worker-threads.js";
import { thisThreadCompilesInBackground, workerCompilesInBackground } from "../helpers/v8-maps.js";

describe("compileInlineIfFull", () => {
  it("leaves workers their background compiler while a core is idle", async () => {
    expect(thisThreadCompilesInBackground()).toBe(true);
    expect(await workerCompilesInBackground()).toBe(true);
    expect(compileInlineIfFull(2, 4)).toBe(false);
    expect(compileInlineIfFull(3, 4)).toBe(false);
    // One thread has no workers.
    expect(compileInlineIfFull(1, 1)).toBe(false);
    expect(await workerCompilesInBackground()).toBe(true);
  });

  it("makes later workers compile in-line once the threads fill the cores; this thread keeps its own", async () => {
    // A pool of 2 threads takes a new worker: this thread and it fill a machine of at most 2 cores.
    await takeWorker(2).terminate();
    expect(await workerCompilesInBackground()).toBe(availableParallelism() > 2);
    expect(compileInlineIfFull(4, 4)).toBe(true);
    expect(await workerCompilesInBackground()).toBe(false);
    // Set once, for good.
    expect(compileInlineIfFull(2, 8)).toBe(true);
    expect(thisThreadCompilesInBackground()).toBe(true);
  });
});
