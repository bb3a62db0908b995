// The worker entry: one message in, one replication's result (or its error) out; a reclaim
// gives back tasks not started, each task answered exactly once either way.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario } from "../../src/model/replication.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

/**
 * A worker given a reclaim cell, and its replies (results and the tasks it gives back, one such
 * reply expected); `answered` settles once every one of `tasks` was answered or given back.
 */
function reclaimable(worker: Worker, tasks: number) {
  const replies: Array<{ task?: number; returned?: number[] }> = [];
  const answered = new Promise<void>((resolve) => {
    worker.on("message", (reply: { task?: number; returned?: number[]; simulated?: number }) => {
      if (reply.simulated !== undefined) return;
      replies.push(reply);
      const back = replies.reduce((n, r) => n + (r.returned?.length ?? 0), 0);
      if (replies.length - 1 + back === tasks) resolve();
    });
  });
  const cell = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({ reclaimCell: cell.buffer });
  return { replies, answered, cell };
}

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
  it("gives back on a reclaim only tasks it has not started, and answers every other task once", async () => {
    const scenario = parseScenario(smallScenario());
    const worker = new Worker(new URL("../../dist/experiment/worker.js", import.meta.url));
    try {
      const answered: number[] = [];
      let returned: number[] | null = null;
      const all = new Promise<void>((resolve) => {
        worker.on("message", (reply: { task?: number; result?: unknown; returned?: number[] }) => {
          if (reply.returned) returned = reply.returned;
          else if (reply.result !== undefined && reply.task !== undefined) answered.push(reply.task);
          if (returned !== null && answered.length + returned.length === 6) resolve();
        });
      });
      for (let task = 0; task < 6; task++) {
        worker.postMessage({ task, scenarioId: 1, scenario, seed: 7, index: task });
      }
      worker.postMessage({ reclaim: 3 });
      await all;
      const back = returned as unknown as number[];
      expect(back.length).toBeLessThanOrEqual(3);
      // The last ones queued go back; the others are answered, none twice.
      expect([...answered, ...back].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      for (const t of back) expect(t).toBeGreaterThanOrEqual(3);
    } finally {
      await worker.terminate();
    }
  });

  it("answers a reclaim written in its cell while it simulates, before that replication ends, and once", async () => {
    // 297,005 events: it looks at the clock (every 65,536) four times before it ends.
    const long = parseScenario(smallScenario({ horizon: "60d", traffic: { senders: 60, rate: "60/d" } }));
    const scenario = parseScenario(smallScenario());
    const worker = new Worker(new URL("../../dist/experiment/worker.js", import.meta.url));
    try {
      const replies: Array<{ task?: number; result?: unknown; returned?: number[] }> = [];
      let wake = () => {};
      worker.on("message", (reply: { task?: number; result?: unknown; returned?: number[]; simulated?: number }) => {
        if (reply.simulated !== undefined) return;
        replies.push(reply);
        wake();
      });
      const replied = (n: number) =>
        new Promise<void>((resolve) => {
          wake = () => replies.length >= n && resolve();
          wake();
        });
      const cell = new Int32Array(new SharedArrayBuffer(4));
      worker.postMessage({ reclaimCell: cell.buffer });
      worker.postMessage({ task: 0, scenarioId: 1, scenario: long, seed: 7, index: 0 });
      worker.postMessage({ task: 1, scenarioId: 1, scenario: long, seed: 7, index: 1 });
      // No message: only a look at the clock during task 0 can see this.
      Atomics.store(cell, 0, 1);
      await replied(2);
      expect(replies[0]).toEqual({ returned: [1] });
      expect(replies[1].task).toBe(0);
      expect(Atomics.load(cell, 0)).toBe(0);
      // The same request's message, coming late, finds the cell read: no second answer.
      worker.postMessage({ reclaim: 1 });
      worker.postMessage({ task: 2, scenarioId: 2, scenario, seed: 7, index: 0 });
      await replied(3);
      expect(replies[2].task).toBe(2);
      expect(replies[2].result).toBeDefined();
    } finally {
      await worker.terminate();
    }
  });

  it("gives back at most half of what it holds when asked for more (a count with results the pool has not read)", async () => {
    const long = parseScenario(smallScenario({ horizon: "60d", traffic: { senders: 60, rate: "60/d" } }));
    const scenario = parseScenario(smallScenario());
    const worker = new Worker(new URL("../../dist/experiment/worker.js", import.meta.url));
    try {
      const { replies, answered, cell } = reclaimable(worker, 5);
      worker.postMessage({ task: 0, scenarioId: 1, scenario: long, seed: 7, index: 0 });
      for (let task = 1; task <= 4; task++) {
        worker.postMessage({ task, scenarioId: 2, scenario, seed: 7, index: task });
      }
      // Asked for 5 while it runs task 0 with four queued: it holds five, and gives back two.
      Atomics.store(cell, 0, 5);
      await answered;
      expect(replies[0]).toEqual({ returned: [3, 4] });
      expect(replies.slice(1).map((r) => r.task)).toEqual([0, 1, 2]);
    } finally {
      await worker.terminate();
    }
  });

  it("gives back first the tasks of scenarios it has not started, each whole if it fits, then those of started ones", async () => {
    const long = parseScenario(smallScenario({ horizon: "60d", traffic: { senders: 60, rate: "60/d" } }));
    const scenario = parseScenario(smallScenario());
    const worker = new Worker(new URL("../../dist/experiment/worker.js", import.meta.url));
    try {
      const { replies, answered, cell } = reclaimable(worker, 6);
      // Task 0 runs (scenario 1, started); queued: 1 of scenario 3, 2 of scenario 1, 3–5 of
      // scenario 2 (2 and 3 not started).
      const scenarioOf = [1, 3, 1, 2, 2, 2];
      scenarioOf.forEach((scenarioId, task) => {
        const s = scenarioId === 1 ? long : scenario;
        worker.postMessage({ task, scenarioId, scenario: s, seed: 7, index: task });
      });
      // Two asked for while task 0 runs: scenario 2's three do not fit, and are not split; scenario
      // 3's one task does; then the latest of the started scenario 1's, task 2.
      Atomics.store(cell, 0, 2);
      await answered;
      expect(replies[0]).toEqual({ returned: [1, 2] });
      expect(replies.slice(1).map((r) => r.task)).toEqual([0, 3, 4, 5]);
    } finally {
      await worker.terminate();
    }
  });

  it("starts its queued tasks by priority, first come first served among equals", async () => {
    const scenario = parseScenario(smallScenario());
    // A long first task: the others all arrive while it runs.
    const long = parseScenario(smallScenario({ horizon: "60d", traffic: { senders: 60, rate: "60/d" } }));
    const worker = new Worker(new URL("../../dist/experiment/worker.js", import.meta.url));
    try {
      const answered: number[] = [];
      const all = new Promise<void>((resolve) => {
        worker.on("message", (reply: { task?: number; result?: unknown }) => {
          if (reply.result !== undefined && reply.task !== undefined) answered.push(reply.task);
          if (answered.length === 6) resolve();
        });
      });
      worker.postMessage({ task: 0, scenarioId: 1, scenario: long, seed: 7, index: 0, priority: 5 });
      const rest: Array<[number, number | undefined]> = [
        [1, 5],
        [2, 5],
        [3, 0],
        [4, undefined],
        [5, 1],
      ];
      for (const [task, priority] of rest) {
        worker.postMessage({ task, scenarioId: 2, scenario, seed: 7, index: task, priority });
      }
      await all;
      // Task 0 may have started before the others came; after it, 3 and 4 (priority 0, absent
      // counts as 0), then 5, then 1 and 2.
      expect(answered.filter((t) => t !== 0)).toEqual([3, 4, 5, 1, 2]);
    } finally {
      await worker.terminate();
    }
  });
});
