// The loop of first submissions for pools that track or limit sessions (capacity/arrivals.ts,
// with the queued attempts' starts it takes between arrivals) against the general path
// (submit() and every event through Simulator.run's dispatch). An attempt sink turns the loop off
// without changing the run (it only reads), so the same replication runs both ways. Every count
// of the result (histograms, per-server sessions, busy and wait seconds, time series), the
// delay histogram, the events handled and the number of a watch's ticks must be equal; the ticks'
// times too, unless the loop settled a held wait at its arrival (its event counted then, not at
// its start).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replicationResult } from "../../../src/experiment/result.js";
import { CompiledScenario, MailModel } from "../../../src/model/replication.js";
import type { AttemptSink } from "../../../src/model/sink.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { Scenario, ScenarioInput } from "../../../src/scenario/schema.js";
import { sameMap } from "../../helpers/v8-maps.js";

const readOnlySink: AttemptSink = { attempt() {} };

function run(scenario: Scenario, loop: boolean, every: number) {
  const compiled = new CompiledScenario(scenario);
  const model = new MailModel(compiled, scenario.seed, 0, loop ? null : readOnlySink);
  const ticks: number[] = [];
  model.run({ every, tick: (t) => ticks.push(t) });
  const s = compiled.scenario;
  return {
    taken: model.regimeArrivals !== null,
    settled: model.regimeArrivals?.settled ?? 0,
    result: JSON.stringify(
      replicationResult(0, model.simulator.eventsHandled, model.tally, s.pool.servers, s.horizon - s.warmup),
    ),
    delay: JSON.stringify(model.tally.delay.toJSON()),
    ticks,
  };
}

/** The watch's ticks: as many on both paths, at the same times unless the loop settled waits early. */
function expectTicksAsGeneral(loop: ReturnType<typeof run>, general: ReturnType<typeof run>) {
  expect(loop.ticks.length).toBe(general.ticks.length);
  if (loop.settled === 0) expect(loop.ticks).toEqual(general.ticks);
}

/** The loop's run of `scenario` (which must take the loop) against the general path's: the same result, delays and, if asked, ticks. */
function expectLoopAsGeneral(scenario: Scenario, every: number, ticks: boolean) {
  const loop = run(scenario, true, every);
  const general = run(scenario, false, every);
  expect(loop.taken).toBe(true);
  expect(loop.result).toBe(general.result);
  expect(loop.delay).toBe(general.delay);
  if (ticks) expectTicksAsGeneral(loop, general);
  return loop;
}

/**
 * Busy relays of 2 sessions (many waits) behind one list whose listings come and go, as in the
 * tests below: `pool` and `list` add to the pool's and the list's fields, `compromise` to the
 * compromises'.
 */
function comingAndGoing(
  name: string,
  seed: number,
  balancer: ScenarioInput["pool"]["balancer"],
  pool: object,
  list: object,
  compromise: object,
): Scenario {
  return parseScenario({
    name,
    seed,
    replications: 1,
    horizon: 4 * 3600,
    pool: { servers: 6, balancer, capacity: 2, sessionTime: 2, ...pool },
    blacklists: [{ name: "a", subscribers: 0.8, ...list }],
    compromise,
    recipients: { domains: 200, zipf: 1 },
    traffic: { senders: 50, rate: (0.85 * 2 * 6) / 2 / 50 },
    resend: { after: { uniform: [60, 600] }, maxAttempts: 3 },
    mta: { retry: [30, 120, 600, 2400] },
    output: { timeseries: 600 },
  } as ScenarioInput);
}

const sessionTime = fc.oneof(
  // Whole seconds: sessions end, and queued sessions start, at equal times on several servers.
  fc.integer({ min: 1, max: 6 }),
  fc.record({
    lognormal: fc.record({
      median: fc.double({ min: 0.5, max: 4, noNaN: true }),
      sigma: fc.double({ min: 0.1, max: 1.5, noNaN: true }),
    }),
  }),
  fc.double({ min: 0.5, max: 4, noNaN: true }).map((mean) => ({ exponential: mean })),
);

const shapes = fc.record({
  servers: fc.integer({ min: 1, max: 8 }),
  policy: fc.constantFrom<ScenarioInput["pool"]["balancer"]>(
    { policy: "random" },
    { policy: "timer", period: 600 },
    { policy: "sticky" },
    { policy: "round-robin" },
    { policy: "least-connections" },
  ),
  capacity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 5 }),
  sessionTime,
  /** Offered sessions per server and second over the mean session, against a capacity of 2. */
  load: fc.double({ min: 0.2, max: 1.3, noNaN: true }),
  reply: fc.constantFrom("4xx", "5xx"),
  subscribers: fc.double({ min: 0.2, max: 1, noNaN: true }),
  listedServers: fc.integer({ min: 0, max: 2 }),
  check: fc.option(fc.constantFrom(300, 1200), { nil: null }),
  moveDeferred: fc.boolean(),
  retry: fc.constantFrom<NonNullable<ScenarioInput["mta"]>["retry"]>("qmail", "postfix", [30, 120, 600, 2400]),
  retryFrom: fc.constantFrom<"same" | "pool" | undefined>(undefined, "same", "pool"),
  requeue: fc.boolean(),
  greylisting: fc.boolean(),
  warmup: fc.constantFrom(0, 1200),
  probability: fc.constantFrom(1, 0.6),
  every: fc.constantFrom(5, 1000),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe("first submissions through the regime loop", () => {
  it("give every count, the events and the watch's ticks of the general path", () => {
    let taken = 0;
    let settled = 0;
    fc.assert(
      fc.property(shapes, (c) => {
        const meanSession =
          typeof c.sessionTime === "number"
            ? c.sessionTime
            : "lognormal" in c.sessionTime
              ? c.sessionTime.lognormal.median * Math.exp(c.sessionTime.lognormal.sigma ** 2 / 2)
              : c.sessionTime.exponential;
        const perSecond = (c.load * 2 * c.servers) / meanSession;
        const horizon = Math.min(3 * 3600, 1500 / perSecond);
        const scenario = parseScenario({
          name: "regime-loop-vs-general",
          seed: c.seed,
          replications: 1,
          horizon,
          warmup: horizon < 2400 ? 0 : c.warmup,
          pool: {
            servers: c.servers,
            balancer: c.policy,
            capacity: c.capacity,
            sessionTime: c.sessionTime,
            avoidListed: c.check === null ? null : { checkEvery: c.check, moveDeferred: c.moveDeferred },
          },
          blacklists: [{ name: "list", subscribers: c.subscribers, reply: c.reply, delistAfter: 2400 }],
          listed: [{ servers: Math.min(c.listedServers, c.servers), on: ["list"] }],
          recipients: { domains: 200, zipf: 1 },
          traffic: { senders: 50, rate: perSecond / 50 },
          resend: { after: { uniform: [60, 600] }, maxAttempts: 3, probability: c.probability },
          mta: {
            retry: c.retry,
            ...(c.retryFrom === undefined ? {} : { retryFrom: c.retryFrom }),
            ...(c.requeue ? { onBlocklist: "requeue" } : {}),
          },
          ...(c.greylisting ? { greylisting: { domains: 0.3, delay: 90 } } : {}),
          output: { timeseries: 600 },
        } as ScenarioInput);
        const loop = run(scenario, true, c.every);
        const general = run(scenario, false, c.every);
        const limited = c.capacity !== null || c.policy?.policy === "least-connections";
        expect(loop.taken).toBe(limited && !c.greylisting);
        expect(general.taken).toBe(false);
        expect(loop.result).toBe(general.result);
        expect(loop.delay).toBe(general.delay);
        expectTicksAsGeneral(loop, general);
        if (loop.taken) taken++;
        if (loop.settled > 0) settled++;
      }),
      { seed: 1415, numRuns: 80, endOnFailure: true },
    );
    // The generator must exercise the loop, not only the shapes that turn it off.
    expect(taken).toBeGreaterThan(30);
    // Few shapes take runRing (a capacity, a fixed whole-second session, no least-connections, no
    // health check moving deferred mail); the next test settles waits among listings that come and go.
    expect(settled).toBeGreaterThan(0);
  });

  it("keeps the message slots' order where a health check moves deferred mail by slot (fixed sessions, waits held)", () => {
    // RetryRoutes.moveOffExcluded draws a relay for each deferred message in slot order, so which
    // slots deferred messages take must not change: busy relays of 2 sessions (many waits),
    // 4xx listings that come and go (many deferred messages), a check every 5 minutes.
    for (const [seed, policy] of [
      [3, { policy: "random" }],
      [4, { policy: "round-robin" }],
      [5, { policy: "timer", period: 600 }],
    ] as const) {
      const scenario = comingAndGoing(
        "regime-loop-move-deferred",
        seed,
        policy,
        { avoidListed: { checkEvery: 300, moveDeferred: true } },
        { reply: "4xx", listingDelay: { exponential: 1800 }, delistAfter: 2400 },
        { ratePerServer: 1 / 3600, cleanup: { exponential: 1200 } },
      );
      expectLoopAsGeneral(scenario, 1000, false);
    }
  });

  it("settles a held wait at its arrival only when no listing starts before its start", () => {
    // Listings that come and go every few minutes (compromises listed after ~2 minutes, delisted
    // after 10) on busy relays of 2 sessions: many waits straddle a change, which may turn a
    // delivery into a rejection or back, 4xx (retried) or 5xx (resent). Settling one of those at
    // its arrival would count it delivered, or not, against the general path.
    // The receivers' mirrors (propagation) move the board by events of their own; their caches
    // answer by the time asked, so no wait is settled under them.
    const late = { propagation: { listing: { exponential: 60 }, delisting: 30 } };
    const cached = { cache: { listed: 300, clean: 120 } };
    let settled = 0;
    for (const [seed, policy, reply, receivers] of [
      [11, { policy: "random" }, "5xx", {}],
      [12, { policy: "random" }, "4xx", {}],
      [13, { policy: "round-robin" }, "5xx", {}],
      [14, { policy: "timer", period: 600 }, "4xx", {}],
      [15, { policy: "random" }, "5xx", late],
      [16, { policy: "random" }, "5xx", cached],
    ] as const) {
      const scenario = comingAndGoing(
        "regime-loop-settle",
        seed,
        policy,
        {},
        { reply, listingDelay: { exponential: 120 }, delistAfter: 600, ...receivers },
        { ratePerServer: 1 / 900, cleanup: { exponential: 300 } },
      );
      const loop = expectLoopAsGeneral(scenario, 1000, true);
      if (receivers === cached) expect(loop.settled).toBe(0);
      settled += loop.settled;
    }
    expect(settled).toBeGreaterThan(1000);
  });

  it("takes bench/scenarios.mjs's capacity shape for an hour with the general path's counts", () => {
    const input: ScenarioInput = {
      name: "regime-loop-capacity",
      seed: 1,
      replications: 1,
      horizon: 3600,
      pool: { servers: 20, balancer: { policy: "random" }, capacity: 4, sessionTime: 2 },
      blacklists: [{ name: "spamcop", subscribers: 0.3 }],
      listed: [{ servers: 2, on: ["spamcop"] }],
      recipients: { domains: 5000, zipf: 1.0 },
      traffic: { senders: 2000, rate: 1000 / 86400 },
      resend: { after: { uniform: [300, 900] }, maxAttempts: 3 },
    } as ScenarioInput;
    for (const policy of [{ policy: "random" }, { policy: "least-connections" }] as const) {
      const scenario = parseScenario({ ...input, pool: { ...input.pool, balancer: policy } });
      expectLoopAsGeneral(scenario, 7, true);
    }
  });

  it("adds the last arrival's delay when the horizon follows it (runs of one to a few messages)", () => {
    // runRing counts an arrival's delay with LogHistogram.addRepeated, and with add() when that
    // declines (a replication's first delivery): a run whose only delivery is its last arrival,
    // just before the horizon, must still count it (cap3 found an ordering of these two steps that
    // lost it). Horizons of ~1 arrival, 40 seeds.
    let single = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const scenario = parseScenario({
        name: "regime-loop-edge",
        seed,
        replications: 1,
        horizon: 1.5,
        pool: { servers: 3, balancer: { policy: "random" }, capacity: 2, sessionTime: 2 },
        blacklists: [{ name: "list", subscribers: 0.3 }],
        recipients: { domains: 50, zipf: 1 },
        traffic: { senders: 10, rate: 0.1 },
        resend: { after: { uniform: [60, 600] }, maxAttempts: 3 },
      } as ScenarioInput);
      const loop = expectLoopAsGeneral(scenario, 1000, false);
      if (JSON.parse(loop.delay).count === 1) single++;
    }
    expect(single).toBeGreaterThan(5);
  });

  it("goes on from where a slice of arrivals ended (runs of thousands of arrivals, a watch that rarely ticks)", () => {
    // The loops return after every SLICE (2048) arrivals and are called again from the arrival
    // they took last (RegimeArrivals' `resume`); with a watch ticking every 5-1000 events no run
    // reaches a slice's end, so here it ticks every 10^6 events. 6 hours of bench's capacity shape
    // (~500 000 arrivals) under both policies, at capacity 4 (many waits held across a slice's end)
    // and 2 (a busier pool).
    const input: ScenarioInput = {
      name: "regime-loop-slices",
      seed: 3,
      replications: 1,
      horizon: 6 * 3600,
      pool: { servers: 20, balancer: { policy: "random" }, capacity: 4, sessionTime: 2 },
      blacklists: [{ name: "spamcop", subscribers: 0.3 }],
      listed: [{ servers: 2, on: ["spamcop"] }],
      recipients: { domains: 5000, zipf: 1.0 },
      traffic: { senders: 2000, rate: 1000 / 86400 },
      resend: { after: { uniform: [300, 900] }, maxAttempts: 3 },
    } as ScenarioInput;
    for (const policy of [{ policy: "random" }, { policy: "least-connections" }] as const) {
      for (const capacity of [4, 2]) {
        const scenario = parseScenario({ ...input, pool: { ...input.pool, capacity, balancer: policy } });
        expectLoopAsGeneral(scenario, 1_000_000, true);
      }
    }
  });
});

describe("the regime loops' objects", () => {
  it("keep their maps from one replication to the next (a loop compiled in one is not deoptimised by the next's)", () => {
    // Fractional session lengths and times: a field declared as a small integer would be widened
    // to a double in the first replication, and the next replication's objects get another map.
    const input = {
      name: "regime-loop-maps",
      seed: 5,
      replications: 1,
      horizon: 1800,
      pool: { servers: 20, balancer: { policy: "random" }, capacity: 4, sessionTime: 1.5 },
      blacklists: [{ name: "spamcop", subscribers: 0.3 }],
      listed: [{ servers: 2, on: ["spamcop"] }],
      recipients: { domains: 500, zipf: 1.0 },
      traffic: { senders: 200, rate: 2000 / 86400 },
      resend: { after: { uniform: [300, 900] }, maxAttempts: 3 },
    } as ScenarioInput;
    for (const policy of [{ policy: "random" }, { policy: "least-connections" }] as const) {
      const compiled = new CompiledScenario(parseScenario({ ...input, pool: { ...input.pool, balancer: policy } }));
      const before = new MailModel(compiled, 1, 0);
      const ran = new MailModel(compiled, 2, 0);
      ran.run();
      expect(ran.regimeArrivals).not.toBeNull();
      const after = new MailModel(compiled, 3, 0);
      // Each compared before anything reads its own fields (a read moves an object off a replaced map).
      const objects: Array<(m: MailModel) => object> = [
        (m) => m.simulator,
        (m) => m.tally.delay,
        (m) => (m as unknown as { capacity: object }).capacity,
        (m) => m.regimeArrivals as object,
        (m) => (m.regimeArrivals as unknown as { parts: object }).parts,
      ];
      for (const of of objects) expect(sameMap(of(before), of(after))).toBe(true);
    }
  });
});
