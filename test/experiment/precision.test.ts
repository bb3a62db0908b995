// Precision targets: the stopping point is exactly that of Law & Kelton's one-at-a-time
// sequential procedure (checked against a direct computation), whatever the batches or workers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenarioParallel as builtRun } from "../../dist/experiment/parallel.js";
import { runScenarioParallel } from "../../src/experiment/parallel.js";
import {
  cappedCountedFloor,
  DEFAULT_MIN_REPLICATIONS,
  firstPreciseCount,
  halfWidthAt,
  nextReplicationCount,
  precisionProblem,
  precisionReport,
  resendsCounted,
} from "../../src/experiment/precision.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { runScenario } from "../../src/experiment/run.js";
import { jsonText } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { mulberry32 } from "../../src/stats/interval.js";
import { tInterval } from "../../src/stats/student.js";
import { smallScenario } from "../helpers/cli.js";

/** A fake result whose only metric of interest is firstAttemptFailure = x. */
function fake(replication: number, x: number | null): ReplicationResult {
  return { replication, metrics: { firstAttemptFailure: x } } as unknown as ReplicationResult;
}

describe("halfWidthAt and firstPreciseCount", () => {
  it("uses the t interval of the first n defined values", () => {
    const values = [0.1, 0.3, 0.2, 0.25, 0.15];
    const series = values.map((v, i) => fake(i, v));
    const { mean, ci95 } = tInterval(values.slice(0, 4));
    expect(halfWidthAt(series, "firstAttemptFailure", 4)).toBe(ci95[1] - mean);
    expect(halfWidthAt([fake(0, 0.1), fake(1, null)], "firstAttemptFailure", 2)).toBeNull();
  });

  it("gives the same half-width again for the same first n results, and a new one when they differ", () => {
    const series = [0.1, 0.3, 0.2, 0.25, 0.15].map((v, i) => fake(i, v));
    // Computed on new objects with the same values, so from scratch.
    const fresh = (rs: ReplicationResult[], n: number) =>
      halfWidthAt(
        rs.map((r) => fake(r.replication, r.metrics.firstAttemptFailure)),
        "firstAttemptFailure",
        n,
      );
    const h = halfWidthAt(series, "firstAttemptFailure", 4);
    expect(halfWidthAt(series.slice(0, 4), "firstAttemptFailure", 4)).toBe(h);
    // The same last result after other ones (another configuration's prefix, or an array changed in place).
    const other = [fake(0, 0.9), fake(1, 0.0), fake(2, 0.5), series[3]];
    expect(halfWidthAt(other, "firstAttemptFailure", 4)).toBe(fresh(other, 4));
    expect(fresh(other, 4)).not.toBe(h);
    const changed = [0.1, 0.3, 0.2, 0.25].map((v, i) => fake(i, v));
    const before = [...changed];
    const hBefore = halfWidthAt(changed, "firstAttemptFailure", 4);
    changed[0] = fake(0, 0.6);
    expect(halfWidthAt(changed, "firstAttemptFailure", 4)).toBe(fresh(changed, 4));
    expect(fresh(changed, 4)).not.toBe(hBefore);
    expect(halfWidthAt(before, "firstAttemptFailure", 4)).toBe(hBefore);
    // Another metric of the same results is its own.
    const both = [0.1, 0.3, 0.2, 0.25].map(
      (v, i) =>
        ({
          replication: i,
          metrics: { firstAttemptFailure: v, resendFailure: v / 10 },
        }) as unknown as ReplicationResult,
    );
    const first = halfWidthAt(both, "firstAttemptFailure", 4) as number;
    expect(halfWidthAt(both, "resendFailure", 4)).toBeCloseTo(first / 10, 12);
  });

  it("finds the first n at or after `from` where every configuration meets the target", () => {
    // Spread shrinks as more equal values arrive.
    const a = [0, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5].map((v, i) => fake(i, v));
    const b = a.map((r) => fake(r.replication, 0.5));
    const target = 0.3;
    const expected = a.findIndex((_, i) => i >= 1 && (halfWidthAt(a, "firstAttemptFailure", i + 1) ?? 9) <= target) + 1;
    expect(firstPreciseCount([a, b], { firstAttemptFailure: target }, 2)).toBe(expected);
    expect(firstPreciseCount([a, b], { firstAttemptFailure: 1e-9 }, 2)).toBeNull();
    expect(firstPreciseCount([b], { firstAttemptFailure: target }, 5)).toBe(5);
  });

  it("stops where checking every configuration in order would, whichever it checks first", () => {
    // The scan tries the configuration that failed last first; the answer must be the plain
    // rule's: the first n at which every observed configuration meets every target.
    const random = mulberry32(20261130);
    const plain = (series: ReplicationResult[][], targets: Record<string, number>, from: number) => {
      for (let n = Math.max(from, 2); n <= series[0].length; n++) {
        const met = Object.entries(targets).every(([m, t]) =>
          series.every((rs) => {
            const metric = m as "firstAttemptFailure" | "resendFailure";
            if (!rs.slice(0, n).some((r) => r.metrics[metric] !== null)) return true;
            const h = halfWidthAt(rs, metric, n);
            return h !== null && h <= t;
          }),
        );
        if (met) return n;
      }
      return null;
    };
    let stopped = 0;
    for (let trial = 0; trial < 150; trial++) {
      const configs = 1 + Math.floor(random() * 5);
      const length = 12 + Math.floor(random() * 20);
      const series = Array.from({ length: configs }, () => {
        const spread = random() * 0.5;
        const missing = random() * 0.3;
        return Array.from(
          { length },
          (_, i) =>
            ({
              replication: i,
              metrics: {
                firstAttemptFailure: 0.5 + spread * (random() - 0.5) * (i < 6 ? 3 : 1),
                resendFailure: random() < missing ? null : 0.2 + spread * (random() - 0.5),
              },
            }) as unknown as ReplicationResult,
        );
      });
      const targets = { firstAttemptFailure: 0.02 + random() * 0.1, resendFailure: 0.02 + random() * 0.1 };
      const from = 2 + Math.floor(random() * 8);
      const expected = plain(series, targets, from);
      if (expected !== null) stopped++;
      expect(firstPreciseCount(series, targets, from), `trial ${trial}`).toBe(expected);
    }
    // Both outcomes occur (the cases are not all trivial).
    expect(stopped).toBeGreaterThan(10);
    expect(stopped).toBeLessThan(140);
  });

  it("grows batches by the n·(h/β)² estimate, at most doubling, within the maximum", () => {
    const series = [[0, 1, 0, 1].map((v, i) => fake(i, v))];
    const h = halfWidthAt(series[0], "firstAttemptFailure", 4) as number;
    const opts = { current: 4, minBatch: 1, maxReplications: 100 };
    expect(nextReplicationCount(series, { firstAttemptFailure: h / 1.2 }, opts)).toBe(Math.ceil(4 * 1.2 ** 2));
    expect(nextReplicationCount(series, { firstAttemptFailure: h / 10 }, opts)).toBe(8);
    expect(nextReplicationCount(series, { firstAttemptFailure: h / 10 }, { ...opts, maxReplications: 6 })).toBe(6);
    expect(nextReplicationCount(series, { firstAttemptFailure: h }, { ...opts, minBatch: 3 })).toBe(7);
  });

  it("is not held up by a configuration with no observation of the metric, and names the metric", () => {
    // Nothing resent: resendFailure undefined in every replication (mta.onBlocklist requeue).
    const none = Array.from({ length: 12 }, (_, i) => fake(i, null));
    const targets = { firstAttemptFailure: 0.01 };
    expect(firstPreciseCount([none], targets, 10)).toBe(10);
    const report = precisionReport([none], { targets, maxReplications: 100 }, 10, true);
    expect(report.unobserved).toEqual(["firstAttemptFailure"]);
    // Beside a configuration that has observations, only that one counts.
    const b = none.map((r) => fake(r.replication, 0.5));
    expect(firstPreciseCount([none, b], targets, 10)).toBe(10);
    const both = precisionReport([none, b], { targets, maxReplications: 100 }, 10, true);
    expect(both.halfWidths.firstAttemptFailure).toBe(0);
    expect(both.unobserved).toBeUndefined();
    // One observation is not none: a second may come and give a half-width.
    const one = none.map((r) => fake(r.replication, r.replication === 3 ? 0.5 : null));
    expect(firstPreciseCount([one], targets, 10)).toBeNull();
    expect(nextReplicationCount([none], targets, { current: 10, minBatch: 1, maxReplications: 100 })).toBe(11);
  });

  it("names bad targets", () => {
    expect(precisionProblem({})).toMatch(/at least one/);
    expect(precisionProblem({ nope: 1 } as never)).toMatch(/unknown metric "nope"/);
    expect(precisionProblem({ resendFailure: 0 })).toMatch(/greater|> 0/);
    expect(precisionProblem({ resendFailure: 0.01 })).toBeNull();
  });
});

describe("the counted floor (PrecisionOptions.countedFloor)", () => {
  /** A result with `resends` resends of which `rejected` were rejected, and a steady resendFailure. */
  const counted = (replication: number, rejected: number, resends: number) =>
    ({
      replication,
      metrics: { resendFailure: resends > 0 ? 0.5 : null },
      counts: { resendRejected: rejected, resends },
    }) as unknown as ReplicationResult;

  it("holds when every configuration with resends has `each` of both outcomes", () => {
    const a = Array.from({ length: 6 }, (_, i) => counted(i, 1, 2));
    expect(resendsCounted([a], 4, 4)).toBe(true);
    expect(resendsCounted([a], 3, 4)).toBe(false);
    // Rejected plenty, accepted never (sticky's 100 %): never.
    const all = Array.from({ length: 6 }, (_, i) => counted(i, 5, 5));
    expect(resendsCounted([all], 6, 1)).toBe(false);
    // A configuration without any resend yet does not hold it up.
    const none = Array.from({ length: 6 }, (_, i) => counted(i, 0, 0));
    expect(resendsCounted([a, none], 4, 4)).toBe(true);
    expect(resendsCounted([a, all], 4, 4)).toBe(false);
  });

  it("lets the rule stop below its replications only where the resends are counted, and at them regardless", () => {
    // The targets are met from the first look on (every value 0.5).
    const a = Array.from({ length: 40 }, (_, i) => counted(i, 1, 2));
    const targets = { resendFailure: 0.1 };
    expect(firstPreciseCount([a], targets, 10)).toBe(10);
    expect(firstPreciseCount([a], targets, 10, { replications: 30, each: 10 })).toBe(10);
    expect(firstPreciseCount([a], targets, 10, { replications: 30, each: 15 })).toBe(15);
    const all = Array.from({ length: 40 }, (_, i) => counted(i, 2, 2));
    expect(firstPreciseCount([all], targets, 10, { replications: 30, each: 1 })).toBe(30);
    expect(firstPreciseCount([all.slice(0, 29)], targets, 10, { replications: 30, each: 1 })).toBeNull();
  });

  it("is capped by the maximum, as the minimum is", () => {
    const countedFloor = { replications: 30, each: 10 };
    expect(cappedCountedFloor({ targets: {}, maxReplications: 20, countedFloor })).toEqual({
      replications: 20,
      each: 10,
    });
    expect(cappedCountedFloor({ targets: {}, maxReplications: 50, countedFloor })).toEqual(countedFloor);
    expect(cappedCountedFloor({ targets: {}, maxReplications: 50 })).toBeUndefined();
  });
});

describe("precision runs", () => {
  const scenario = parseScenario(smallScenario({ replications: 4 }));
  const target = { firstAttemptFailure: 0.02 };
  const reference = runScenario(scenario, { replications: 200 }).results;

  it("stop at the procedure's n: target met there and not at n − 1; same n for any workers", async () => {
    // The rule starts at n0 = 10 (DEFAULT_MIN_REPLICATIONS), whatever the scenario's count.
    const n = firstPreciseCount([reference], target, DEFAULT_MIN_REPLICATIONS);
    expect(n).not.toBeNull();
    // The needed number is predictable from the variance: n ≈ R·(h_R/β)² within a wide factor.
    const h4 = halfWidthAt(reference, "firstAttemptFailure", 4) as number;
    const h = halfWidthAt(reference, "firstAttemptFailure", n as number) as number;
    expect(h).toBeLessThanOrEqual(0.02);
    expect(halfWidthAt(reference, "firstAttemptFailure", (n as number) - 1) as number).toBeGreaterThan(0.02);
    expect(n).toBeGreaterThan(4);
    expect(h4).toBeGreaterThan(0.02);

    const precision = { targets: target, maxReplications: 200 };
    const here = await runScenarioParallel(scenario, { workers: 1, precision });
    expect(here.summary.replications).toBe(n);
    expect(here.precision).toMatchObject({ replications: n, reached: true });
    const m = here.summary.metrics.firstAttemptFailure;
    expect(((m.ci95 as [number, number])[1] - (m.ci95 as [number, number])[0]) / 2).toBeLessThanOrEqual(0.02 + 1e-15);
    // The summary is that of a plain n-replication run.
    expect(jsonText(here.summary)).toBe(jsonText(runScenario(scenario, { replications: n as number }).summary));
    for (const workers of [2, 3]) {
      const there = await builtRun(scenario, { workers, precision });
      expect(jsonText(there.summary)).toBe(jsonText(here.summary));
    }
  });

  it("never stop before --min-replications (default 10), even when the first replications agree", async () => {
    // Issue 11: 18of20 with -r 2 and resendFailure=0.005 stopped at n = 2 (10.9–11.5 %, where
    // 12 replications give 9.3–19.5 %): two replications can agree by luck.
    const shipped = parseScenario(
      JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "scenarios", "18of20.json"), "utf8")),
    );
    const run = await runScenarioParallel(shipped, {
      workers: 1,
      replications: 2,
      precision: { targets: { resendFailure: 0.005 }, maxReplications: 12 },
    });
    expect(run.summary.replications).toBeGreaterThanOrEqual(DEFAULT_MIN_REPLICATIONS);
    const small = await runScenarioParallel(scenario, {
      workers: 1,
      replications: 2,
      precision: { targets: { firstAttemptFailure: 1 }, maxReplications: 50, minReplications: 3 },
    });
    expect(small.summary.replications).toBe(3);
  });

  it("stop at the maximum when the target is out of reach, and say so", async () => {
    const run = await runScenarioParallel(scenario, {
      workers: 1,
      precision: { targets: { firstAttemptFailure: 1e-6 }, maxReplications: 9 },
    });
    expect(run.summary.replications).toBe(9);
    expect(run.precision).toMatchObject({ replications: 9, reached: false });
  });
});
