// The pool with a worker thread played by hand (takeWorker mocked): what it posts the worker before
// any reply, whether it asks for tasks back while runs are still arriving, and which thread gets
// which scenario's tasks.
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
const tasksOf = (seed: number, n: number, of = scenario) =>
  Array.from({ length: n }, (_, index) => ({ scenario: of, seed, index }));

/** Each task's result when run alone, by `seed/index`. */
async function resultsAlone(...runs: ReturnType<typeof tasksOf>[]): Promise<Map<string, unknown>> {
  const expected = new Map<string, unknown>();
  const alone = new ReplicationPool(1);
  for (const tasks of runs) {
    for (const [i, r] of (await alone.run(tasks)).entries()) expected.set(`${tasks[i].seed}/${tasks[i].index}`, r);
  }
  return expected;
}

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

describe("ReplicationPool's threads and scenarios", () => {
  /** A fresh hand-played worker, and two runs of six tasks, of two scenarios, with their results run alone. */
  async function twoScenarios() {
    hand = new HandWorker();
    const second = parseScenario(smallScenario({ name: "second", pool: { servers: 5 } }));
    const first = tasksOf(5, 6);
    const then = tasksOf(6, 6, second);
    return { first, then, expected: await resultsAlone(first, then) };
  }

  /**
   * A run of a third scenario, of which the worker's first fill holds four and this thread runs
   * the fifth: afterwards neither thread's next replication is its very first (which it takes
   * whatever its scenario). The worker's replies say 5 s a task, so that it holds two tasks
   * (IN_FLIGHT) from then on, not a second's worth of this thread's quick ones.
   */
  async function runOneHere(pool: ReplicationPool): Promise<void> {
    const third = parseScenario(smallScenario({ name: "third", pool: { servers: 4 } }));
    const before = tasksOf(4, 5, third);
    const expected = await resultsAlone(before);
    const run = pool.run(before);
    await new Promise((resolve) => setImmediate(resolve));
    for (const t of hand.tasks()) {
      hand.emit("message", { task: t.task, result: expected.get(`${t.seed}/${t.index}`), ms: 5000 });
    }
    await run;
    expect(hand.tasks().length).toBe(4);
  }

  it("leaves a scenario to the worker that holds it while this thread has another run's tasks", async () => {
    // Two scenarios, as advise's policies: the worker's next fill holds four of the first run's
    // six, and this thread, which has run neither, starts the second run instead of the first
    // run's fifth, which the worker gets with its next tasks.
    const { first, then, expected } = await twoScenarios();
    const pool = new ReplicationPool(2);
    try {
      await runOneHere(pool);
      const runs = [pool.run(first), pool.run(then, undefined, undefined, 1)];
      // This thread's turn (it was scheduled first) before the worker answers anything.
      await new Promise((resolve) => setImmediate(resolve));
      const [a, b] = await answerUntil(Promise.all(runs), expected);
      // Every task of the first scenario went to the worker: this thread ran none of them.
      expect(hand.tasks().filter((t) => t.seed === 5).length).toBe(6);
      expect(hand.tasks().filter((t) => t.seed === 6).length).toBeLessThan(6);
      expect(JSON.stringify(a)).toBe(JSON.stringify(first.map((_, i) => expected.get(`5/${i}`))));
      expect(JSON.stringify(b)).toBe(JSON.stringify(then.map((_, i) => expected.get(`6/${i}`))));
    } finally {
      await pool.close();
    }
  });
  it("gives this thread's very first replication to the most urgent run, whoever holds its scenario", async () => {
    const { first, then, expected } = await twoScenarios();
    const pool = new ReplicationPool(2);
    try {
      // The worker's first fill holds four of the first run's six; this thread's first replication
      // is slow whatever its scenario, and it takes the first run's fifth (as advise's own curve).
      const runs = [pool.run(first), pool.run(then, undefined, undefined, 1)];
      await new Promise((resolve) => setImmediate(resolve));
      await answerUntil(Promise.all(runs), expected);
      expect(hand.tasks().filter((t) => t.seed === 5).length).toBeLessThan(6);
    } finally {
      await pool.close();
    }
  });

  it("gives a worker, while this thread yields, the runs of scenarios this thread has not run first", async () => {
    hand = new HandWorker();
    const mine = parseScenario(smallScenario({ name: "mine", pool: { servers: 5 } }));
    const theirs = parseScenario(smallScenario({ name: "theirs", pool: { servers: 6 } }));
    const held = tasksOf(3, 2);
    const here = tasksOf(2, 1, mine);
    const filler = tasksOf(7, 2);
    const own = tasksOf(5, 6, mine);
    const table = tasksOf(6, 6, theirs);
    const expected = await resultsAlone(held, here, filler, own, table);
    const pool = new ReplicationPool(2);
    try {
      await runOneHere(pool);
      // The worker holds two (its depth); this thread runs a task of `mine`, which it alone has run.
      const first = [pool.run(held), pool.run(here)];
      await new Promise((resolve) => setImmediate(resolve));
      expect(hand.tasks().length).toBe(4 + 2);
      await answerUntil(Promise.all(first), expected);
      let release = () => {};
      pool.yieldThread(new Promise<void>((resolve) => (release = resolve)));
      // Two runs arrive while the worker is full; as it answers, it is sent the less urgent run's
      // tasks, not those of `mine`, which it gets only once it has nothing else.
      const fill = pool.run(filler);
      const runs = [pool.run(own), pool.run(table, undefined, undefined, 1)];
      expect(hand.tasks().length).toBe(6 + 2);
      for (const t of hand.tasks().slice(6, 8)) {
        hand.emit("message", { task: t.task, result: expected.get(`${t.seed}/${t.index}`) });
      }
      await fill;
      const sentNext = hand.tasks().slice(8, 10);
      expect(sentNext.map((t) => t.seed)).toEqual([6, 6]);
      // And it is sent the rest of both while this thread still yields: none waits for it.
      await answerUntil(Promise.all(runs), expected);
      expect(hand.tasks().length).toBe(6 + 2 + 12);
      release();
    } finally {
      await pool.close();
    }
  });

  it("leaves a worker the last few tasks of a scenario it has run and this thread has not, and asks none back", async () => {
    hand = new HandWorker();
    const tasks = tasksOf(5, 12);
    const expected = await resultsAlone(tasks);
    const pool = new ReplicationPool(2);
    try {
      await runOneHere(pool);
      const run = pool.run(tasks);
      // The worker holds two, and has run the scenario once it answers the first.
      const [zero] = hand.tasks().slice(4);
      hand.emit("message", { task: zero.task, result: expected.get("5/0") });
      await new Promise((resolve) => setImmediate(resolve));
      const results = await answerUntil(run, expected);
      // This thread ran none of the twelve (its first replication of the scenario takes about as
      // long as twelve there: FIRST_RUN_TASKS), and asked for none back.
      expect(hand.tasks().length).toBe(4 + 12);
      expect(hand.reclaims()).toBe(0);
      expect(JSON.stringify(results)).toBe(JSON.stringify(tasks.map((_, i) => expected.get(`5/${i}`))));
    } finally {
      await pool.close();
    }
  });
});
