// The pool's first fill with a worker thread played by hand (takeWorker mocked): what the pool
// posts it before any reply, and whether it asks for tasks back while runs are still arriving.
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
  reclaims(): number {
    return this.posted.filter((m) => "reclaim" in m).length;
  }
}

let hand = new HandWorker();
vi.mock("../../src/experiment/worker-threads.js", () => ({ takeWorker: () => hand }));

const scenario = parseScenario(smallScenario());
const tasksOf = (seed: number, n: number) => Array.from({ length: n }, (_, index) => ({ scenario, seed, index }));

/**
 * Answer each task posted to the worker (with the result `expected` holds by seed and index), and
 * those it is posted meanwhile, until `settled` settles.
 */
async function answerUntil<T>(settled: Promise<T>, expected: Map<string, unknown>): Promise<T> {
  let done = false;
  settled.finally(() => {
    done = true;
  });
  let answered = 0;
  while (!done) {
    for (const t of hand.tasks().slice(answered)) {
      hand.emit("message", { task: t.task, result: expected.get(`${t.seed}/${t.index}`) });
      answered++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return settled;
}

describe("ReplicationPool's first fill", () => {
  it("gives a worker four tasks before any task's time is known, not two", async () => {
    hand = new HandWorker();
    const tasks = tasksOf(5, 8);
    const expected = await new ReplicationPool(1).run(tasks);
    const pool = new ReplicationPool(2);
    try {
      const run = pool.run(tasks);
      // Posted at once, before this thread runs anything or the worker answers.
      expect(hand.tasks().map((t) => t.index)).toEqual([0, 1, 2, 3]);
      await vi.waitFor(() => expect(hand.posted.some((m) => "reclaim" in m)).toBe(true));
      hand.emit("message", { returned: [] });
      const results = await answerUntil(run, new Map(expected.map((r, i) => [`5/${i}`, r])));
      expect(JSON.stringify(results)).toBe(JSON.stringify(expected));
    } finally {
      await pool.close();
    }
  });

  it("asks for no task back while more runs are started in the same turn", async () => {
    hand = new HandWorker();
    const first = tasksOf(5, 3);
    const second = tasksOf(6, 3);
    const alone = new ReplicationPool(1);
    const expected = new Map<string, unknown>();
    for (const [seed, tasks] of [
      [5, first],
      [6, second],
    ] as const) {
      for (const [i, r] of (await alone.run(tasks)).entries()) expected.set(`${seed}/${i}`, r);
    }
    const pool = new ReplicationPool(2);
    try {
      // The worker takes all three of the first run's tasks (its first fill is four); the second
      // run arrives before this thread's turn, which then takes a task of it: nothing was asked
      // back meanwhile (a reclaim asked at once sent one of the first run's here).
      const runs = [pool.run(first), pool.run(second)];
      expect(hand.tasks().map((t) => [t.seed, t.index])).toEqual([
        [5, 0],
        [5, 1],
        [5, 2],
        [6, 0],
      ]);
      expect(hand.reclaims()).toBe(0);
      const [a, b] = await answerUntil(Promise.all(runs), expected);
      expect(JSON.stringify(a)).toBe(JSON.stringify(first.map((_, i) => expected.get(`5/${i}`))));
      expect(JSON.stringify(b)).toBe(JSON.stringify(second.map((_, i) => expected.get(`6/${i}`))));
    } finally {
      await pool.close();
    }
  });
});
