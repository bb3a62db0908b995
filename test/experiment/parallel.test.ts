// Parallel runs give byte-identical summaries for any number of workers, equal to the
// single-threaded runScenario; precision runs stop where the sequential procedure says.
import { describe, expect, it } from "vitest";
import {
  runScenarioParallel as builtRun,
  runConfigurations as builtRunConfigurations,
} from "../../dist/experiment/parallel.js";
import { runConfigurations, runScenarioParallel } from "../../src/experiment/parallel.js";
import { ReplicationPool } from "../../src/experiment/pool.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { runScenario } from "../../src/experiment/run.js";
import { jsonText } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

const scenario = parseScenario(smallScenario({ replications: 5 }));

describe("runScenarioParallel", () => {
  it("gives byte-identical summaries for 1, 2 and 3 workers, equal to runScenario", async () => {
    const reference = jsonText(runScenario(scenario).summary);
    expect(jsonText((await runScenarioParallel(scenario, { workers: 1 })).summary)).toBe(reference);
    for (const workers of [2, 3]) {
      const { summary, precision } = await builtRun(scenario, { workers });
      expect(jsonText(summary)).toBe(reference);
      expect(precision).toBeNull();
    }
  });

  it("applies seed and replication overrides as runScenario does", async () => {
    const options = { seed: 11, replications: 4 };
    const { summary } = await builtRun(scenario, { ...options, workers: 2 });
    expect(jsonText(summary)).toBe(jsonText(runScenario(scenario, options).summary));
    expect(summary.replications).toBe(4);
  });

  it("reports progress up to the total", async () => {
    const seen: Array<[number, number]> = [];
    await runScenarioParallel(scenario, { workers: 1, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([5, 5]);
  });
});

describe("runConfigurations", () => {
  const other = parseScenario(
    smallScenario({ name: "other", replications: 5, pool: { servers: 5, balancer: { policy: "random" } } }),
  );

  it("runs every configuration over the same replication indices (common random numbers)", async () => {
    const { results, replications } = await builtRunConfigurations([scenario, other], { workers: 2 });
    expect(replications).toBe(5);
    expect(results.map((r) => r.map((x) => x.replication))).toEqual([
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
    // Same seed and index: the same mail, whatever the balancer.
    expect(results[1].map((r) => r.counts.messages)).toEqual(results[0].map((r) => r.counts.messages));
  });

  it("reuses a caller's pool and leaves it open", async () => {
    const pool = new ReplicationPool(1);
    const a = await runConfigurations([scenario], { pool, replications: 2 });
    const b = await runConfigurations([scenario], { pool, replications: 2 });
    expect(JSON.stringify(a.results)).toBe(JSON.stringify(b.results));
    await pool.close();
  });
});

describe("runConfigurations with replication 0 given (replicationZero, advise's shadow check)", () => {
  /** A pool that records the replication index of every task it runs. */
  class Counting extends ReplicationPool {
    indices: number[] = [];
    override run(...args: Parameters<ReplicationPool["run"]>) {
      for (let i = 0; i < args[0].length; i++) this.indices.push(args[0].at(i)?.index ?? -1);
      return super.run(...args);
    }
  }
  const precision = { targets: { messageFailure: 1e-9 }, maxReplications: 7 };

  it("takes it as the first batch's replication 0 and never simulates that one, with the same results", async () => {
    const expected = await runConfigurations([scenario], { workers: 1, precision });
    const pool = new Counting(1);
    try {
      const [zero] = await new ReplicationPool(1).run([{ scenario, seed: scenario.seed, index: 0 }]);
      const given = await runConfigurations([scenario], { pool, precision, replicationZero: Promise.resolve(zero) });
      expect(JSON.stringify(given)).toBe(JSON.stringify(expected));
      expect(pool.indices).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await pool.close();
    }
  });

  it("rejects when it rejects, with its error; needs one configuration", async () => {
    const pool = new ReplicationPool(1);
    try {
      const zero = Promise.reject<ReplicationResult>(new Error("no zero"));
      await expect(runConfigurations([scenario], { pool, replicationZero: zero })).rejects.toThrow("no zero");
      await expect(runConfigurations([scenario, scenario], { pool, replicationZero: zero })).rejects.toThrow(
        "one configuration",
      );
    } finally {
      await pool.close();
    }
  });
});

describe("runConfigurations hands each configuration over as soon as its replications are in", () => {
  it("once per configuration, complete and in order, before the run returns, for 1 and 2 workers", async () => {
    const configs = [4, 6, 8].map((n) =>
      parseScenario(smallScenario({ replications: 3, traffic: { senders: n, rate: "30/d" } })),
    );
    for (const workers of [1, 2]) {
      const handed: Array<[number, number[]]> = [];
      let done = 0;
      const doneAtHandover: number[] = [];
      const run = await runConfigurations(configs, {
        workers,
        onProgress: (d) => {
          done = d;
        },
        onConfiguration: (c, results) => {
          handed.push([c, results.map((r) => r.replication)]);
          doneAtHandover.push(done);
        },
      });
      expect([...handed].sort((a, b) => a[0] - b[0])).toEqual([
        [0, [0, 1, 2]],
        [1, [0, 1, 2]],
        [2, [0, 1, 2]],
      ]);
      // The first handover comes while other replications are still to simulate.
      expect(Math.min(...doneAtHandover)).toBeLessThan(9);
      expect(run.results.map((rs) => rs.map((r) => r.counts.messages))).toEqual(
        configs.map((s) => runScenario(s).results.map((r) => r.counts.messages)),
      );
    }
  });

  it("not with precision targets (more replications may follow)", async () => {
    const handed: number[] = [];
    await runConfigurations([scenario], {
      workers: 1,
      precision: { targets: { resendFailure: 0.5 }, maxReplications: 4, minReplications: 2 },
      onConfiguration: (c) => handed.push(c),
    });
    expect(handed).toEqual([]);
  });
});
