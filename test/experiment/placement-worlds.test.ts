import { describe, expect, it } from "vitest";
import { runConfigurations as builtRunConfigurations } from "../../dist/experiment/parallel.js";
import { advise, shadowViews } from "../../src/experiment/advise.js";
import { runConfigurations } from "../../src/experiment/parallel.js";
import {
  MAX_PLACEMENT_WORLDS,
  PLACEMENT_WORLDS_MIN_REPLICATIONS,
  placementVaries,
  placementWorldCount,
  placementWorlds,
  placementWorldsProblem,
  weightedResult,
} from "../../src/experiment/placement-worlds.js";
import { ReplicationPool } from "../../src/experiment/pool.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario } from "../../src/model/compiled.js";
import { classOf, placementClasses } from "../../src/model/placement-classes.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/schema.js";
import { LogHistogram } from "../../src/stats/histogram.js";

function scenario(listed: unknown[], servers = 20) {
  return parseScenario({
    name: "worlds",
    seed: 3,
    replications: 5,
    horizon: "1d",
    pool: { servers, balancer: { policy: "timer", period: "10m", phase: "global", assignment: "rotate" } },
    blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
    listed,
    traffic: { senders: 20, rate: "20/d" },
  });
}

describe("placementWorlds", () => {
  it("runs 2 of 20 as its ten classes, weighted by their probabilities, each placement of its class", () => {
    const s = scenario([{ servers: 2, on: ["spamcop"], from: "1h", until: "5h" }]);
    const worlds = placementWorlds(s, 3, 7);
    const classes = placementClasses(20, 2) ?? [];
    expect(worlds).toHaveLength(10);
    worlds.forEach((w, i) => {
      expect(w.weight).toBe(classes[i].probability);
      const entry = w.scenario.listed[0];
      expect(entry.servers).toBeUndefined();
      expect(classOf(entry.indices ?? [], 20)).toEqual(classes[i].gaps);
      // Everything else is the scenario's: the entry's lists and times, and the rest of it.
      expect({ ...entry, indices: undefined }).toEqual({ ...s.listed[0], servers: undefined, indices: undefined });
      expect({ ...w.scenario, listed: [] }).toEqual({ ...s, listed: [] });
    });
    expect(worlds.reduce((sum, w) => sum + w.weight, 0)).toBeCloseTo(1, 14);
    // The scenario itself is left alone.
    expect(s.listed[0].servers).toBe(2);
    expect(s.listed[0].indices).toBeUndefined();
  });

  it("draws each world's placement by (seed, replication): the same again, another for another replication", () => {
    const s = scenario([{ servers: 2, on: ["spamcop"] }]);
    const placements = (seed: number, r: number) =>
      placementWorlds(s, seed, r).map((w) => w.scenario.listed[0].indices);
    expect(placements(3, 7)).toEqual(placements(3, 7));
    expect(placements(3, 8)).not.toEqual(placements(3, 7));
    expect(placements(4, 7)).not.toEqual(placements(3, 7));
  });

  it("turns every placement of a class with equal chance: each of gap 1's 20 placements in 2,000 replications", () => {
    // Each is drawn with probability 1/20: 100 expected. By Chernoff, P(a count ≤ 40) ≤ e^−18 ≈
    // 1.5e-8 and P(a count ≥ 180) ≤ e^−22.8: the bounds fail a correct draw with probability
    // below 20 × 1.6e-8 < 1e-6.
    const s = scenario([{ servers: 2, on: ["spamcop"] }]);
    const counts = new Map<string, number>();
    for (let r = 0; r < 2000; r++) {
      const key = (placementWorlds(s, 11, r)[0].scenario.listed[0].indices ?? []).join(",");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(20);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(40);
      expect(n).toBeLessThan(180);
    }
  });

  it("runs each world with its placement's relays listed, and no others", () => {
    const s = scenario([{ servers: 2, on: ["spamcop"] }]);
    for (const w of placementWorlds(s, 3, 1)) {
      const result = runReplication(new CompiledScenario(w.scenario), 3, 1);
      const listed = result.servers.listed.flatMap((t, v) => (t > 0 ? [v] : []));
      expect(listed).toEqual(w.scenario.listed[0].indices);
    }
  });

  it("says why a scenario cannot run as worlds", () => {
    expect(placementWorldsProblem(scenario([{ servers: 2, on: ["spamcop"] }]))).toBeNull();
    expect(placementWorldCount(scenario([{ servers: 2, on: ["spamcop"] }]))).toBe(10);
    expect(placementWorldCount(scenario([{ servers: 3, on: ["spamcop"] }]))).toBeNull();
    expect(placementWorldsProblem(scenario([]))).toMatch(/one "listed" entry, got 0/);
    expect(
      placementWorldsProblem(
        scenario([
          { servers: 1, on: ["spamcop"] },
          { servers: 1, on: ["spamcop"], from: "2h" },
        ]),
      ),
    ).toMatch(/one "listed" entry, got 2/);
    expect(placementWorldsProblem(scenario([{ indices: [0, 3], on: ["spamcop"] }]))).toMatch(/given \(indices\)/);
    expect(placementWorldsProblem(scenario([{ servers: 1, on: ["spamcop"] }]))).toMatch(/single placement class/);
    // 3 of 20: 57 classes.
    expect(placementWorldsProblem(scenario([{ servers: 3, on: ["spamcop"] }]))).toMatch(
      new RegExp(`57 placement classes, more than ${MAX_PLACEMENT_WORLDS}`),
    );
    expect(placementWorldsProblem(scenario([{ servers: 5, on: ["spamcop"] }], 1000))).toMatch(/too many placements/);
    expect(() => placementWorlds(scenario([{ servers: 3, on: ["spamcop"] }]), 1, 0)).toThrow(RangeError);
  });
});

describe("placementVaries", () => {
  const drawn = [{ servers: 2, on: ["spamcop"] }];
  const withPool = (balancer: unknown, more: Record<string, unknown> = {}, listed: unknown[] = drawn) =>
    parseScenario({
      name: "varies",
      horizon: "1d",
      pool: { servers: 20, balancer, ...more },
      blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
      listed,
      traffic: { senders: 20, rate: "20/d" },
    });

  it("is false for one drawn entry under a policy that treats every relay alike", () => {
    // Every such policy is checked, by simulation too, in placement-alike.test.ts.
    expect(placementVaries(withPool({ policy: "random" }))).toBe(false);
    expect(placementVaries(withPool({ policy: "least-connections" }, { capacity: 2 }))).toBe(false);
  });

  it("is true where an order among the relays or weights tell them apart", () => {
    for (const balancer of [
      { policy: "timer", period: "10m" },
      { policy: "round-robin" },
      { policy: "dns" },
      { policy: "stick-table" },
      { policy: "random", weights: Array.from({ length: 20 }, (_, i) => (i === 0 ? 2 : 1)) },
    ]) {
      expect(placementVaries(withPool(balancer)), balancer.policy).toBe(true);
    }
  });

  it("is false when nothing is drawn, whatever the policy, and true beside anything that steps to the next relay", () => {
    const given = [{ indices: [0, 1], on: ["spamcop"] }];
    expect(placementVaries(withPool({ policy: "timer", period: "10m" }, {}, given))).toBe(false);
    expect(placementVaries(withPool({ policy: "round-robin" }, {}, []))).toBe(false);
    const random = { policy: "random" };
    // A second entry may overlap the drawn one.
    expect(placementVaries(withPool(random, {}, [...drawn, { indices: [3], on: ["spamcop"] }]))).toBe(true);
    expect(placementVaries(withPool(random, { avoidListed: { checkEvery: "5m" } }))).toBe(true);
    const requeue = parseScenario({
      name: "varies",
      horizon: "1d",
      pool: { servers: 20, balancer: random },
      blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
      listed: drawn,
      traffic: { senders: 20, rate: "20/d" },
      mta: { onBlocklist: "requeue" },
    });
    expect(placementVaries(requeue)).toBe(true);
    const compromised = parseScenario({
      name: "varies",
      horizon: "1d",
      pool: { servers: 20, balancer: random },
      blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
      compromise: { ratePerServer: "1/30d", cleanup: "1d" },
      traffic: { senders: 20, rate: "20/d" },
    });
    expect(placementVaries(compromised)).toBe(true);
  });
});

describe("weightedResult", () => {
  const s = scenario([{ servers: 2, on: ["spamcop"] }]);
  const [a, b] = placementWorlds(s, 3, 2)
    .slice(0, 2)
    .map((w) => runReplication(new CompiledScenario(w.scenario), 3, 2));

  it("weights every count, metric, per-server and per-bucket figure, and adds the events", () => {
    const c = weightedResult([a, b], [0.25, 0.75]);
    const mix = (x: number, y: number) => 0.25 * x + 0.75 * y;
    expect(c.replication).toBe(2);
    expect(c.events).toBe(a.events + b.events);
    for (const key of Object.keys(a.counts) as (keyof ReplicationResult["counts"])[]) {
      expect(c.counts[key]).toBe(mix(a.counts[key], b.counts[key]));
    }
    for (const key of Object.keys(a.metrics) as (keyof ReplicationResult["metrics"])[]) {
      const x = a.metrics[key];
      const y = b.metrics[key];
      expect(c.metrics[key]).toBe(x === null || y === null ? null : mix(x, y));
    }
    expect(c.servers.rejections).toEqual(a.servers.rejections.map((x, i) => mix(x, b.servers.rejections[i])));
    expect(c.servers.listed).toEqual(a.servers.listed.map((x, i) => mix(x, b.servers.listed[i])));
    expect(c.timeseries.attempts).toEqual(a.timeseries.attempts.map((x, i) => mix(x, b.timeseries.attempts[i])));
    expect(c.resendsByDelay).toEqual(a.resendsByDelay.map((x, i) => mix(x, b.resendsByDelay[i])));
    // The mixture lists the relays either world lists, each with its weight.
    const listedIn = (r: ReplicationResult) => r.servers.listed.flatMap((t, v) => (t > 0 ? [v] : []));
    expect(listedIn(c)).toEqual([...new Set([...listedIn(a), ...listedIn(b)])].sort((x, y) => x - y));
  });

  it("merges the delay histograms: counts and sums weighted, bucket by bucket, extremes over both", () => {
    const c = weightedResult([a, b], [0.25, 0.75]);
    expect(c.delay.count).toBeCloseTo(0.25 * a.delay.count + 0.75 * b.delay.count, 9);
    expect(c.delay.sum).toBe(0.25 * a.delay.sum + 0.75 * b.delay.sum);
    expect(c.delay.min).toBe(Math.min(a.delay.min, b.delay.min));
    expect(c.delay.max).toBe(Math.max(a.delay.max, b.delay.max));
    // The count is the buckets' total to the last bit, which LogHistogram.fromJSON requires.
    expect(LogHistogram.fromJSON(c.delay).count).toBe(c.delay.count);
    const indices = c.delay.buckets.map(([i]) => i);
    expect(indices).toEqual(
      [...new Set([...a.delay.buckets, ...b.delay.buckets].map(([i]) => i))].sort((x, y) => x - y),
    );
  });

  it("gives one world of weight 1 back as it was, and a metric undefined in one world undefined in all", () => {
    expect(weightedResult([a], [1])).toEqual(a);
    const undefinedHere = { ...b, metrics: { ...b.metrics, resendFailure: null } };
    expect(weightedResult([a, undefinedHere], [0.5, 0.5]).metrics.resendFailure).toBeNull();
  });

  it("refuses mismatched weights, raw results with shadow worlds, and per-recipient results in some worlds only", () => {
    expect(() => weightedResult([a, b], [1])).toThrow(RangeError);
    expect(() => weightedResult([], [])).toThrow(RangeError);
    const shadowed = { ...a, shadow: {} as NonNullable<ReplicationResult["shadow"]> };
    expect(() => weightedResult([shadowed, b], [0.5, 0.5])).toThrow(/shadow views/);
    const withRecipients = {
      ...a,
      recipients: { counts: {}, metrics: {} } as NonNullable<ReplicationResult["recipients"]>,
    };
    expect(() => weightedResult([withRecipients, b], [0.5, 0.5])).toThrow(/some worlds only/);
  });
});

describe("runConfigurations with worlds", () => {
  const s = scenario([{ servers: 2, on: ["spamcop"] }]);
  const probes = [0, 300, 900];
  const options = {
    replications: 3,
    probes,
    expand: { width: probes.length + 1, of: shadowViews },
    worlds: placementWorlds,
  };

  it("gives each replication its worlds' views weighted, the same on 1 and 2 threads", async () => {
    const here = await runConfigurations([s], { ...options, workers: 1 });
    const threads = await builtRunConfigurations([s], { ...options, workers: 2 });
    expect(threads.results).toEqual(here.results);
    expect(here.results).toHaveLength(probes.length + 1);
    for (let i = 0; i < 3; i++) {
      const worlds = placementWorlds(s, s.seed, i);
      const views = worlds.map((w) =>
        shadowViews(runReplication(new CompiledScenario(w.scenario), s.seed, i, null, null, probes)),
      );
      here.results.forEach((series, j) => {
        expect(series[i]).toEqual(
          weightedResult(
            views.map((v) => v[j]),
            worlds.map((w) => w.weight),
          ),
        );
      });
    }
  });

  it("refuses worlds with a replication 0 from elsewhere", async () => {
    const zero = Promise.resolve(runReplication(new CompiledScenario(s), s.seed, 0, null, null, probes));
    await expect(runConfigurations([s], { ...options, workers: 1, replicationZero: zero })).rejects.toThrow(
      /worlds run without/,
    );
  });
});

describe("advise with placement worlds", () => {
  /** A pool that keeps the scenario of every task it is given. */
  class Recording extends ReplicationPool {
    readonly scenarios: Scenario[] = [];
    override run(...args: Parameters<ReplicationPool["run"]>) {
      const tasks = args[0];
      for (let i = 0; i < tasks.length; i++) {
        const t = tasks.at(i);
        if (t) this.scenarios.push(t.scenario);
      }
      return super.run(...args);
    }
  }

  it("runs a rotating timer's curve as 10 worlds a replication, and pairs the operator's view with the same worlds", async () => {
    const s = scenario([{ servers: 2, on: ["spamcop"] }]);
    const pool = new Recording(1);
    try {
      const { advice } = await advise(s, {
        pool,
        policies: ["random"],
        precision: { targets: { resendFailure: 0.05 }, maxReplications: 100 },
      });
      const [own, random] = advice.policies;
      expect(own.placements).toBe(10);
      expect(own.replications).toBeGreaterThanOrEqual(PLACEMENT_WORLDS_MIN_REPLICATIONS);
      // Random balancing draws one placement a replication; this sparse pool's resends are not
      // counted by 10 of each outcome before advise's floor of 30 (curvePrecision).
      expect(random.placements).toBeNull();
      expect(random.replications).toBeGreaterThanOrEqual(30);
      // The health check's runs (pool.avoidListed set) are worlds, as many as the own curve's.
      const checked = pool.scenarios.filter((t) => t.pool.avoidListed !== null);
      expect(checked.length).toBe(own.replications * 10);
      expect(checked.every((t) => t.listed[0].indices !== undefined)).toBe(true);
      expect(advice.operator?.healthCheck.replications).toBe(own.replications);
    } finally {
      await pool.close();
    }
  });
});
