// The tracked-sessions regime (least-connections' session counts) against the regime it
// replaced, kept in reference-tracked-sessions.ts: on scenarios fast-check generates —
// capacity 1–5 or none, fixed, lognormal and exponential sessions, 4xx and 5xx lists, health
// checks that move deferred mail, MTA retries from the pool, requeued blocklist bounces,
// greylisting, several recipients, warm-up, overload — every count of the replication's result
// (histograms, per-server sessions, busy and wait seconds, time series, events handled) and
// every attempt record (time, message, server, outcome, list) must be the same. And a few fixed
// scenarios' summary.json must hash to what the regime before this change produced.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runReplication, runScenario } from "../../../src/experiment/run.js";
import type { CapacityRegimeClass } from "../../../src/model/capacity/index.js";
import { TrackedSessions } from "../../../src/model/capacity/tracked-sessions.js";
import { CompiledScenario } from "../../../src/model/replication.js";
import type { AttemptRecord } from "../../../src/model/sink.js";
import { jsonText } from "../../../src/report/files.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";
import { ReferenceTrackedSessions } from "./reference-tracked-sessions.js";

/** One replication's result and its attempt records, as text, under the given regime (or the scenario's own). */
function runWith(input: ScenarioInput, regime: CapacityRegimeClass | null, replication = 0) {
  const compiled = new CompiledScenario(parseScenario(input));
  if (regime !== null) (compiled as { capacityRegime: CapacityRegimeClass }).capacityRegime = regime;
  const records: string[] = [];
  const sink = {
    attempt: (r: Readonly<AttemptRecord>) =>
      records.push(`${r.time} ${r.message} ${r.server} ${r.submission} ${r.kind} ${r.outcome} ${r.counted} ${r.list}`),
  };
  const result = runReplication(compiled, input.seed ?? 1, replication, sink);
  return { regime: compiled.capacityRegime, result: JSON.stringify(result), records };
}

const sessionTime = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((s) => `${s}s`),
  fc.record({
    lognormal: fc.record({
      median: fc.double({ min: 0.5, max: 4, noNaN: true }),
      sigma: fc.double({ min: 0.1, max: 1.5, noNaN: true }),
    }),
  }),
  fc.double({ min: 0.5, max: 4, noNaN: true }).map((mean) => ({ exponential: mean })),
);

const scenario: fc.Arbitrary<ScenarioInput> = fc
  .record({
    servers: fc.integer({ min: 2, max: 8 }),
    capacity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 4 }),
    sessionTime,
    /** Offered sessions per server and second over the mean session: 0.2 (idle) to 1.3 (overloaded) of a capacity of 2. */
    load: fc.double({ min: 0.2, max: 1.3, noNaN: true }),
    reply: fc.constantFrom("4xx", "5xx"),
    subscribers: fc.double({ min: 0.2, max: 1, noNaN: true }),
    listedServers: fc.integer({ min: 1, max: 2 }),
    check: fc.option(fc.constantFrom("5m", "20m"), { nil: null }),
    moveDeferred: fc.boolean(),
    retry: fc.constantFrom<NonNullable<ScenarioInput["mta"]>["retry"]>("qmail", "postfix", ["30s", "2m", "10m", "40m"]),
    retryFrom: fc.constantFrom<"same" | "pool" | undefined>(undefined, "same", "pool"),
    requeue: fc.boolean(),
    greylisting: fc.boolean(),
    perMessage: fc.boolean(),
    warmup: fc.constantFrom("0s", "20m"),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map((c): ScenarioInput => {
    const meanSession =
      typeof c.sessionTime === "string"
        ? Number.parseFloat(c.sessionTime)
        : "lognormal" in c.sessionTime
          ? c.sessionTime.lognormal.median * Math.exp(c.sessionTime.lognormal.sigma ** 2 / 2)
          : c.sessionTime.exponential;
    const perSecond = (c.load * 2 * c.servers) / meanSession;
    const horizon = Math.min(3 * 3600, 1500 / perSecond);
    return {
      name: "tracked-equivalence",
      seed: c.seed,
      replications: 1,
      horizon,
      warmup: c.warmup === "0s" || horizon < 2400 ? 0 : c.warmup,
      pool: {
        servers: c.servers,
        balancer: { policy: "least-connections" },
        capacity: c.capacity,
        sessionTime: c.sessionTime,
        avoidListed: c.check === null ? null : { checkEvery: c.check, moveDeferred: c.moveDeferred },
      },
      blacklists: [{ name: "list", subscribers: c.subscribers, reply: c.reply, delistAfter: "40m" }],
      listed: [{ servers: c.listedServers, on: ["list"] }],
      recipients: { domains: 200, zipf: 1, ...(c.perMessage ? { perMessage: { uniform: [1, 4] } } : {}) },
      traffic: { senders: 50, rate: perSecond / 50 },
      resend: { after: { uniform: ["1m", "10m"] }, maxAttempts: 3, probability: 0.9 },
      mta: {
        retry: c.retry,
        ...(c.retryFrom === undefined ? {} : { retryFrom: c.retryFrom }),
        ...(c.requeue ? { onBlocklist: "requeue" } : {}),
      },
      ...(c.greylisting ? { greylisting: { domains: 0.3, delay: "90s" } } : {}),
      output: { timeseries: "10m" },
    } as ScenarioInput;
  });

describe("TrackedSessions against the regime it replaced", () => {
  it("gives every count and every attempt record the same on generated scenarios", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const now = runWith(input, null);
        const before = runWith(input, ReferenceTrackedSessions);
        expect(now.regime).toBe(TrackedSessions);
        expect(before.regime).toBe(ReferenceTrackedSessions);
        expect(now.records.length).toBeGreaterThan(0);
        expect(now.records.length).toBe(before.records.length);
        for (let i = 0; i < now.records.length; i++) {
          if (now.records[i] !== before.records[i])
            expect(`attempt ${i}: ${now.records[i]}`).toBe(`attempt ${i}: ${before.records[i]}`);
        }
        expect(now.result).toBe(before.result);
      }),
      { seed: 1414, numRuns: 60, endOnFailure: true },
    );
  });
});

/**
 * Fixed scenarios whose summary.json the regime before this change produced (sha-256 of the text),
 * re-pinned when the ziggurat exponential replaced −log(1 − u) (engine/exponential.ts): that moved
 * every arrival time, and the regimes were compared under the old draws before.
 */
const PINNED: { input: ScenarioInput; sha256: string }[] = [
  {
    // bench/scenarios.mjs capacityLeastConnections, one hour.
    input: {
      name: "pinned-capacity-lc",
      seed: 1,
      replications: 2,
      horizon: "1h",
      pool: { servers: 20, balancer: { policy: "least-connections" }, capacity: 4, sessionTime: "2s" },
      blacklists: [{ name: "spamcop", subscribers: 0.3 }],
      listed: [{ servers: 2, on: ["spamcop"] }],
      recipients: { domains: 5000, zipf: 1.0 },
      traffic: { senders: 2000, rate: "1000/d" },
      resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
    },
    sha256: "bec0afe9fd753e988f130b96ea6f55f5bf9021abe8a6961210c25ffc7cd52dfe",
  },
  {
    // Lognormal sessions, overloaded capacity 2, a 4xx list with qmail retries, a health check, warm-up.
    input: {
      name: "pinned-lognormal-4xx",
      seed: 7,
      replications: 2,
      horizon: "4h",
      warmup: "30m",
      pool: {
        servers: 6,
        balancer: { policy: "least-connections" },
        capacity: 2,
        sessionTime: { lognormal: { median: "3s", sigma: 1 } },
        avoidListed: { checkEvery: "10m", moveDeferred: true },
      },
      blacklists: [{ name: "spamcop", subscribers: 0.5, reply: "4xx", delistAfter: "1h" }],
      listed: [{ servers: 2, on: ["spamcop"] }],
      recipients: { domains: 300, zipf: 1.0 },
      traffic: { senders: 100, rate: "3500/d" },
      resend: { after: { uniform: ["1m", "5m"] }, maxAttempts: 3 },
      mta: { retry: "qmail" },
    },
    sha256: "5eb3d8fcbab293c3688b0a80a5255db52753ff691b3f97495eadac65d91f1cc4",
  },
  {
    // No capacity limit, exponential sessions, several recipients, greylisting, retries from the pool.
    input: {
      name: "pinned-unlimited-recipients",
      seed: 3,
      replications: 2,
      horizon: "3h",
      pool: {
        servers: 5,
        balancer: { policy: "least-connections" },
        sessionTime: { exponential: "4s" },
      },
      blacklists: [{ name: "spamcop", subscribers: 0.4, reply: "5xx" }],
      listed: [{ servers: 1, on: ["spamcop"] }],
      recipients: { domains: 300, zipf: 1.0, perMessage: { uniform: [1, 5] } },
      traffic: { senders: 100, rate: "1000/d" },
      resend: { after: { uniform: ["1m", "5m"] }, maxAttempts: 3 },
      mta: { retry: "postfix", retryFrom: "pool", onBlocklist: "requeue" },
      greylisting: { domains: 0.3, delay: "60s" },
    },
    sha256: "de918e83807ede07310bd3a23d1a82a028ef0f259e243c6dce38a1cd15a7faa0",
  },
];

describe("TrackedSessions on fixed scenarios", () => {
  it.each(PINNED)("$input.name reproduces the summary of the regime it replaced", ({ input, sha256 }) => {
    const text = jsonText(runScenario(input).summary);
    expect(createHash("sha256").update(text).digest("hex")).toBe(sha256);
  });
});
