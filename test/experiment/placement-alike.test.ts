// placementVaries' claim, checked by simulation: under a policy whose descriptor says it treats
// every relay alike, where the listed relays sit changes no curve. Each replication runs the same
// mail (common random numbers) with the 2 listed relays adjacent ([0, 1]) and apart ([0, 10]);
// their per-replication differences (first attempts, and the resends at each wait) must average 0. A round-robin control, whose
// order among the relays does matter, shows the check can see a placement.
import { describe, expect, it } from "vitest";
import { shadowViews } from "../../src/experiment/advise.js";
import { placementVaries } from "../../src/experiment/placement-worlds.js";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario } from "../../src/model/compiled.js";
import { parseScenario } from "../../src/scenario/load.js";
import { tBound, tStatistic } from "../helpers/stats.js";

const WAITS = [0, 300, 900];
const REPLICATIONS = 200;
/**
 * |t| with 199 degrees of freedom exceeds 6 with probability about 1e-8; over the 5 policies × 4
 * statistics below, a correct simulator fails with probability below 2e-7.
 */
const BOUND = 6;

function pool(balancer: unknown, indices: number[]) {
  return parseScenario({
    name: "alike",
    seed: 21,
    horizon: "12h",
    pool: { servers: 20, balancer, sessionTime: "60s" },
    blacklists: [{ name: "spamcop", subscribers: 0.5, reply: "5xx" }],
    listed: [{ indices, on: ["spamcop"] }],
    recipients: { domains: 500, zipf: 1 },
    // About 28 sessions in progress on 20 relays: least-connections' ties vary.
    traffic: { senders: 200, rate: "200/d" },
    resend: { after: "5m", probability: 1, maxAttempts: 2 },
  });
}

/**
 * The t statistics of the mean paired difference, adjacent minus apart: of the first-attempt
 * failure, then of the resend failure at each wait.
 */
function placementEffect(balancer: unknown): number[] {
  const adjacent = new CompiledScenario(pool(balancer, [0, 1]));
  const apart = new CompiledScenario(pool(balancer, [0, 10]));
  const differences: number[][] = [[], ...WAITS.map(() => [])];
  const add = (k: number, x: number | null, y: number | null) => {
    if (x !== null && y !== null) differences[k].push(x - y);
  };
  for (let i = 0; i < REPLICATIONS; i++) {
    const a = runReplication(adjacent, 21, i, null, null, WAITS);
    const b = runReplication(apart, 21, i, null, null, WAITS);
    add(0, a.metrics.firstAttemptFailure, b.metrics.firstAttemptFailure);
    const [va, vb] = [shadowViews(a), shadowViews(b)];
    for (let j = 0; j < WAITS.length; j++) add(j + 1, va[j].metrics.resendFailure, vb[j].metrics.resendFailure);
  }
  return differences.map((d) => tStatistic(d).t);
}

describe("policies that treat every relay alike (relaysAlike)", () => {
  for (const balancer of [
    { policy: "random" },
    { policy: "sticky" },
    { policy: "least-connections" },
    { policy: "timer", period: "10m", assignment: "shuffle" },
    // An entry lasts 2 minutes, so the waits of 300 and 900 s dispatch afresh.
    { policy: "stick-table", balance: "random", expire: "2m" },
  ]) {
    it(`${JSON.stringify(balancer)}: the listed relays' placement moves neither first attempts nor any wait's resends`, () => {
      const drawn = parseScenario({ ...pool(balancer, [0, 1]), listed: [{ servers: 2, on: ["spamcop"] }] });
      expect(placementVaries(drawn)).toBe(false);
      const t = placementEffect(balancer);
      expect(
        t.every((x) => Math.abs(x) <= BOUND),
        `t (first attempts, then waits ${WAITS}): ${t.map((x) => x.toFixed(2))}`,
      ).toBe(true);
    });
  }

  it("is sized: a correct simulator exceeds the bound in any of the 20 statistics with probability below 1e-6", () => {
    expect(BOUND).toBeGreaterThanOrEqual(tBound(REPLICATIONS - 1, 5 * (WAITS.length + 1)));
  });

  it("sees the placement where it matters: round-robin", () => {
    const t = placementEffect({ policy: "round-robin" });
    expect(
      Math.max(...t.map(Math.abs)),
      `t (first attempts, then waits ${WAITS}): ${t.map((x) => x.toFixed(2))}`,
    ).toBeGreaterThan(BOUND);
  });
});
