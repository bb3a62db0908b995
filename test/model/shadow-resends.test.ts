// Shadow resends (model/shadow-resends.ts) are exact: for every scenario shadowProblem accepts,
// a wait's shadow world counts what a real run with `resend.after` fixed at that wait counts,
// replication by replication. And the real run itself is untouched by its shadows. Balancers
// whose picks keep state (round-robin, stick-table, dns) are shadowed as worlds with first
// attempts of their own (model/shadow-worlds.ts): the same equalities hold for them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { shadowViews } from "../../src/experiment/advise.js";
import { runReplication } from "../../src/experiment/run.js";
import type { Balancer } from "../../src/model/balancers/balancer.js";
import { CHECK, KIND_BITS, KIND_MASK, SHADOW } from "../../src/model/codes.js";
import { ListingBoard } from "../../src/model/listing-board.js";
import { CompiledScenario } from "../../src/model/replication.js";
import { addRepeated, batchExponent, ShadowResends, shadowProblem } from "../../src/model/shadow-resends.js";
import { Tally } from "../../src/model/tally.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { Scenario, ScenarioInput } from "../../src/scenario/schema.js";

const base: ScenarioInput = {
  name: "shadow",
  horizon: "2d",
  warmup: "3h",
  pool: { servers: 10, balancer: { policy: "random" }, sessionTime: { lognormal: { median: "3s", sigma: 0.8 } } },
  blacklists: [
    { name: "spamcop", subscribers: 0.4, listingDelay: { exponential: "2h" }, delistAfter: "24h" },
    { name: "zen", subscribers: 0.3 },
  ],
  listed: [
    { servers: 2, on: ["spamcop"], from: "3h", until: "30h" },
    { servers: 1, on: ["zen"] },
  ],
  compromise: { ratePerServer: "1/3d", cleanup: { exponential: "1d" } },
  recipients: { domains: 400, zipf: 1 },
  traffic: { senders: 40, rate: "60/d" },
  resend: { after: { uniform: ["1m", "20m"] }, probability: 0.8, maxAttempts: 3 },
};

const variants: Record<string, ScenarioInput> = {
  random: base,
  "weighted random, health check": {
    ...base,
    pool: {
      ...base.pool,
      balancer: { policy: "random", weights: [1, 2, 3, 4, 5, 1, 2, 3, 4, 5] },
      avoidListed: { checkEvery: "4h" },
    },
  },
  "timer, per-sender shuffle": {
    ...base,
    pool: { ...base.pool, balancer: { policy: "timer", period: "7m", phase: "per-sender", assignment: "shuffle" } },
  },
  "timer, health check, fixed sessions": {
    ...base,
    pool: {
      ...base.pool,
      sessionTime: "2s",
      balancer: { policy: "timer", period: "10m" },
      avoidListed: { checkEvery: "3h" },
    },
    resend: { after: { exponential: "8m" }, probability: 1, maxAttempts: 4 },
  },
  sticky: { ...base, pool: { ...base.pool, balancer: { policy: "sticky" } } },
  // Balancers whose picks move their own state: each wait is a world with its own balancer.
  "round-robin (worlds)": { ...base, pool: { ...base.pool, balancer: { policy: "round-robin" } } },
  "weighted round-robin with an idle reset, fixed sessions (worlds)": {
    ...base,
    pool: {
      ...base.pool,
      sessionTime: "2s",
      balancer: { policy: "round-robin", weights: [3, 1, 2, 1, 1, 2, 1, 1, 4, 1], resetAfterIdle: "2m" },
    },
    resend: { after: { exponential: "8m" }, probability: 1, maxAttempts: 4 },
  },
  "stick-table, random dispatch (worlds)": {
    ...base,
    pool: { ...base.pool, balancer: { policy: "stick-table", expire: "30m", balance: "random" } },
  },
  "stick-table, round-robin dispatch (worlds)": {
    ...base,
    pool: { ...base.pool, balancer: { policy: "stick-table", expire: "30m", balance: "roundrobin" } },
  },
  "dns (worlds)": { ...base, pool: { ...base.pool, balancer: { policy: "dns", ttl: "5m" } } },
  "round-robin, health check (worlds)": {
    ...base,
    pool: { ...base.pool, balancer: { policy: "round-robin" }, avoidListed: { checkEvery: "2h" } },
  },
  "stick-table, random dispatch, health check (worlds)": {
    ...base,
    pool: {
      ...base.pool,
      balancer: { policy: "stick-table", expire: "30m", balance: "random" },
      avoidListed: { checkEvery: "3h" },
    },
  },
  "dns with shared resolvers and several records (worlds)": {
    ...base,
    pool: { ...base.pool, balancer: { policy: "dns", ttl: "5m", resolvers: 4, recordsPerAnswer: 3 } },
  },
  // Fixed lengths: first deliveries counted and added k at a time (addRepeated), with the worlds
  // kept together (RoundRobinWorlds, DnsWorlds, StickTableWorlds); the resend waits are constant too.
  // No health check: every relay stays a candidate, so the worlds that bounce are named by mask
  // (RoundRobinWorlds.firstPicksIn, ShadowResends.firstBounces).
  "round-robin, fixed sessions (worlds together)": {
    ...base,
    pool: { ...base.pool, sessionTime: "2s", balancer: { policy: "round-robin" } },
  },
  "round-robin, fixed sessions, health check (worlds together)": {
    ...base,
    pool: { ...base.pool, sessionTime: "2s", balancer: { policy: "round-robin" }, avoidListed: { checkEvery: "2h" } },
  },
  "dns, fixed sessions (worlds together)": {
    ...base,
    pool: { ...base.pool, sessionTime: "1.5s", balancer: { policy: "dns", ttl: "5m" } },
  },
  "stick-table, round-robin dispatch, fixed sessions, health check (worlds together)": {
    ...base,
    pool: {
      ...base.pool,
      sessionTime: "3s",
      balancer: { policy: "stick-table", expire: "30m", balance: "roundrobin" },
      avoidListed: { checkEvery: "3h" },
    },
  },
  // Each world keeps its own sessions in progress (variable lengths: a heap of their ends).
  "least-connections (worlds)": { ...base, pool: { ...base.pool, balancer: { policy: "least-connections" } } },
  // Busy: ~80 sessions in progress on 10 relays, so the counts decide most picks (and grow past the
  // levels and ring first allotted); fixed lengths: all worlds at once (LeastConnectionsWorlds).
  "least-connections, busy, fixed sessions (worlds together)": {
    ...base,
    horizon: "1d",
    pool: { ...base.pool, sessionTime: "90s", balancer: { policy: "least-connections" } },
    traffic: { senders: 400, rate: "200/d" },
    resend: { after: { exponential: "8m" }, probability: 1, maxAttempts: 3 },
  },
  "least-connections, health check (worlds)": {
    ...base,
    pool: { ...base.pool, balancer: { policy: "least-connections" }, avoidListed: { checkEvery: "2h" } },
  },
  "least-connections, fixed sessions, health check (worlds together)": {
    ...base,
    pool: {
      ...base.pool,
      sessionTime: "20m",
      balancer: { policy: "least-connections" },
      avoidListed: { checkEvery: "2h" },
    },
  },
  // More than 32 relays: a balancer and a FIFO of session ends per world.
  "least-connections, 40 relays, fixed sessions (worlds)": {
    ...base,
    pool: { ...base.pool, servers: 40, sessionTime: "20m", balancer: { policy: "least-connections" } },
    listed: [{ servers: 8, on: ["spamcop"], from: "3h", until: "30h" }],
  },
};

const DELAYS = [0, 45, 300, 1200, 7200];

function withWait(s: ScenarioInput, d: number): ScenarioInput {
  return { ...s, resend: { ...s.resend, after: { fixed: d } } } as ScenarioInput;
}

describe("a wait's shadow world counts what a real run at that wait counts", () => {
  for (const [name, input] of Object.entries(variants)) {
    it(name, () => {
      const scenario: Scenario = parseScenario(input);
      const compiled = new CompiledScenario(scenario);
      expect(shadowProblem(compiled)).toBeNull();
      let resends = 0;
      for (const replication of [0, 1]) {
        const probed = runReplication(compiled, 11, replication, null, null, DELAYS);
        const plain = runReplication(compiled, 11, replication);
        // The shadows leave the real run as it was (apart from the events they add).
        const { shadow, events: _e, ...real } = probed;
        const { events: _p, ...expected } = plain;
        expect(real).toEqual(expected);
        expect(shadow?.faithful).toBe(true);
        const views = shadowViews(probed);
        DELAYS.forEach((d, j) => {
          const run = runReplication(new CompiledScenario(parseScenario(withWait(input, d))), 11, replication);
          const view = views[j];
          expect(view.counts).toEqual(run.counts);
          for (const metric of ["resendFailure", "messageFailure", "attemptsPerMessage"] as const) {
            expect(view.metrics[metric]).toBe(run.metrics[metric]);
          }
          for (const metric of ["firstAttemptFailure", "bounceRate"] as const) {
            expect(view.metrics[metric]).toBe(run.metrics[metric]);
          }
          // Worlds sum their delays as the run's histogram does: the same bits.
          if (probed.shadow?.firstAttempts) expect(view.metrics.deliveryDelayMean).toBe(run.metrics.deliveryDelayMean);
          else expect(view.metrics.deliveryDelayMean).toBeCloseTo(run.metrics.deliveryDelayMean as number, 9);
          resends += run.counts.resends;
        });
      }
      // Enough resends that a wrong stream or a missed second resend would show.
      expect(resends).toBeGreaterThan(200);
    });
  }
});

describe("a world's queued resends keep the order numbers they were scheduled with", () => {
  // Each world's resends wait in a queue of their own and only its head in the simulator's heap,
  // handed over with the order number schedule() gave it when it was queued: so at equal times it
  // still goes before an event scheduled after it (a health check here), as a resend scheduled on
  // its own would. Event times are exact here, which a run's Poisson arrivals never give.
  it("a resend due with a later-scheduled health check picks before the check excludes its relay", () => {
    const servers = 4;
    const compiled = new CompiledScenario(
      parseScenario({
        ...base,
        pool: { servers, balancer: { policy: "round-robin" }, sessionTime: "2s" },
        listed: [],
        resend: { after: { fixed: 100 }, probability: 1, maxAttempts: 2 },
      } as ScenarioInput),
    );
    const tally = new Tally(servers, 1, 60);
    // One list, consulted by domain 0; the pointer starts where the worlds' "balancer" stream puts it.
    const board = new ListingBoard(servers, 1, Int32Array.of(1), 0, tally);
    const start = Math.floor(randomStream(5, 0, "balancer").next() * servers);
    const at = (k: number) => (start + k) % servers;
    board.listOn(board.key(at(0), 0), 0);
    board.listOn(board.key(at(1), 0), 0);
    const simulator = new Simulator();
    const unused: Balancer = { pick: () => 0, eligibilityChanged: () => {} };
    const shadow = new ShadowResends(compiled, 5, 0, [100], unused, board, simulator);
    // Two first attempts, both to listed relays in every world: resends due at 102 and 103, the
    // second queued behind the first; then a check at 103, scheduled after both.
    shadow.firstAttempt(0, 0, true, 0, 2);
    shadow.firstAttempt(1, 0, true, 1, 2);
    simulator.schedule(103, CHECK);
    simulator.run({
      handle(time: number, payload: number) {
        if ((payload & KIND_MASK) === SHADOW) shadow.fire(payload >> KIND_BITS, time);
        else {
          // The check excludes the relay the second resend picks: after it, that resend would
          // step on to at(0), which is listed.
          board.eligible[at(3)] = 0;
          shadow.eligibilityChanged();
        }
      },
    });
    const { worlds, own } = shadow.result(tally);
    for (const w of [worlds[0], own]) {
      expect(w.firstRejected).toBe(2);
      expect(w.resends).toBe(2);
      expect(w.resendRejected).toBe(0);
    }
  });
});

describe("shadowProblem refuses scenarios where resends feed back into the pool", () => {
  const problem = (patch: Partial<ScenarioInput>) =>
    shadowProblem(new CompiledScenario(parseScenario({ ...base, ...patch } as ScenarioInput)));
  it("balancers with state, queues, 4xx lists", () => {
    // least-connections is shadowed as worlds with sessions of their own, unless sessions queue.
    expect(problem({ pool: { ...base.pool, balancer: { policy: "least-connections" } } })).toBeNull();
    expect(problem({ pool: { ...base.pool, balancer: { policy: "least-connections" }, capacity: 4 } })).toMatch(
      /queue/,
    );
    // Balancers with a state of their own are shadowed as worlds, with a health check too.
    for (const policy of ["round-robin", "dns"] as const) {
      expect(problem({ pool: { ...base.pool, balancer: { policy } } })).toBeNull();
      expect(problem({ pool: { ...base.pool, balancer: { policy }, avoidListed: { checkEvery: "1h" } } })).toBeNull();
    }
    expect(problem({ pool: { ...base.pool, capacity: 3 } })).toMatch(/queue/);
    expect(problem({ blacklists: [{ name: "zen", subscribers: 0.3, reply: "4xx" }], listed: [] })).toMatch(/4xx/);
  });
  it("receivers' caches, several recipients (a stick table is shadowed as worlds)", () => {
    expect(
      problem({
        blacklists: [{ name: "zen", subscribers: 0.3, cache: { listed: "1h", clean: "10m" } }],
        listed: [{ servers: 1, on: ["zen"] }],
      }),
    ).toMatch(/cache/);
    expect(problem({ recipients: { domains: 400, zipf: 1, perMessage: 3 } })).toMatch(/several recipients/);
    expect(
      problem({
        pool: { ...base.pool, balancer: { policy: "stick-table", expire: "30m" }, avoidListed: { checkEvery: "1h" } },
      }),
    ).toBeNull();
  });
  it("greylisting, and retries that leave their relay", () => {
    expect(problem({ greylisting: { domains: 0.3, delay: "300s" } } as Partial<ScenarioInput>)).toMatch(/greylist/);
    for (const mta of [{ retryFrom: "pool" }, { onBlocklist: "requeue" }]) {
      expect(problem({ mta } as Partial<ScenarioInput>)).toMatch(/leave their relay/);
    }
    expect(
      problem({
        pool: { ...base.pool, avoidListed: { checkEvery: "1h", moveDeferred: true } },
      } as Partial<ScenarioInput>),
    ).toMatch(/leave their relay/);
  });
  it("and the model will not build shadows for them", () => {
    const compiled = new CompiledScenario(
      parseScenario({
        ...base,
        pool: { ...base.pool, balancer: { policy: "least-connections" }, capacity: 4 },
      } as ScenarioInput),
    );
    expect(() => runReplication(compiled, 1, 0, null, null, DELAYS)).toThrow(/shadow resends/);
    // Nor for the flow of several recipients, which refuses through the same check.
    const split = new CompiledScenario(
      parseScenario({ ...base, recipients: { domains: 400, zipf: 1, perMessage: 3 } } as ScenarioInput),
    );
    expect(() => runReplication(split, 1, 0, null, null, DELAYS)).toThrow(/shadow resends: .*several recipients/);
  });
});

describe("addRepeated: k equal values added at once, bit for bit as one at a time", () => {
  // LogHistogram.add's compensated step, the reference the worlds' sums must match.
  const oneByOne = (sum: number, error: number, x: number, k: number): [number, number] => {
    let s = sum;
    let e = error;
    for (let j = 0; j < k; j++) {
      const t = s + x;
      e += s >= x ? s - t + x : x - t + s;
      s = t;
    }
    return [s, e];
  };
  const expectSame = (sum: number, error: number, x: number, k: number) => {
    const sums = Float64Array.of(sum);
    const errors = Float64Array.of(error);
    addRepeated(sums, errors, 0, x, k, batchExponent(x));
    expect([sums[0], errors[0]]).toEqual(oneByOne(sum, error, x, k));
  };
  it("batchExponent: the sums whose ulp divides x", () => {
    expect(batchExponent(2)).toBe(1076); // ulp(s) ≤ 2: s < 2^54
    expect(batchExponent(1.5)).toBe(1074);
    expect(batchExponent(7200)).toBe(1080);
    expect(batchExponent(0)).toBe(-1);
    expect(batchExponent(Number.NaN)).toBe(-1);
  });
  it("across binades, from 0, with lengths finer than the sum's ulp", () => {
    // Sums with a fraction (resend delays), just below a power of two, and past 2^53 where 2 is no longer exact.
    for (const sum of [
      0,
      1e-300,
      1234.5678,
      2 ** 20 - 3.000001,
      2 ** 21 - 1e-9,
      2 ** 53 - 7,
      2 ** 54 - 4,
      2 ** 55 + 8,
    ]) {
      for (const x of [2, 1.5, 0.1, 2 / 3, 7200]) for (const k of [1, 2, 3, 50, 1000]) expectSame(sum, 0.25e-9, x, k);
    }
  });
  it("many values at once: a world's first settle, from 0 or a resend's delay, over many binades", () => {
    // As a world whose first non-fixed value comes late settles every fixed length before it.
    for (const sum of [0, 541.7025000093857, 2 ** 30 + 0.5]) {
      for (const x of [2, 1.5, 0.1]) for (const k of [199_372, 65_537]) expectSame(sum, 0, x, k);
    }
  });
  it("for any sum, length and count", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2 ** 56, noNaN: true }),
        fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
        fc.constantFrom(2, 0.5, 3, 1.7, 0.1, 90, 1200),
        fc.integer({ min: 1, max: 5000 }),
        (sum, error, x, k) => expectSame(sum, error, x, k),
      ),
      { seed: 14, numRuns: 3000 },
    );
  });
});
