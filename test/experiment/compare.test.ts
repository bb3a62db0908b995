// Paired comparisons: common random numbers make the paired-t interval of a difference much
// narrower than the unpaired (Welch) one — asserted here on a CRN pair.
import { describe, expect, it } from "vitest";
import { compare as builtCompare } from "../../dist/experiment/compare.js";
import { compare, pairedDifference, scenarioLabels } from "../../src/experiment/compare.js";
import { RECIPIENT_METRICS } from "../../src/experiment/recipient-metrics.js";
import { METRICS } from "../../src/experiment/result.js";
import { runScenario } from "../../src/experiment/run.js";
import { jsonText } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { pairedInterval } from "../../src/stats/student.js";
import { smallScenario } from "../helpers/cli.js";

const width = (ci: [number, number] | null) => (ci ? ci[1] - ci[0] : Number.NaN);

describe("compare", () => {
  const timer = parseScenario(smallScenario({ replications: 12 }));
  const random = parseScenario(
    smallScenario({ name: "random", replications: 12, pool: { servers: 5, balancer: { policy: "random" } } }),
  );

  it("gives a paired interval narrower than the unpaired one on a CRN pair", async () => {
    const c = await compare([timer, random], { workers: 1 });
    expect(c.replications).toBe(12);
    expect(c.scenarios.map((s) => s.label)).toEqual(["small", "random"]);
    // Same mail, recipients, subscriptions and listings: first-attempt outcomes are strongly
    // correlated between balancers, so pairing removes most of the variance.
    for (const metric of ["firstAttemptFailure", "bounceRate"] as const) {
      const d = c.metrics[metric].differences[0];
      expect(d.n).toBe(12);
      expect(width(d.ci95)).toBeLessThan(width(d.unpairedCi95));
      expect(width(d.ci95)).toBeLessThan(0.5 * width(d.unpairedCi95));
    }
  });

  it("reports the first scenario's mean and each difference from per-replication values", async () => {
    const c = await compare([timer, random], { workers: 1, replications: 5 });
    const a = runScenario(timer, { replications: 5 }).results.map((r) => r.metrics.firstAttemptFailure as number);
    const b = runScenario(random, { seed: timer.seed, replications: 5 }).results.map(
      (r) => r.metrics.firstAttemptFailure as number,
    );
    const m = c.metrics.firstAttemptFailure;
    expect(m.baseline.mean).toBeCloseTo(a.reduce((x, y) => x + y) / 5, 15);
    const p = pairedInterval(a, b);
    expect(m.differences[0]).toMatchObject({
      scenario: "random",
      difference: p.mean,
      ci95: p.ci95,
      unpairedCi95: p.unpairedCi95,
    });
    expect(Object.keys(c.metrics)).toEqual([...METRICS]);
  });

  it("is byte-identical for 1 and 2 workers", async () => {
    const one = await compare([timer, random], { workers: 1, replications: 4 });
    const two = await builtCompare([timer, random], { workers: 2, replications: 4 });
    expect(jsonText(two)).toBe(jsonText(one));
  });

  it("compares the per-recipient metrics when every scenario's messages have several recipients", async () => {
    const lists = (extra: object) =>
      parseScenario(
        smallScenario({ replications: 6, recipients: { domains: 200, perMessage: { uniform: [2, 6] } }, ...extra }),
      );
    const bounce = lists({});
    const requeue = lists({ name: "requeue", mta: { onBlocklist: "requeue" } });
    const c = await compare([bounce, requeue], { workers: 1 });
    const per = (s: typeof bounce) =>
      runScenario(s, { seed: bounce.seed, replications: 6 }).results.map(
        (r) => r.recipients?.metrics.recipientFailure as number,
      );
    const [a, b] = [per(bounce), per(requeue)];
    const m = c.recipients?.recipientFailure ?? expect.fail("no recipients block");
    expect(Object.keys(c.recipients ?? {})).toEqual([...RECIPIENT_METRICS]);
    expect(m.baseline.mean).toBeCloseTo(a.reduce((x, y) => x + y) / 6, 15);
    const d = m.differences[0];
    expect(d.scenario).toBe("requeue");
    expect(d.difference).toBeCloseTo(pairedInterval(a, b).mean, 15);
    // Requeueing a blocklist refusal to another relay loses fewer recipients than bouncing it.
    expect(d.difference).toBeLessThan(0);
    // With one recipient per message in either scenario, there is nothing per recipient to compare.
    const one = await compare([bounce, timer], { workers: 1, replications: 3 });
    expect(one.recipients).toBeUndefined();
    expect(Object.hasOwn(one, "recipients")).toBe(false);
  });

  it("needs two scenarios", async () => {
    await expect(compare([timer], { workers: 1 })).rejects.toThrow(/at least two/);
  });
});

describe("pairedDifference", () => {
  it("pairs only replications where both values are defined", () => {
    const d = pairedDifference("b", [0.1, null, 0.3, 0.2], [0.2, 0.5, null, 0.4]);
    expect(d.n).toBe(2);
    expect(d.difference).toBeCloseTo(0.15, 15);
    expect(d.mean).toBeCloseTo((0.2 + 0.5 + 0.4) / 3, 15);
    expect(pairedDifference("b", [null], [1]).difference).toBeNull();
    expect(pairedDifference("b", [1], [2]).ci95).toBeNull();
  });
});

describe("scenarioLabels", () => {
  it("uses names, numbering repeated ones", () => {
    const s = parseScenario(smallScenario());
    const t = parseScenario(smallScenario({ name: "t" }));
    expect(scenarioLabels([s, t, s])).toEqual(["small#1", "t", "small#2"]);
  });
});
