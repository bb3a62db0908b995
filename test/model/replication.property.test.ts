// Holds the simulator to the closed forms of DESIGN §5 (src/analytic/) across parameters that
// fast-check generates from fixed seeds. Every comparison uses a Chernoff or Hoeffding bound
// (test/helpers/chernoff.ts) at false-alarm probability ALPHA, and the whole file makes fewer
// than COMPARISONS comparisons, so a correct simulator fails this file with probability < 1e-6.
// The wrong models named in the foundation issue fail it: resends that forget the domain's
// subscriptions (random: resend failure p·k/N instead of k/N) and a timer that re-draws within
// a slot (timer: failure at d < T far below 1 − d/T).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { random as randomForms, timer as timerForms } from "../../src/analytic/index.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario } from "../../src/model/replication.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { Scenario, ScenarioInput } from "../../src/scenario/schema.js";
import { bernoulliKl, binomialAgrees, describeProportion, hoeffdingHalfWidth } from "../helpers/chernoff.js";

const COMPARISONS = 200;
const ALPHA = 1e-6 / COMPARISONS;
const DOMAINS = 20_000;

interface PoolCase {
  servers: number;
  listed: number[] | number;
  subscribers: number;
  balancer: ScenarioInput["pool"]["balancer"];
  resendAfter: number;
  maxAttempts: number;
  /** Messages to simulate (in expectation). */
  messages: number;
  horizon: number;
  senders?: number;
}

function scenarioFor(c: PoolCase): Scenario {
  const senders = c.senders ?? 500;
  return parseScenario({
    name: "property",
    seed: 1,
    replications: 1,
    horizon: c.horizon,
    pool: { servers: c.servers, balancer: c.balancer, sessionTime: 0 },
    blacklists: [{ name: "list", subscribers: c.subscribers }],
    listed: [typeof c.listed === "number" ? { servers: c.listed, on: ["list"] } : { indices: c.listed, on: ["list"] }],
    recipients: { domains: DOMAINS, zipf: 0 },
    traffic: { senders, rate: c.messages / senders / c.horizon },
    resend: { after: c.resendAfter, probability: 1, maxAttempts: c.maxAttempts },
  });
}

function simulate(c: PoolCase, seed: number, replication = 0): ReplicationResult {
  const scenario = scenarioFor(c);
  return runReplication(new CompiledScenario(scenario), seed, replication);
}

/**
 * The realised share of subscribed domains is Binomial(D, p)/D; bound it by Chernoff and
 * accept a message-level proportion that agrees with some rate q·share for a share in the bound.
 */
function agreesGivenSubscriptions(successes: number, n: number, p: number, scale: number): boolean {
  const threshold = Math.log(2 / ALPHA) / DOMAINS;
  let lo = p;
  let hi = p;
  while (lo > 0 && bernoulliKl(lo, p) < threshold) lo = Math.max(0, lo - 1e-4);
  while (hi < 1 && bernoulliKl(hi, p) < threshold) hi = Math.min(1, hi + 1e-4);
  const observed = successes / n;
  const nearest = Math.min(Math.max(observed, lo * scale), hi * scale);
  return binomialAgrees(successes, n, nearest, ALPHA);
}

const runs = (seed: number, numRuns: number) => ({ seed, numRuns, endOnFailure: true });

/** Resends are iid Bernoulli(q) given the replication's state: hold their count to q by Chernoff. */
function expectResendFailure(label: string, counts: ReplicationResult["counts"], q: number): void {
  expect(
    binomialAgrees(counts.resendRejected, counts.resends, q, ALPHA),
    describeProportion(label, counts.resendRejected, counts.resends, q),
  ).toBe(true);
}

describe("random balancing matches p·k/N, k/N and p·(k/N)^A", () => {
  it("holds across generated pools", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((servers) =>
          fc.record({
            servers: fc.constant(servers),
            k: fc.integer({ min: 1, max: servers - 1 }),
            subscribers: fc.double({ min: 0.1, max: 1, noNaN: true }),
            maxAttempts: fc.integer({ min: 2, max: 4 }),
            seed: fc.integer({ min: 1, max: 1_000_000 }),
          }),
        ),
        ({ servers, k, subscribers, maxAttempts, seed }) => {
          const c: PoolCase = {
            servers,
            listed: k,
            subscribers,
            balancer: { policy: "random" },
            resendAfter: 600,
            maxAttempts,
            messages: Math.min(400_000, (30_000 * servers) / (k * subscribers)),
            horizon: 7 * 86_400,
          };
          const { counts } = simulate(c, seed);
          const first = randomForms.firstAttemptFailure(servers, k, subscribers);
          const resend = randomForms.resendFailure(servers, k);
          const message = randomForms.messageFailure(servers, k, subscribers, maxAttempts);
          expect(
            agreesGivenSubscriptions(counts.firstRejected, counts.messages, subscribers, first / subscribers),
            describeProportion("first attempt", counts.firstRejected, counts.messages, first),
          ).toBe(true);
          expectResendFailure("resend", counts, resend);
          expect(
            agreesGivenSubscriptions(counts.failed, counts.messages, subscribers, message / subscribers),
            describeProportion("message", counts.failed, counts.messages, message),
          ).toBe(true);
        },
      ),
      runs(2024, 8),
    );
  });
});

describe("sticky balancing: a resend always fails", () => {
  it("holds across generated pools", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (servers, subscribers, after, seed) => {
          const { counts } = simulate(
            {
              servers,
              listed: 1,
              subscribers,
              balancer: { policy: "sticky" },
              resendAfter: after,
              maxAttempts: 3,
              messages: 50_000,
              horizon: 86_400,
            },
            seed,
          );
          expect(counts.resends).toBeGreaterThan(0);
          expect(counts.resendRejected).toBe(counts.resends);
        },
      ),
      runs(7, 8),
    );
  });
});

/** A timer case: the horizon is a whole number of rotations (N·T), so every sender meets every server equally. */
const timerCase = fc.integer({ min: 2, max: 30 }).chain((servers) =>
  fc.record({
    servers: fc.constant(servers),
    listed: fc.uniqueArray(fc.integer({ min: 0, max: servers - 1 }), { minLength: 1, maxLength: servers - 1 }),
    period: fc.integer({ min: 60, max: 3600 }),
    // Delays up to two full rotations, so the curve's return to the same server is covered.
    delaySlots: fc.double({ min: 0, max: 2 * servers, noNaN: true }),
    subscribers: fc.double({ min: 0.2, max: 1, noNaN: true }),
    perSender: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  }),
);

describe("timer/rotate matches the fixed-placement closed form", () => {
  it("holds across generated pools, phases and delays", () => {
    fc.assert(
      fc.property(timerCase, ({ servers, listed, period, delaySlots, subscribers, perSender, seed }) => {
        const d = delaySlots * period;
        const k = listed.length;
        const c: PoolCase = {
          servers,
          listed,
          subscribers,
          balancer: { policy: "timer", period, phase: perSender ? "per-sender" : "global", assignment: "rotate" },
          resendAfter: d,
          maxAttempts: 2,
          messages: Math.min(600_000, (20_000 * servers) / (k * subscribers)),
          horizon: servers * period * Math.max(1, Math.ceil((7 * 86_400) / (servers * period))),
        };
        const { counts } = simulate(c, seed);
        const q = timerForms.rotateResendFailureFixed(servers, listed, period, d);
        expectResendFailure(`rotate N=${servers} listed=${listed} T=${period} d=${d}`, counts, q);
      }),
      runs(99, 12),
    );
  });

  it("averages to DESIGN's (1 − d/T) + (d/T)(k−1)/(N−1) over random placements", () => {
    // Each replication draws its own placement; the per-replication proportions are iid in [0, 1]
    // with mean the closed form, so Hoeffding bounds their average.
    const servers = 12;
    const k = 3;
    const period = 600;
    const replications = 400;
    for (const d of [0, 150, 450, 600, 3000]) {
      const c: PoolCase = {
        servers,
        listed: k,
        subscribers: 1,
        balancer: { policy: "timer", period, phase: "global", assignment: "rotate" },
        resendAfter: d,
        maxAttempts: 2,
        messages: 4000,
        horizon: servers * period * 4,
      };
      let sum = 0;
      for (let r = 0; r < replications; r++) {
        const { counts } = simulate(c, 5, r);
        sum += counts.resendRejected / counts.resends;
      }
      const q = timerForms.rotateResendFailure(servers, k, period, d);
      expect(Math.abs(sum / replications - q), `d=${d}: ${sum / replications} vs ${q}`).toBeLessThanOrEqual(
        hoeffdingHalfWidth(replications, ALPHA),
      );
    }
  });
});

describe("timer/shuffle matches (1 − d/T) + (d/T)·k/N, then k/N", () => {
  it("holds across generated pools, phases and delays", () => {
    fc.assert(
      fc.property(timerCase, ({ servers, listed, period, delaySlots, subscribers, perSender, seed }) => {
        const d = delaySlots * period;
        const k = listed.length;
        // Many quiet senders, so two rejections of one sender rarely share a slot.
        const c: PoolCase = {
          servers,
          listed: k,
          subscribers,
          balancer: { policy: "timer", period, phase: perSender ? "per-sender" : "global", assignment: "shuffle" },
          resendAfter: d,
          maxAttempts: 2,
          messages: Math.min(600_000, (20_000 * servers) / (k * subscribers)),
          horizon: 30 * 86_400,
          senders: 20_000,
        };
        const { counts } = simulate(c, seed);
        const q = timerForms.shuffleResendFailure(servers, k, period, d);
        expectResendFailure(`shuffle N=${servers} k=${k} T=${period} d=${d}`, counts, q);
      }),
      runs(31, 12),
    );
  });
});
