// The worlds' run is MailModel's own first-submission path (WorldsArrivals, model/shadow-worlds.ts),
// no longer a subclass: a MailModel built with advise's waits on a balancer that keeps state runs
// each wait as a world, and each world counts what a real run at that wait counts — through the
// operator's health checks, which the model hands on to the worlds when they change eligibility.
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run.js";
import { CompiledScenario, MailModel } from "../../src/model/replication.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

const input: ScenarioInput = {
  name: "worlds-arrivals",
  horizon: "2d",
  warmup: "3h",
  pool: {
    servers: 8,
    balancer: { policy: "round-robin" },
    sessionTime: "2s",
    avoidListed: { checkEvery: "90m" },
  },
  blacklists: [
    { name: "spamcop", subscribers: 0.4, listingDelay: { exponential: "2h" }, delistAfter: "24h" },
    { name: "zen", subscribers: 0.3 },
  ],
  listed: [
    { servers: 2, on: ["spamcop"], from: "3h", until: "30h" },
    { servers: 1, on: ["zen"], from: "10h", until: "20h" },
  ],
  compromise: { ratePerServer: "1/3d", cleanup: { exponential: "1d" } },
  recipients: { domains: 400, zipf: 1 },
  traffic: { senders: 40, rate: "60/d" },
  resend: { after: { uniform: ["1m", "20m"] }, maxAttempts: 3 },
};
const DELAYS = [0, 300, 1200];

function withWait(d: number): ScenarioInput {
  return { ...input, resend: { ...input.resend, after: { fixed: d } } } as ScenarioInput;
}

describe("MailModel's worlds' arrivals", () => {
  it("count, in each world, what a real run at that wait counts, through the health checks", () => {
    const compiled = new CompiledScenario(parseScenario(input));
    let resends = 0;
    for (const replication of [0, 1]) {
      const model = new MailModel(compiled, 11, replication, null, DELAYS);
      expect(model.plain).toBe(false);
      expect(model.regimeArrivals).toBeNull();
      const tally = model.run();
      const shadow = model.shadowResult();
      expect(shadow?.firstAttempts).toBe(true);
      expect(shadow?.faithful).toBe(true);
      // The real run itself is the run without waits.
      expect(tally.messages).toBe(runReplication(compiled, 11, replication).counts.messages);
      DELAYS.forEach((d, j) => {
        const run = runReplication(new CompiledScenario(parseScenario(withWait(d))), 11, replication);
        const world = shadow?.worlds[j];
        expect(world?.resends).toBe(run.counts.resends);
        expect(world?.resendRejected).toBe(run.counts.resendRejected);
        expect(world?.failed).toBe(run.counts.failed);
        expect(world?.firstRejected).toBe(run.counts.firstRejected);
        expect(world?.delivered).toBe(run.counts.delivered);
        resends += run.counts.resends;
      });
    }
    // Enough resends that a world's pick after a check on the wrong relay would show.
    expect(resends).toBeGreaterThan(100);
  });

  it("refuse attempt records, as the worlds always have", () => {
    const compiled = new CompiledScenario(parseScenario(input));
    expect(() => new MailModel(compiled, 11, 0, { attempt: () => {} }, DELAYS)).toThrow(RangeError);
    // Without waits the same scenario records its attempts.
    expect(() => new MailModel(compiled, 11, 0, { attempt: () => {} })).not.toThrow();
  });
});
