// Small, fast inputs for the report tests: a real (tiny) simulated run of the 18of20 story and a
// hand-made sweep.json in the shape `sim sweep` writes.
import { readFileSync } from "node:fs";
import { type Advice, advise } from "../../src/experiment/advise.js";
import { runScenario } from "../../src/experiment/run.js";
import { type Summary, type TimeseriesRow, timeseries } from "../../src/experiment/summary.js";
import type { SweepFile } from "../../src/report/charts/sweep.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/schema.js";
import { smallScenario } from "../helpers/cli.js";

/** scenarios/18of20.json with overrides (a shallow merge per top-level key). */
export function storyScenario(overrides: Record<string, unknown> = {}): Scenario {
  const base = JSON.parse(readFileSync(new URL("../../scenarios/18of20.json", import.meta.url), "utf8"));
  delete base.$schema;
  return parseScenario({ ...base, ...overrides }, "18of20 (test)");
}

let cached: { summary: Summary; series: TimeseriesRow[] } | null = null;

/** Four replications of one simulated day of 18of20: resends in every 5–15 min bin, in well under a second. */
export function smallRun(): { summary: Summary; series: TimeseriesRow[] } {
  if (cached) return cached;
  const scenario = storyScenario({ horizon: "1d", replications: 4 });
  const { summary, results } = runScenario(scenario);
  cached = { summary, series: timeseries(summary.scenario, results) };
  return cached;
}

const metric = (mean: number, half: number) => ({ mean, ci95: [mean - half, mean + half] as [number, number], n: 10 });

/** A 3 × 2 grid over resend.after (seconds) and pool.balancer.period (seconds). */
export function twoParameterSweep(): SweepFile {
  const afters = [60, 600, 1800];
  const periods = [300, 900];
  const points = afters.flatMap((after) =>
    periods.map((period) => {
      const p = Math.max(0.05, 1 - after / period) - after / 1e6;
      return {
        values: { "resend.after": after, "pool.balancer.period": period },
        metrics: {
          resendFailure: metric(p, 0.02),
          firstAttemptFailure: metric(0.03, 0.003),
          messageFailure: metric(p * 0.01, 0.0005),
          deliveryDelayMean: metric(20 + after / 100, 2),
        },
      };
    }),
  );
  return {
    scenario: { name: "18of20", description: "hand-made sweep" },
    seed: 1,
    replications: 10,
    parameters: [
      { path: "resend.after", values: afters },
      { path: "pool.balancer.period", values: periods },
    ],
    points,
  } as SweepFile;
}

/** A one-parameter sweep over a categorical value. */
export function policySweep(): SweepFile {
  const policies = ["random", "timer", "sticky"];
  return {
    scenario: { name: "18of20" },
    seed: 1,
    replications: 5,
    parameters: [{ path: "pool.balancer.policy", values: policies }],
    points: policies.map((policy, i) => ({
      values: { "pool.balancer.policy": policy },
      metrics: { resendFailure: metric([0.1, 0.05, 1][i], 0.01) },
    })),
  } as SweepFile;
}

/** `sim advise` on a small pool, this pool and sticky only, 4 replications: for the advice chart and HTML. */
export async function smallAdvice(): Promise<Advice> {
  const scenario = parseScenario(smallScenario({ replications: 4 }), "test");
  const { advice } = await advise(scenario, {
    policies: ["sticky"],
    precision: { targets: { resendFailure: 0.01 }, maxReplications: 4 },
    workers: 1,
  });
  return advice;
}
