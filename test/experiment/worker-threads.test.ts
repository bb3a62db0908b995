// Worker threads started by the `sim` entry point before the CLI loads: how many it starts from
// the raw arguments, and that a pool takes them (and still gets the same results).
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ReplicationPool } from "../../dist/experiment/pool.js";
import { startWorkers, takeWorker, waitingWorkers, workersWanted } from "../../dist/experiment/worker-threads.js";
import { ReplicationPool as HerePool } from "../../src/experiment/pool.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

describe("workersWanted", () => {
  it("is the --workers value minus this thread, or one per core minus one, for commands on the pool", () => {
    expect(workersWanted(["sweep", "s.json", "--vary", "x=1,2", "--workers", "3"])).toBe(2);
    expect(workersWanted(["advise", "s.json", "--workers=2"])).toBe(1);
    expect(workersWanted(["advise", "s.json", "-w", "1"])).toBe(0);
    expect(workersWanted(["run", "s.json"])).toBe(availableParallelism() - 1);
    expect(workersWanted(["compare", "a.json", "b.json", "--workers", "4"])).toBe(3);
    // A shard runs its replications on the pool too.
    expect(workersWanted(["run", "s.json", "--shard", "0/3", "--workers", "2"])).toBe(1);
  });

  it("is 0 for other commands, help, a bad --workers (the CLI refuses it) and runs kept in this thread", () => {
    expect(workersWanted([])).toBe(0);
    expect(workersWanted(["validate", "s.json"])).toBe(0);
    expect(workersWanted(["advise", "--help"])).toBe(0);
    expect(workersWanted(["sweep", "s.json", "--workers", "0"])).toBe(0);
    expect(workersWanted(["sweep", "s.json", "--workers", "two"])).toBe(0);
    expect(workersWanted(["run", "s.json", "--attempts", "--workers", "2"])).toBe(0);
    expect(workersWanted(["run", "s.json", "--maillog", "m.log"])).toBe(0);
  });
});

describe("startWorkers and takeWorker", () => {
  it("hands a started worker to the pool, whose results are this thread's", async () => {
    const scenario = parseScenario(smallScenario());
    const tasks = [0, 1, 2, 3, 4, 5].map((index) => ({ scenario, seed: 3, index }));
    const expected = await new HerePool(1).run(tasks);
    startWorkers(1);
    expect(waitingWorkers()).toBe(1);
    const pool = new ReplicationPool(2);
    try {
      expect(JSON.stringify(await pool.run(tasks))).toBe(JSON.stringify(expected));
      expect(waitingWorkers()).toBe(0);
    } finally {
      await pool.close();
    }
    // None left: a new thread is made.
    const fresh = takeWorker(2);
    await fresh.terminate();
  });
});
