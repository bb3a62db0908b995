// The pool's reclaim with a worker thread played by hand (takeWorker mocked): what the pool sends
// it, and in which order it reads its replies, are then fixed, and so is who runs each task.
import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { type PoolMessage, ReplicationPool, type TaskMessage } from "../../src/experiment/pool.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

/** Records what the pool posts; the test emits the worker's replies. */
class HandWorker extends EventEmitter {
  readonly posted: PoolMessage[] = [];
  postMessage(message: PoolMessage) {
    this.posted.push(message);
  }
  terminate() {
    return Promise.resolve(0);
  }
  tasks(): TaskMessage[] {
    return this.posted.filter((m): m is TaskMessage => "task" in m);
  }
}

const hand = new HandWorker();
vi.mock("../../src/experiment/worker-threads.js", () => ({ takeWorker: () => hand }));

describe("ReplicationPool's reclaim", () => {
  it("gives back to a worker that answered with all it held some of what it gave back, not all to this thread", async () => {
    const scenario = parseScenario(smallScenario());
    const tasks = [0, 1, 2, 3].map((index) => ({ scenario, seed: 5, index }));
    const expected = await new ReplicationPool(1).run(tasks);
    const pool = new ReplicationPool(2);
    try {
      const run = pool.run(tasks);
      // The worker holds tasks 0 and 1; this thread runs 2 and 3, then asks for half back.
      await vi.waitFor(() => expect(hand.posted.some((m) => "reclaim" in m)).toBe(true));
      const [first, second] = hand.tasks();
      expect([first.index, second.index]).toEqual([0, 1]);
      // Its count was stale: the worker ran task 0 meanwhile, and gives back task 1, all it had left.
      hand.emit("message", { task: first.task, result: expected[0] });
      hand.emit("message", { returned: [second.task] });
      // Idle now, it takes task 1 back.
      await vi.waitFor(() => expect(hand.tasks().length).toBe(3));
      const again = hand.tasks()[2];
      expect(again.index).toBe(1);
      hand.emit("message", { task: again.task, result: expected[1] });
      expect(JSON.stringify(await run)).toBe(JSON.stringify(expected));
    } finally {
      await pool.close();
    }
  });
});
