// The `sim` entry point's workers (startWorkers) compile in-line when they and this thread fill the
// cores, as a pool's new workers do (worker-compile.test.ts; a file of its own, since V8's flag,
// once set, is set for the whole process).
import { availableParallelism } from "node:os";
import { expect, it } from "vitest";
import { startWorkers, takeWorker } from "../../dist/experiment/worker-threads.js";
import { workerCompilesInBackground } from "../helpers/v8-maps.js";

it("startWorkers(count) for count + 1 threads that fill the cores makes workers compile in-line", async () => {
  expect(await workerCompilesInBackground()).toBe(true);
  startWorkers(1);
  await takeWorker(2).terminate();
  expect(await workerCompilesInBackground()).toBe(availableParallelism() > 2);
});
