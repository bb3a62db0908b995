// The plain path for first submissions (MailModel.plainArrivals) against the general one
// (submit() through the simulator's dispatch): every count, the event count and the watch's ticks
// must agree exactly. An attempt sink turns the plain path off without changing the run (it
// only reads), so the same replication runs both ways: with a sink (general) and without (plain).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replicationResult } from "../../src/experiment/result.js";
import { CompiledScenario, MailModel } from "../../src/model/replication.js";
import type { AttemptSink } from "../../src/model/sink.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { Scenario, ScenarioInput } from "../../src/scenario/schema.js";

const readOnlySink: AttemptSink = { attempt() {} };

/** One replication's plain-data result, its event count and the watch's ticks, with or without the plain path. */
function run(scenario: Scenario, replication: number, plain: boolean, every = 0) {
  const compiled = new CompiledScenario(scenario);
  const model = new MailModel(compiled, scenario.seed, replication, plain ? null : readOnlySink);
  const ticks: number[] = [];
  model.run(every > 0 ? { every, tick: (t) => ticks.push(t) } : null);
  const s = compiled.scenario;
  return {
    plainTaken: model.plain,
    aheadTaken: (model as unknown as { ahead: unknown }).ahead !== null,
    result: replicationResult(
      replication,
      model.simulator.eventsHandled,
      model.tally,
      s.pool.servers,
      s.horizon - s.warmup,
    ),
    delay: model.tally.delay.toJSON(),
    ticks,
  };
}

function expectSameRun(scenario: Scenario, replication: number, every = 0): boolean {
  const plain = run(scenario, replication, true, every);
  const general = run(scenario, replication, false, every);
  expect(general.plainTaken).toBe(false);
  expect(plain.result).toEqual(general.result);
  expect(plain.delay).toEqual(general.delay);
  expect(plain.ticks).toEqual(general.ticks);
  // Pools below the look-ahead's size never take it, unless a test lowers the bar to 0.
  if (MailModel.lookAheadBytes === 0) expect(plain.aheadTaken).toBe(plain.plainTaken);
  else expect(plain.aheadTaken).toBe(false);
  return plain.plainTaken;
}

// Each test twice: the plain loop drawing as it goes (plainArrivals), and drawing ahead in blocks
// (plainArrivalsAhead, look-ahead.ts), which only large pools take by default.
describe.each([
  ["drawing as it goes", MailModel.lookAheadBytes],
  ["drawing ahead", 0],
])("plain first submissions, %s", (_, bytes) => {
  const saved = MailModel.lookAheadBytes;
  beforeAll(() => {
    MailModel.lookAheadBytes = bytes;
  });
  afterAll(() => {
    MailModel.lookAheadBytes = saved;
  });

  const files = readdirSync("scenarios").filter((f) => f.endsWith(".json"));
  it.each(files)("scenarios/%s: same counts as the general path", (file) => {
    const scenario = loadScenario(join("scenarios", file));
    if (scenario.recipients.perMessage !== undefined && scenario.recipients.perMessage !== null) return;
    // A short horizon keeps the file fast; the shipped scenarios cover the shapes (listings,
    // lifecycles, health checks, 4xx retries, greylisting, capacity, DNS pins).
    const short = parseScenario({ ...scenario, horizon: Math.min(scenario.horizon, 20 * 86400), warmup: 0 });
    expectSameRun(short, 1);
  });

  it("is taken for an unlimited-capacity timer pool, and the watch ticks at the same events", () => {
    const scenario = loadScenario(join("scenarios", "18of20.json"));
    // A tick every 7 events falls inside runs of arrivals, which must then stop for it.
    expect(expectSameRun(parseScenario({ ...scenario, horizon: 2 * 86400 }), 0, 7)).toBe(true);
  });

  it("agrees with the general path on generated small scenarios", () => {
    const policy = fc.constantFrom<ScenarioInput["pool"]["balancer"]>(
      { policy: "timer", period: 600 },
      { policy: "timer", period: 900, phase: "per-sender", assignment: "shuffle" },
      { policy: "random" },
      { policy: "sticky" },
      { policy: "round-robin" },
      { policy: "least-connections" },
    );
    const sessionTime = fc.constantFrom<ScenarioInput["pool"]["sessionTime"]>(
      2,
      0,
      { exponential: 3 },
      { uniform: [1, 5] },
    );
    fc.assert(
      fc.property(
        fc.record({
          servers: fc.integer({ min: 1, max: 8 }),
          listed: fc.integer({ min: 0, max: 3 }),
          reply: fc.constantFrom("5xx", "4xx"),
          subscribers: fc.double({ min: 0, max: 1, noNaN: true }),
          policy,
          sessionTime,
          capacity: fc.constantFrom(null, 1, 3),
          senders: fc.integer({ min: 1, max: 40 }),
          perDay: fc.integer({ min: 1, max: 400 }),
          warmup: fc.constantFrom(0, 3600, 86400),
          timeseries: fc.constantFrom(600, 3600, 86400),
          check: fc.boolean(),
          probability: fc.constantFrom(1, 0.5),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        (c) => {
          const scenario = parseScenario({
            name: "plain-vs-general",
            seed: c.seed,
            replications: 1,
            horizon: 2 * 86400,
            warmup: c.warmup,
            pool: {
              servers: c.servers,
              balancer: c.policy,
              capacity: c.capacity,
              sessionTime: c.sessionTime,
              ...(c.check ? { avoidListed: { checkEvery: 300 } } : {}),
            },
            blacklists: [{ name: "list", subscribers: c.subscribers, reply: c.reply }],
            listed: [{ servers: Math.min(c.listed, c.servers), on: ["list"] }],
            recipients: { domains: 50, zipf: 1 },
            traffic: { senders: c.senders, rate: c.perDay / 86400 },
            resend: { after: { uniform: [60, 600] }, probability: c.probability, maxAttempts: 3 },
            output: { timeseries: c.timeseries },
          } as ScenarioInput);
          const taken = expectSameRun(scenario, 0, 5);
          expect(taken).toBe(c.capacity === null && c.policy?.policy !== "least-connections");
        },
      ),
      { seed: 14, numRuns: 60 },
    );
  });
});

describe("drawing ahead", () => {
  it("is taken by default for the ESP-sized pool's tables and not for 18of20's", () => {
    const taken = (input: ScenarioInput) =>
      (new MailModel(new CompiledScenario(parseScenario(input)), 1, 0) as unknown as { ahead: unknown }).ahead !== null;
    const small = loadScenario(join("scenarios", "18of20.json"));
    expect(taken(small as ScenarioInput)).toBe(false);
    // A million senders' base servers (2 MB) alone: over the bar, whatever the domains.
    expect(taken({ ...small, horizon: 3600, traffic: { senders: 1_000_000, rate: 1 / 86400 } } as ScenarioInput)).toBe(
      true,
    );
    // 100 000 domains' alias table and masks (1.2 MB) alone, too.
    expect(taken({ ...small, horizon: 3600, recipients: { domains: 100_000, zipf: 1 } } as ScenarioInput)).toBe(true);
  });

  it("a pool over the bar gives the general path's counts: 200 000 senders, 100 000 domains, 40 relays", () => {
    const small = loadScenario(join("scenarios", "18of20.json"));
    const big = parseScenario({
      ...small,
      horizon: 2 * 86400,
      pool: { ...small.pool, servers: 40 },
      listed: [{ servers: 8, on: ["spamcop"] }],
      recipients: { domains: 100_000, zipf: 1 },
      traffic: { senders: 200_000, rate: 1 / 86400 },
    } as ScenarioInput);
    const plain = run(big, 0, true, 0);
    const general = run(big, 0, false, 0);
    expect(plain.aheadTaken).toBe(true);
    expect(plain.result).toEqual(general.result);
    expect(plain.delay).toEqual(general.delay);
  });
});
