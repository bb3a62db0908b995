// Random streams per purpose and prefix-stable (DESIGN §2, "Randomness"): first attempts and
// resends draw from different streams, and a longer horizon extends each process's draws
// without changing the earlier ones. Checked on the attempt records the model emits.
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run.js";
import { compromiseCycles, compromiseListings, compromiseStreams } from "../../src/model/lifecycle.js";
import { CompiledScenario } from "../../src/model/replication.js";
import type { AttemptRecord } from "../../src/model/sink.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

function records(input: ScenarioInput, seed: number, replication: number): AttemptRecord[] {
  const out: AttemptRecord[] = [];
  runReplication(new CompiledScenario(parseScenario(input)), seed, replication, { attempt: (r) => out.push({ ...r }) });
  return out;
}

const base: ScenarioInput = {
  name: "streams",
  horizon: "2d",
  warmup: "2h",
  pool: { servers: 10, balancer: { policy: "random" }, sessionTime: { exponential: "3s" } },
  blacklists: [
    { name: "spamcop", subscribers: 0.4, listingDelay: { exponential: "2h" }, delistAfter: "24h" },
    { name: "zen", subscribers: 0.3, reply: "4xx" },
  ],
  listed: [{ servers: 2, on: ["spamcop"], from: "3h", until: "30h" }],
  compromise: { ratePerServer: "1/3d", cleanup: { exponential: "1d" } },
  recipients: { domains: 500, zipf: 1 },
  traffic: { senders: 50, rate: "60/d" },
  resend: { after: { uniform: ["5m", "15m"] }, probability: 0.9, maxAttempts: 3 },
  mta: { retry: "postfix", queueLifetime: "12h" },
};

describe("first attempts and resends draw from different streams", () => {
  it("with random balancing, changing only resend.after leaves every first attempt as it was", () => {
    const first = (input: ScenarioInput) =>
      records(input, 5, 1)
        .filter((r) => r.kind === "first")
        .map((r) => [r.message, r.time, r.server, r.outcome]);
    const a = first(base);
    const b = first({ ...base, resend: { ...base.resend, after: { exponential: "40m" } } });
    expect(a.length).toBeGreaterThan(2000);
    expect(a.filter((r) => r[3] !== "delivered").length).toBeGreaterThan(50);
    expect(b).toEqual(a);
  });
});

describe("a longer horizon extends each process's draws without changing the earlier ones", () => {
  const HORIZON = 2 * 86_400;
  const longer: ScenarioInput = { ...base, horizon: "5d" };

  it("leaves every attempt before the old horizon unchanged (arrivals, picks, listings, resends, retries)", () => {
    const withCapacity = (input: ScenarioInput): ScenarioInput => ({
      ...input,
      pool: { ...input.pool, capacity: 2, avoidListed: { checkEvery: "30m" } },
    });
    for (const make of [(i: ScenarioInput) => i, withCapacity]) {
      const short = records(make(base), 9, 0).filter((r) => r.time < HORIZON);
      const long = records(make(longer), 9, 0).filter((r) => r.time < HORIZON);
      expect(short.length).toBeGreaterThan(4000);
      expect(new Set(short.map((r) => r.kind)).size).toBe(3);
      expect(long).toEqual(short);
    }
  });

  it("leaves the compromises of server 1 and all listings before the old horizon unchanged", () => {
    const cycles = (input: ScenarioInput) =>
      compromiseCycles(parseScenario(input), compromiseStreams(9, 0)).filter(
        (c) => c.server === 1 && c.compromisedAt < HORIZON,
      );
    expect(cycles(base).length).toBeGreaterThan(0);
    expect(cycles(longer)).toEqual(cycles(base));
    const listings = (input: ScenarioInput) =>
      compromiseListings(parseScenario(input), compromiseStreams(9, 0)).filter((l) => l.from < HORIZON);
    expect(listings(longer)).toEqual(listings(base));
  });
});
