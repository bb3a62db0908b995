// Invariants of DESIGN §2–3 that hold in every replication of every policy: each counted
// message ends delivered or failed, no message is submitted more than maxAttempts times,
// attempts come in time order, and without listings nothing is ever rejected.
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario } from "../../src/model/replication.js";
import type { AttemptRecord } from "../../src/model/sink.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

const BALANCERS: ScenarioInput["pool"]["balancer"][] = [
  { policy: "random" },
  { policy: "random", weights: [5, 1, 1, 1, 1, 1, 0, 2] },
  { policy: "round-robin" },
  { policy: "round-robin", weights: [5, 1, 1, 1, 1, 1, 0, 2] },
  { policy: "round-robin", resetAfterIdle: "10m" },
  { policy: "round-robin", weights: [5, 1, 1, 1, 1, 1, 0, 2], resetAfterIdle: "1h" },
  { policy: "timer", period: "10m", assignment: "rotate", phase: "global" },
  { policy: "timer", period: "10m", assignment: "shuffle", phase: "per-sender" },
  { policy: "sticky" },
  { policy: "dns", ttl: "5m" },
  { policy: "dns", ttl: "10m", resolvers: 3, recordsPerAnswer: 2 },
  { policy: "least-connections" },
  { policy: "stick-table", expire: "30m", balance: "roundrobin" },
  { policy: "stick-table", expire: "2h", balance: "random" },
];

function scenario(balancer: ScenarioInput["pool"]["balancer"], listed: boolean) {
  return parseScenario(scenarioInput(balancer, listed));
}

function scenarioInput(balancer: ScenarioInput["pool"]["balancer"], listed: boolean): ScenarioInput {
  return {
    name: "invariants",
    horizon: "2d",
    warmup: "6h",
    pool: { servers: 8, balancer, sessionTime: { exponential: "3s" } },
    blacklists: [
      { name: "spamcop", subscribers: 0.4 },
      { name: "zen", subscribers: 0.5 },
    ],
    listed: listed
      ? [
          { servers: 2, on: ["spamcop"], from: "3h", until: "30h" },
          { indices: [1, 2], on: ["zen", "spamcop"], from: "1d" },
        ]
      : [],
    recipients: { domains: 300, zipf: 1.1 },
    traffic: { senders: 40, rate: "100/d" },
    resend: { after: { exponential: "20m" }, probability: 0.8, maxAttempts: 3 },
  };
}

describe.each(BALANCERS)("balancer %j", (balancer) => {
  it("keeps the invariants with listings", () => {
    const s = scenario(balancer, true);
    const records: AttemptRecord[] = [];
    const result = runReplication(new CompiledScenario(s), 3, 0, { attempt: (r) => records.push({ ...r }) });
    const c = result.counts;
    expect(c.messages).toBeGreaterThan(0);
    expect(c.firstRejected).toBeGreaterThan(0);
    expect(c.delivered + c.failed).toBe(c.messages);

    let last = Number.NEGATIVE_INFINITY;
    const submissions = new Map<number, number>();
    const outcome = new Map<number, string>();
    for (const r of records) {
      expect(r.time).toBeGreaterThanOrEqual(last);
      last = r.time;
      expect(r.submission).toBeLessThanOrEqual(s.resend.maxAttempts);
      expect(r.submission).toBe((submissions.get(r.message) ?? 0) + 1);
      expect(outcome.get(r.message)).not.toBe("delivered");
      submissions.set(r.message, r.submission);
      outcome.set(r.message, r.outcome);
    }
    const counted = records.filter((r) => r.counted);
    expect(counted.length).toBe(c.attempts);
    expect(counted.filter((r) => r.submission > 1).length).toBe(c.resends);
    expect(counted.filter((r) => r.submission > 1 && r.outcome !== "delivered").length).toBe(c.resendRejected);
    expect(new Set(counted.map((r) => r.message)).size).toBe(c.messages);
  });

  it("rejects nothing when nothing is listed", () => {
    const result = runReplication(new CompiledScenario(scenario(balancer, false)), 3, 0);
    expect(result.counts.messages).toBeGreaterThan(0);
    expect(result.counts.firstRejected).toBe(0);
    expect(result.counts.failed).toBe(0);
    expect(result.counts.delivered).toBe(result.counts.messages);
    expect(result.metrics.listedFraction).toBe(0);
  });
});

describe("listed fraction", () => {
  it("is the time share of servers on at least one list within [warmup, horizon)", () => {
    const s = scenario({ policy: "random" }, true);
    const result = runReplication(new CompiledScenario(s), 3, 0);
    // Window [6h, 48h) = 42h of 8 servers. Entry 1: 2 servers, [3h, 30h) → 24h each inside the
    // window. Entry 2: servers 1 and 2 from 24h on → 24h each; where they coincide with entry 1,
    // the union counts once. So the total lies between 48h and 96h of server time.
    const total = result.servers.listed.reduce((a, b) => a + b, 0);
    expect(result.metrics.listedFraction).toBeCloseTo(total / (8 * 42 * 3600), 12);
    expect(total).toBeGreaterThanOrEqual(48 * 3600 - 1e-6);
    expect(total).toBeLessThanOrEqual(96 * 3600 + 1e-6);
    expect(result.servers.listed[1]).toBeGreaterThanOrEqual(24 * 3600 - 1e-6);
  });
});

/** The same invariants with every realism feature of DESIGN §2 switched on, one at a time and together. */
const REALISM: Array<[string, Partial<ScenarioInput>, ScenarioInput["pool"]]> = [
  ["capacity", {}, { servers: 8, balancer: { policy: "random" }, capacity: 1, sessionTime: { exponential: "20s" } }],
  [
    "capacity + least-connections",
    {},
    { servers: 8, balancer: { policy: "least-connections" }, capacity: 1, sessionTime: { exponential: "20s" } },
  ],
  ["health check", {}, { servers: 8, balancer: { policy: "timer", period: "10m" }, avoidListed: { checkEvery: "5m" } }],
  [
    "4xx + compromise + everything",
    {
      blacklists: [
        { name: "spamcop", subscribers: 0.4, reply: "4xx", listingDelay: { exponential: "1h" }, delistAfter: "12h" },
        { name: "zen", subscribers: 0.5, listingDelay: "30m", delistAfter: { exponential: "1d" } },
      ],
      compromise: { ratePerServer: "1/5d", cleanup: { exponential: "1d" } },
      mta: { retry: "postfix", queueLifetime: "6h" },
    },
    {
      servers: 8,
      balancer: { policy: "least-connections" },
      capacity: 2,
      avoidListed: { checkEvery: "6h" },
      sessionTime: { exponential: "10s" },
    },
  ],
];

describe.each(REALISM)("with %s", (_label, overrides, pool) => {
  it("keeps the invariants", () => {
    const s = parseScenario({ ...scenarioInput(BALANCERS[0], true), ...overrides, pool });
    const records: AttemptRecord[] = [];
    // Replication 2: one whose listings fall inside the counted window between health checks.
    const result = runReplication(new CompiledScenario(s), 5, 2, { attempt: (r) => records.push({ ...r }) });
    const c = result.counts;
    expect(c.messages).toBeGreaterThan(0);
    // A health check may leave no rejection at all (listings start on check times here).
    if (pool.avoidListed === undefined) expect(c.firstRejected).toBeGreaterThan(0);
    expect(c.delivered + c.failed).toBe(c.messages);
    let last = Number.NEGATIVE_INFINITY;
    const submission = new Map<number, AttemptRecord>();
    for (const r of records) {
      expect(r.time).toBeGreaterThanOrEqual(last);
      last = r.time;
      expect(r.submission).toBeLessThanOrEqual(s.resend.maxAttempts);
      const first = submission.get(r.message);
      if (r.kind === "retry") {
        // An MTA retry belongs to the current submission and leaves from the same relay.
        expect(first?.submission).toBe(r.submission);
        expect(r.server).toBe(first?.server);
      } else {
        expect(r.submission).toBe((first?.submission ?? 0) + 1);
        submission.set(r.message, r);
      }
    }
    const counted = records.filter((r) => r.counted);
    expect(counted.length).toBe(c.attempts);
    expect(counted.filter((r) => r.kind === "retry").length).toBe(c.retries);
    if (overrides.mta) expect(c.retries).toBeGreaterThan(0);
  });
});
