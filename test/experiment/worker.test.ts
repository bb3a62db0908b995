// The worker entry: one message in, one replication's result (or its error) out.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario } from "../../src/model/replication.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

function ask(worker: Worker, message: unknown): Promise<{ task: number; result?: unknown; error?: string }> {
  return new Promise((resolve) => {
    worker.once("message", resolve);
    worker.postMessage(message);
  });
}

describe("experiment/worker", () => {
  it("answers each task with the result this thread computes", async () => {
    const scenario = parseScenario(smallScenario());
    const worker = new Worker(new URL("../../dist/experiment/worker.js", import.meta.url));
    try {
      for (const index of [2, 0]) {
        const reply = await ask(worker, { task: 9, scenarioId: 1, scenario, seed: 7, index });
        expect(reply.task).toBe(9);
        const expected = runReplication(new CompiledScenario(scenario), 7, index);
        expect(JSON.stringify(reply.result)).toBe(JSON.stringify(expected));
      }
      const bad = await ask(worker, {
        task: 3,
        scenarioId: 2,
        scenario: { ...scenario, recipients: { domains: -1, zipf: 1 } },
        seed: 7,
        index: 0,
      });
      expect(bad.task).toBe(3);
      expect(typeof bad.error).toBe("string");
    } finally {
      await worker.terminate();
    }
  });
});
