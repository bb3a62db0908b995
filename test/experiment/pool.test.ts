// The replication pool: results in task order and equal to this thread's, for any number of
// worker threads. Workers run the built JavaScript, so this imports the pool from dist/.
import { describe, expect, it } from "vitest";
import { ReplicationPool as BuiltPool } from "../../dist/experiment/pool.js";
import { defaultWorkers, ReplicationPool } from "../../src/experiment/pool.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

const scenario = parseScenario(smallScenario());
const other = parseScenario(smallScenario({ name: "other", pool: { servers: 5, balancer: { policy: "random" } } }));
const tasks = [3, 0, 2, 1, 4].flatMap((index) => [
  { scenario, seed: 7, index },
  { scenario: other, seed: 7, index },
]);

describe("ReplicationPool progress inside long replications", () => {
  // Sixty days of a busier pool: well over CLOCK_WATCH_EVERY events in one replication.
  const long = parseScenario(smallScenario({ horizon: "60d", traffic: { senders: 60, rate: "60/d" } }));

  it("reports the simulated share of a replication running in this thread, rising, before it ends", async () => {
    const calls: Array<[number, number, number | undefined]> = [];
    const [result] = await new ReplicationPool(1).run([{ scenario: long, seed: 1, index: 0 }], (done, total, running) =>
      calls.push([done, total, running]),
    );
    expect(result.events).toBeGreaterThan(2 * 65536);
    const during = calls.filter(([done]) => done === 0).map(([, , running]) => running as number);
    expect(during.length).toBe(Math.floor(result.events / 65536));
    for (let i = 0; i < during.length; i++) {
      expect(during[i]).toBeGreaterThan(i === 0 ? 0 : during[i - 1]);
      expect(during[i]).toBeLessThanOrEqual(1);
    }
    expect(calls.at(-1)?.slice(0, 2)).toEqual([1, 1]);
  });

  it("passes on workers' progress messages as shares between 0 and 1", async () => {
    const pool = new BuiltPool(2);
    try {
      const shares: number[] = [];
      const tasks = [0, 1, 2].map((index) => ({ scenario: long, seed: 1, index }));
      await pool.run(tasks, (_done, _total, running) => {
        if (running !== undefined) shares.push(running);
      });
      // Several replications can be in flight: the sum of their shares stays below their number.
      for (const s of shares) expect(s >= 0 && s <= 3).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe("ReplicationPool", () => {
  it("returns results in task order, equal for 1, 2 and 3 threads", async () => {
    const here = new ReplicationPool(1);
    const expected = await here.run(tasks);
    expect(expected.map((r) => r.replication)).toEqual(tasks.map((t) => t.index));
    for (const workers of [2, 3]) {
      const pool = new BuiltPool(workers);
      try {
        const seen: number[] = [];
        const results = await pool.run(tasks, (done) => seen.push(done));
        expect(JSON.stringify(results)).toBe(JSON.stringify(expected));
        expect(seen).toEqual(tasks.map((_, i) => i + 1));
        // A second run on the same threads (as precision batches do) still matches.
        expect(JSON.stringify(await pool.run(tasks.slice(0, 3)))).toBe(JSON.stringify(expected.slice(0, 3)));
      } finally {
        await pool.close();
      }
    }
  });

  it("makes each task only when a thread takes it (a lazy TaskList), with the same results", async () => {
    // More tasks than a worker may hold (64), so an eager pool would break the bound below.
    const many = Array.from({ length: 150 }, (_, i) => ({
      scenario: i % 2 === 0 ? scenario : other,
      seed: 7,
      index: i,
    }));
    const expected = await new ReplicationPool(1).run(many);
    for (const [workers, Pool] of [
      [1, ReplicationPool],
      [2, BuiltPool],
    ] as const) {
      let made = 0;
      let mostAhead = 0;
      let done = 0;
      const lazy = {
        length: many.length,
        at: (i: number) => {
          made++;
          mostAhead = Math.max(mostAhead, made - done);
          return many[i];
        },
      };
      const pool = new Pool(workers);
      try {
        const results = await pool.run(lazy, (d) => {
          done = d;
        });
        expect(JSON.stringify(results)).toBe(JSON.stringify(expected));
      } finally {
        await pool.close();
      }
      expect(made).toBe(many.length);
      // This thread takes one at a time; a worker holds at most 64 in flight (MAX_IN_FLIGHT: as
      // many short tasks as cover a second of work).
      expect(mostAhead).toBeLessThanOrEqual(1 + 64 * (workers - 1));
    }
  });

  it("runs calls side by side on one pool, each with the results it gets alone", async () => {
    const expected = await new ReplicationPool(1).run(tasks);
    for (const [workers, Pool] of [
      [1, ReplicationPool],
      [2, BuiltPool],
      [3, BuiltPool],
    ] as const) {
      const pool = new Pool(workers);
      try {
        const [a, b, c] = await Promise.all([
          pool.run(tasks.slice(0, 4), undefined, undefined, 2),
          pool.run(tasks.slice(4), undefined, undefined, 0),
          pool.run(tasks.slice(2, 7)),
        ]);
        expect(JSON.stringify(a)).toBe(JSON.stringify(expected.slice(0, 4)));
        expect(JSON.stringify(b)).toBe(JSON.stringify(expected.slice(4)));
        expect(JSON.stringify(c)).toBe(JSON.stringify(expected.slice(2, 7)));
      } finally {
        await pool.close();
      }
    }
  });

  it("runs nothing in this thread while it yields, and the same results", async () => {
    const expected = await new ReplicationPool(1).run(tasks);
    const pool = new BuiltPool(2);
    // biome-ignore lint/suspicious/noExplicitAny: the private method that runs a replication here
    const here = pool as any;
    const simulateHere = here.simulateHere.bind(pool);
    let ranHere = 0;
    here.simulateHere = (...args: unknown[]) => {
      ranHere++;
      return simulateHere(...args);
    };
    try {
      let release = () => {};
      pool.yieldThread(new Promise<void>((resolve) => (release = resolve)));
      expect(JSON.stringify(await pool.run(tasks))).toBe(JSON.stringify(expected));
      expect(ranHere).toBe(0);
      release();
      await new Promise((resolve) => setImmediate(resolve));
      // Its turn again: with tasks to spare it takes some, though only the worker has run these
      // scenarios: more are left than the worker holds (at most 64) and FIRST_RUN_TASKS (12).
      const again = Array.from({ length: 10 }, () => tasks).flat();
      const expectedAgain = Array.from({ length: 10 }, () => expected).flat();
      expect(JSON.stringify(await pool.run(again))).toBe(JSON.stringify(expectedAgain));
      expect(ranHere).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it("starts a worker's more urgent tasks before the less urgent ones it already holds", async () => {
    const many = Array.from({ length: 24 }, (_, i) => ({ scenario, seed: 7, index: i }));
    const pool = new BuiltPool(2);
    try {
      // This thread yields, so the worker runs everything, and it holds all of the late run's
      // tasks (a second's worth) when the urgent run arrives.
      let release = () => {};
      pool.yieldThread(new Promise<void>((resolve) => (release = resolve)));
      const settled: string[] = [];
      let urgent: Promise<unknown> | undefined;
      const late = pool
        .run(
          many,
          undefined,
          (_task, _result) => {
            if (urgent === undefined) {
              urgent = pool.run(many.slice(0, 3), undefined, undefined, 0).then(() => settled.push("urgent"));
            }
          },
          5,
        )
        .then(() => settled.push("late"));
      await late;
      await urgent;
      release();
      expect(settled).toEqual(["urgent", "late"]);
    } finally {
      await pool.close();
    }
  });

  it("serves the lowest priority first among calls in progress", async () => {
    const pool = new ReplicationPool(1);
    const order: string[] = [];
    await Promise.all([
      pool.run(tasks.slice(0, 3), undefined, (t) => order.push(`late${t}`), 5),
      pool.run(tasks.slice(3, 6), undefined, (t) => order.push(`first${t}`), 0),
      pool.run(tasks.slice(6, 8), undefined, (t) => order.push(`second${t}`), 1),
    ]);
    expect(order).toEqual(["first0", "first1", "first2", "second0", "second1", "late0", "late1", "late2"]);
  });

  it("runs no tasks without starting threads, and refuses a bad size", async () => {
    expect(await new ReplicationPool(4).run([])).toEqual([]);
    expect(() => new ReplicationPool(0)).toThrow(/positive integer/);
    expect(() => new ReplicationPool(1.5)).toThrow(/positive integer/);
    expect(defaultWorkers()).toBeGreaterThanOrEqual(1);
  });

  it("rejects when a replication fails in a worker, and is closed afterwards", async () => {
    const broken = { ...scenario, recipients: { domains: -1, zipf: 1 } };
    const pool = new BuiltPool(2);
    try {
      await expect(pool.run([{ scenario: broken, seed: 1, index: 0 }, ...tasks])).rejects.toThrow(
        /failed in a worker|RangeError|Error/,
      );
      await expect(pool.run(tasks)).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });
});
