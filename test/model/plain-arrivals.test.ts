// The plain path for first submissions (MailModel.plainArrivals) against the general one
// (submit() through the simulator's dispatch): every count, the event count and the watch's ticks
// must agree exactly. An attempt sink turns the plain path off without changing the run (it
// only reads), so the same replication runs both ways: with a sink (general) and without (plain).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
  return plain.plainTaken;
}

describe("plain first submissions", () => {
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
