// `advise`: the verdicts the issue asks for, each read from advice.json's fields — timer pools
// (shortest good wait where DESIGN §5 puts the plateau), sticky, busy round-robin and random
// pools — the reading rules on made-up curves, and the inputs that have nothing to judge.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as timer from "../../src/analytic/timer.js";
import {
  ADVISE_MIN_REPLICATIONS,
  type Advice,
  AdviseError,
  advise,
  analyseCurve,
  nothingListed,
  RESENDS_OF_EACH_OUTCOME,
  tablePolicies,
} from "../../src/experiment/advise.js";
import type { DelayGrid } from "../../src/experiment/advise-grid.js";
import { DEFAULT_MIN_REPLICATIONS, resendsCounted } from "../../src/experiment/precision.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { applyPoint } from "../../src/experiment/sweep-values.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { Policy } from "../../src/scenario/schema.js";
import { smallScenario } from "../helpers/cli.js";

const root = join(import.meta.dirname, "..", "..");
const shipped = (name: string) => loadScenario(join(root, "scenarios", `${name}.json`));
/** Advice without each policy's `method` (how it was computed), to compare two methods' numbers. */
const withoutMethod = (a: Advice) => ({ ...a, policies: a.policies.map(({ method: _m, ...p }) => p) });
/** Enough replications for stable verdicts, few enough for a 2-core test run. */
const quick = (max: number) => ({ precision: { targets: { resendFailure: 0.01 }, maxReplications: max }, workers: 2 });

describe("advise on the shipped scenarios", () => {
  it("18of20: the shortest good wait is within one step of the closed form's plateau delay", async () => {
    const scenario = shipped("18of20");
    const { advice, own } = await advise(scenario, { ...quick(40), policies: [] });
    const b = scenario.pool.balancer;
    if (b.policy !== "timer") throw new Error("18of20 is a timer pool");
    const k = scenario.listed[0].servers ?? 0;
    const plateauAt = timer.plateauDelay(scenario.pool.servers, k, b.period);
    expect(advice.verdict).toBe("wait");
    expect(advice.waitingHelps).toBe(true);
    expect(advice.shortestGoodWait).not.toBeNull();
    const step = advice.grid?.step as number;
    expect(Math.abs((advice.shortestGoodWait as number) - plateauAt)).toBeLessThanOrEqual(step + 1e-9);
    // At once the resend reuses the slot's listed relay (DESIGN §5: failure 1 at d = 0, up to
    // the rare resend that crosses into the next slot within its session).
    expect(advice.atOnce?.mean).toBeGreaterThan(0.98);
    expect(advice.policies.map((p) => p.policy)).toEqual(["timer"]);
    expect(advice.operator?.healthCheck.saved.rejectionsPerDay.difference).toBeGreaterThan(0);
    expect(own?.summary.replications).toBe(advice.replications);
  });

  it("sticky-pool: waiting does not help", async () => {
    const { advice } = await advise(shipped("sticky-pool"), { ...quick(10), policies: [] });
    expect(advice.verdict).toBe("waiting-does-not-help");
    expect(advice.waitingHelps).toBe(false);
    expect(advice.plateau?.mean).toBeGreaterThanOrEqual(advice.stuckFailure);
  });

  it("random balancing of the 18of20 pool: resending at once is as good", async () => {
    const base = shipped("18of20");
    const random = applyPoint(base, [{ path: "pool.balancer.policy", values: [] }], ["random"], "18of20 random");
    const { advice } = await advise(random, { ...quick(20), policies: [] });
    expect(advice.verdict).toBe("resend-at-once");
    expect(advice.waitingHelps).toBe(false);
    expect(advice.adviceHelps).toBe(false);
  });

  it("compares the other policies on the same mail: sticky never helps, dns does", async () => {
    const { advice } = await advise(shipped("18of20"), {
      ...quick(20),
      policies: ["sticky", "dns"],
      replications: 10,
    });
    const verdicts = Object.fromEntries(advice.policies.map((p) => [p.policy, p.verdict]));
    expect(verdicts).toEqual({ timer: "wait", sticky: "waiting-does-not-help", dns: "wait" });
    expect(advice.policies[0].own).toBe(true);
  });
});

/** A made-up replication whose resends fail with `failure` and whose delivered mail took `delay` s. */
function fake(replication: number, failure: number, delay = 10): ReplicationResult {
  return {
    replication,
    counts: { resends: 100, resendRejected: Math.round(failure * 100) },
    metrics: { resendFailure: failure, deliveryDelayMean: delay },
  } as unknown as ReplicationResult;
}

/** Replications of a wait: `mean` ± a small spread that is the same at every wait (common random numbers). */
const at = (mean: number) => [0, 1, 2, 3, 4].map((i) => fake(i, mean + (i - 2) * 0.002));
const grid = (delays: number[]): DelayGrid => ({
  delays,
  step: 60,
  scale: { kind: "none", seconds: 600 },
  given: true,
});
const tolerance = { absolute: 0.01, relative: 0.1 };

describe("analyseCurve", () => {
  it("finds the plateau, the shortest good wait and whether waiting helps", () => {
    const r = analyseCurve(grid([0, 60, 120, 180]), [at(0.9), at(0.3), at(0.055), at(0.05)], at(0.2), tolerance);
    expect(r.plateau?.delay).toBe(180);
    expect(r.tolerance).toBeCloseTo(0.01);
    expect(r.points.map((p) => p.good)).toEqual([false, false, true, true]);
    expect(r.shortestGoodWait).toBe(120);
    expect(r.verdict).toBe("wait");
    expect(r.adviceHelps).toBe(true);
    expect(r.adviceReachesPlateau).toBe(false);
  });

  it("makes 'wait at least' hold for every longer wait up to the plateau", () => {
    // Good at 60 s, bad at 120 s (the rotation brings another listed relay), good again at 180 s.
    const r = analyseCurve(grid([0, 60, 120, 180]), [at(0.9), at(0.05), at(0.2), at(0.05)], at(0.1), tolerance);
    expect(r.plateau?.delay).toBe(60);
    expect(r.shortestGoodWait).toBe(60);
    const later = analyseCurve(grid([0, 60, 120, 180]), [at(0.9), at(0.06), at(0.2), at(0.05)], at(0.1), tolerance);
    expect(later.plateau?.delay).toBe(180);
    expect(later.shortestGoodWait).toBe(180);
  });

  it("says resend at once for a flat curve, and stuck for a flat curve near 1", () => {
    const flat = analyseCurve(grid([0, 60]), [at(0.1), at(0.1)], at(0.1), tolerance);
    expect(flat.verdict).toBe("resend-at-once");
    expect(flat.shortestGoodWait).toBe(0);
    const stuck = analyseCurve(grid([0, 60]), [at(0.995), at(0.995)], at(0.995), tolerance);
    expect(stuck.verdict).toBe("waiting-does-not-help");
  });

  it("has nothing to judge when no wait saw a resend", () => {
    const none = [0, 1].map(
      (i) => ({ ...fake(i, 0), metrics: { resendFailure: null } }) as unknown as ReplicationResult,
    );
    const r = analyseCurve(grid([0, 60]), [none, none], none, tolerance);
    expect(r.verdict).toBe("no-bounces");
    expect(r.plateau).toBeNull();
  });

  it("reports the extra delivery delay of the advice, paired", () => {
    const slow = [0, 1, 2].map((i) => fake(i, 0.1, 40 + i));
    const fast = [0, 1, 2].map((i) => fake(i, 0.1, 10 + i));
    const r = analyseCurve(grid([0, 60]), [fast, fast], slow, tolerance);
    expect(r.cost.advice?.difference).toBeCloseTo(30);
    expect(r.cost.advice?.ci95).toEqual([30, 30]);
  });
});

describe("advise's replication floor (ADVISE_MIN_REPLICATIONS, curvePrecision)", () => {
  // Targets met at the first look: where a rule stops is the floor's doing.
  const loose = { targets: { resendFailure: 0.9 }, maxReplications: 100 };
  const busy = (balancer: unknown, listed: unknown = [{ servers: 2, on: ["spamcop"] }]) =>
    parseScenario(smallScenario({ pool: { servers: 5, balancer }, listed, traffic: { senders: 20, rate: "100/d" } }));
  const replications = (advice: { policies: { policy: string; replications: number }[] }) =>
    Object.fromEntries(advice.policies.map((p) => [p.policy, p.replications]));

  it("never stops the own curve before it by default, nor a table curve whose resends lack an outcome", async () => {
    // Sticky resends always fail (half-width 0), so the rule is met at its first look.
    const scenario = parseScenario(
      smallScenario({ pool: { servers: 5, balancer: { policy: "sticky" } }, horizon: "6h" }),
    );
    const { advice, own } = await advise(scenario, { policies: ["sticky"], workers: 1 });
    expect(advice.replications).toBe(ADVISE_MIN_REPLICATIONS);
    expect(advice.precision?.reached).toBe(true);
    expect(advice.operator?.healthCheck.replications).toBe(ADVISE_MIN_REPLICATIONS);
    expect(own?.summary.replications).toBe(ADVISE_MIN_REPLICATIONS);
    expect(ADVISE_MIN_REPLICATIONS).toBeGreaterThanOrEqual(30);
    // A random pool's own curve counts its resends by 10 but keeps 30 (it is also the run's
    // summary and the operator's view); sticky in its table never has a resend delivered.
    const random = await advise(busy({ policy: "random" }), {
      policies: ["random", "sticky"],
      precision: loose,
      tablePrecision: loose,
      workers: 1,
    });
    expect(replications(random.advice)).toEqual({ random: ADVISE_MIN_REPLICATIONS, sticky: ADVISE_MIN_REPLICATIONS });
    expect(resendsCounted([random.own?.results ?? []], DEFAULT_MIN_REPLICATIONS, RESENDS_OF_EACH_OUTCOME)).toBe(true);
  });

  it("stops a table curve whose placement cannot vary at Law & Kelton's 10 once every wait holds 10 resends of each outcome", async () => {
    const options = { precision: loose, tablePrecision: loose, placementWorlds: false, workers: 1 };
    const drawn = await advise(busy({ policy: "sticky" }), {
      ...options,
      policies: ["sticky", "random", "round-robin"],
    });
    // Round-robin's order among the relays matters: drawn (one placement a replication, not
    // worlds), the floor of 30 holds.
    expect(replications(drawn.advice)).toEqual({
      sticky: ADVISE_MIN_REPLICATIONS,
      random: DEFAULT_MIN_REPLICATIONS,
      "round-robin": ADVISE_MIN_REPLICATIONS,
    });
    // With the placement given, nothing is drawn.
    const given = busy({ policy: "sticky" }, [{ indices: [0, 1], on: ["spamcop"] }]);
    const fixed = await advise(given, { ...options, policies: ["sticky", "round-robin"] });
    expect(replications(fixed.advice)["round-robin"]).toBe(DEFAULT_MIN_REPLICATIONS);
  });

  it("holds a sparse table curve at 30 while its resends are not counted, and --min-replications overrides every floor", async () => {
    // About half a resend a replication: fewer than 10 rejected in 30 replications.
    const sparse = parseScenario(
      smallScenario({
        pool: { servers: 5, balancer: { policy: "sticky" } },
        horizon: "6h",
        traffic: { senders: 1, rate: "4/d" },
      }),
    );
    const options = { policies: ["sticky", "random", "round-robin"], placementWorlds: false, workers: 1 } as const;
    const floored = await advise(sparse, { ...options, precision: loose, tablePrecision: loose });
    expect(replications(floored.advice)).toEqual({ sticky: 30, random: 30, "round-robin": 30 });
    const given = { ...loose, minReplications: 12 };
    const set = await advise(sparse, { ...options, precision: given, tablePrecision: given });
    expect(replications(set.advice)).toEqual({ sticky: 12, random: 12, "round-robin": 12 });
    // A maximum below 30 caps the counted floor as it caps the others: the targets, met, decide there.
    const capped = { ...loose, maxReplications: 20 };
    const short = await advise(sparse, { ...options, precision: capped, tablePrecision: capped });
    expect(replications(short.advice)).toEqual({ sticky: 20, random: 20, "round-robin": 20 });
    for (const p of short.advice.policies) expect(p.precision?.reached, p.policy).toBe(true);
  });
});

describe("inputs with nothing to judge", () => {
  it("returns the moot verdict without simulating when nothing is ever listed", async () => {
    const scenario = parseScenario(smallScenario({ listed: [] }), "test");
    expect(nothingListed(scenario)).toBe(true);
    const { advice, own } = await advise(scenario, { workers: 1 });
    expect(advice.verdict).toBe("nothing-listed");
    expect(advice.waitingHelps).toBe(false);
    expect(own).toBeNull();
  });

  it("rejects a scenario whose users never resend, and unknown policies", async () => {
    const once = parseScenario(smallScenario({ resend: { maxAttempts: 1 } }), "test");
    await expect(advise(once, { workers: 1 })).rejects.toThrow(/maxAttempts is 1/);
    await expect(advise(once, { workers: 1 })).rejects.toBeInstanceOf(AdviseError);
    expect(() => tablePolicies("timer", ["sticky", "fastest"])).toThrow(/unknown policy "fastest"/);
    expect(tablePolicies("timer", ["sticky", "timer", "sticky"])).toEqual(["timer", "sticky"]);
  });
});

describe("advise shadows a grid's waits in one run where resends do not feed back (model/shadow-resends.ts)", () => {
  /** Floats rounded to 9 significant digits: shadowed mean delays are sums in another order. */
  const rounded = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "number" ? Number(v.toPrecision(9)) : v)));

  it("gives the advice of one run per wait, to the ninth digit, for timer, sticky and random", async () => {
    const base = parseScenario(
      smallScenario({
        horizon: "1d",
        pool: { servers: 10, balancer: { policy: "timer", period: "10m" }, sessionTime: "2s" },
        listed: [{ servers: 2, on: ["spamcop"] }],
        traffic: { senders: 60, rate: "40/d" },
        resend: { after: { uniform: ["2m", "12m"] }, probability: 0.9, maxAttempts: 3 },
      }),
    );
    const options = {
      precision: { targets: { resendFailure: 0.02 }, maxReplications: 14 },
      replications: 6,
      policies: ["sticky", "random", "round-robin"] as Policy[],
      workers: 2,
    };
    const shadowed = await advise(base, options);
    const separate = await advise(base, { ...options, shadow: false });
    expect(shadowed.advice.points.length).toBeGreaterThan(10);
    expect(shadowed.advice.points.some((p) => (p.mean ?? 0) > 0)).toBe(true);
    expect(shadowed.advice.policies.map((p) => p.method)).toEqual([
      "shadow-resends",
      "shadow-resends",
      "shadow-resends",
      "shadow-worlds",
    ]);
    expect(separate.advice.policies.every((p) => p.method === "separate-runs")).toBe(true);
    expect(rounded(withoutMethod(shadowed.advice))).toEqual(rounded(withoutMethod(separate.advice)));
    expect(shadowed.own?.summary).toEqual(separate.own?.summary);
  });

  it("gives exactly the advice of one run per wait for round-robin, dns, stick-table and least-connections (worlds)", async () => {
    for (const [balancer, sessionTime] of [
      [{ policy: "round-robin" }, "2s"],
      [{ policy: "dns", ttl: "5m" }, "2s"],
      [{ policy: "stick-table", expire: "20m" }, "2s"],
      // Sessions of minutes, so that several are in progress and the counts decide picks.
      [{ policy: "least-connections" }, { exponential: "3m" }],
    ] as const) {
      const base = parseScenario(
        smallScenario({
          horizon: "1d",
          pool: { servers: 10, balancer, sessionTime },
          listed: [{ servers: 2, on: ["spamcop"] }],
          traffic: { senders: 60, rate: "40/d" },
          resend: { after: { uniform: ["2m", "12m"] }, probability: 0.9, maxAttempts: 3 },
        }),
      );
      const options = {
        precision: { targets: { resendFailure: 0.02 }, maxReplications: 12 },
        replications: 6,
        policies: [] as Policy[],
        workers: 1,
      };
      const shadowed = await advise(base, options);
      const separate = await advise(base, { ...options, shadow: false });
      expect(shadowed.advice.policies.map((p) => p.method)).toEqual(["shadow-worlds"]);
      expect(shadowed.advice.points.some((p) => (p.mean ?? 0) > 0)).toBe(true);
      // Worlds sum as the runs do: not a digit differs.
      expect(withoutMethod(shadowed.advice)).toEqual(withoutMethod(separate.advice));
      expect(shadowed.own?.summary).toEqual(separate.own?.summary);
    }
  });
});
