// The up-front estimate of work and memory (issue 10): every shipped scenario passes, and each
// kind of work that cannot finish is refused with its estimate and its limit.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BudgetError, budgetProblems, checkGridPoints, LIMITS, scenarioSizes } from "../../src/experiment/budget.js";
import { runScenario } from "../../src/experiment/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

const scenariosDir = new URL("../../scenarios/", import.meta.url);
const shipped = readdirSync(scenariosDir).filter((f) => f.endsWith(".json"));
const small = (patch: Record<string, unknown> = {}) => parseScenario(smallScenario(patch));

describe("budgetProblems", () => {
  it.each(shipped)("lets scenarios/%s run with charts on 2 cores", (name) => {
    const scenario = parseScenario(JSON.parse(readFileSync(new URL(name, scenariosDir), "utf8")));
    expect(budgetProblems({ configs: [scenario], replications: 1000, workers: 2, cores: 2, charts: true })).toEqual([]);
  });

  it("lets a year in one-minute buckets run without charts", () => {
    const year = small({ horizon: "365d", output: { timeseries: "1m" } });
    expect(budgetProblems({ configs: [year], replications: 10 })).toEqual([]);
    expect(budgetProblems({ configs: [year], replications: 10, charts: true })).toEqual([
      "output.timeseries: a chart of 525600 rows; at most 100000 (--no-charts to skip the charts, --allow-large to draw it anyway)",
    ]);
  });

  it.each([
    [
      "-r 1e9",
      { replications: 1e9 },
      "1.00e9 replications × 1 configuration = 1.00e9 replications to run; at most 1000000 (--allow-large to run it anyway)",
    ],
    [
      "recipients.domains 1e9",
      { scenario: { recipients: { domains: 1e9 } } },
      "one replication needs about 26.1 GB of memory, 26.1 GB for recipients.domains (1.00e9); at most 2 GB (--allow-large to run it anyway)",
    ],
    [
      'output.timeseries "1ms" over a day',
      { scenario: { output: { timeseries: "1ms" } } },
      "one replication needs about 3.86 GB of memory, 3.86 GB for output.timeseries (8.64e7 buckets); at most 2 GB (--allow-large to run it anyway)",
    ],
    [
      'output.delayBin "1ms" with a 6-day wait',
      { scenario: { output: { delayBin: "1ms" }, resend: { after: "6d" } } },
      "one replication needs about 15.4 GB of memory, 15.4 GB for output.delayBin (5.18e8 bins); at most 2 GB (--allow-large to run it anyway)",
    ],
    [
      "pool.servers 1e6",
      { scenario: { pool: { servers: 1e6 } } },
      "the summary would be about 153 MB; at most 64 MB (--allow-large to run it anyway)",
    ],
    [
      "4xx replies retried for 1e20 s",
      { scenario: { blacklists: [{ name: "spamcop", subscribers: 0.5, reply: "4xx" }], mta: { queueLifetime: 1e20 } } },
      "about 1.35e12 events to simulate, mostly MTA retries (mta.queueLifetime, mta.retry); at most 3.00e10 (--allow-large to run it anyway)",
    ],
    [
      "a million compromises a second",
      { scenario: { compromise: { ratePerServer: 1e6, cleanup: "1s" } } },
      "about 3.89e12 events to simulate, mostly listings (compromise.ratePerServer); at most 3.00e10 (--allow-large to run it anyway)",
    ],
    [
      "--workers 1000 on 2 cores",
      { workers: 1000, cores: 2 },
      "--workers 1000: at most 16 (8 per core, 2 cores here) (--allow-large to run it anyway)",
    ],
  ])("refuses %s with the estimate and the limit, unless allowed", (_name, plan, problem) => {
    const configs = [small((plan as { scenario?: Record<string, unknown> }).scenario ?? {})];
    const full = { configs, replications: 3, ...plan };
    expect(budgetProblems(full)).toContain(problem);
    expect(budgetProblems({ ...full, allowLarge: true })).toEqual([]);
  });

  it("keeps hard limits even with --allow-large: what the tables cannot represent", () => {
    const huge = small({ pool: { servers: 1e9 } });
    expect(budgetProblems({ configs: [huge], replications: 1, allowLarge: true })).toEqual([
      `pool.servers: 1.00e9 servers × 1 lists exceed the 1.34e8 listings the simulator can track`,
    ]);
    const domains = small({ recipients: { domains: 3e9 } });
    expect(budgetProblems({ configs: [domains], replications: 1, allowLarge: true })).toEqual([
      "recipients.domains: needs a table of 3.00e9 entries; at most 2.15e9 fit",
    ]);
  });

  it("counts only a shard's share", () => {
    // 1e6 messages a replication, 1e5 replications: 1e11 messages, a twentieth of it per shard.
    const scenario = small({ traffic: { senders: 1000, rate: "1000/d" } });
    const plan = { configs: [scenario], replications: 1e5 };
    expect(budgetProblems(plan)).toEqual([
      `about 1.00e11 messages to simulate; at most 1.00e10 (--allow-large to run it anyway)`,
    ]);
    expect(budgetProblems({ ...plan, shards: 20 })).toEqual([]);
  });

  it("leaves the summary's size to the merge: a shard writes only its partial", () => {
    // docs/cluster.md's study: 10 000 points × 100 replications. Its sweep.json, one delay table a
    // point, is over the limit; each of its shards writes a partial file, not the summary.
    const points = Array.from({ length: 10_000 }, (_, i) => small({ resend: { after: `${i}s` } }));
    const plan = { configs: points, replications: 100 };
    // Unsharded, its results would not fit in memory either.
    expect(budgetProblems(plan)).toContain(
      "the summary would be about 160 MB; at most 64 MB (--allow-large to run it anyway)",
    );
    for (const shards of [10, 100, 1000, 10_000]) expect(budgetProblems({ ...plan, shards })).toEqual([]);
  });
});

describe("scenarioSizes", () => {
  it("counts buckets and delay bins as the tally makes them", () => {
    const z = scenarioSizes(small({ horizon: "1d", output: { timeseries: "1h", delayBin: "1m" } }), 3);
    expect(z.buckets).toBe(24);
    // resend.after is uniform on [5m, 15m]: bins 0 … 15.
    expect(z.delayBins).toBe(16);
    expect(z.messages).toBeCloseTo(10 * 30, 9);
  });
});

describe("checkGridPoints and the library", () => {
  it("refuses a grid before building it", () => {
    expect(() => checkGridPoints(1e8, true)).toThrow(/the sweep grid has 1\.00e8 points; at most 1000000$/);
    expect(() => checkGridPoints(LIMITS.gridPoints + 1)).toThrow(BudgetError);
    expect(() => checkGridPoints(LIMITS.gridPoints + 1, true)).not.toThrow();
  });

  it("runScenario refuses -r 1e9 before simulating anything", () => {
    let progress = 0;
    expect(() => runScenario(small(), { replications: 1e9, onProgress: () => progress++ })).toThrow(BudgetError);
    expect(progress).toBe(0);
  });
});
