// The worlds' run (model/shadow-worlds.ts) takes runs of arrivals and the queued events between
// them itself, as run() would hand them over: the watch must still see the clock at every
// `every`-th event, exactly as when run() dispatches each event alone.
import { describe, expect, it } from "vitest";
import { CompiledScenario, simulateReplication } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

const input: ScenarioInput = {
  name: "worlds-watch",
  horizon: "1d",
  warmup: "2h",
  pool: { servers: 8, balancer: { policy: "round-robin" }, sessionTime: "2s", avoidListed: { checkEvery: "3h" } },
  blacklists: [{ name: "spamcop", subscribers: 0.5, listingDelay: { exponential: "2h" }, delistAfter: "8h" }],
  listed: [{ servers: 2, on: ["spamcop"], from: "1h", until: "20h" }],
  recipients: { domains: 300, zipf: 1 },
  traffic: { senders: 60, rate: "80/d" },
  resend: { after: { uniform: ["1m", "20m"] }, maxAttempts: 3 },
};
const DELAYS = [0, 60, 600];

function ticks(every: number | null): { times: number[]; events: number; shadow: unknown } {
  const compiled = new CompiledScenario(parseScenario(input));
  const times: number[] = [];
  const watch = every === null ? null : { every, tick: (t: number) => times.push(t) };
  const run = simulateReplication(compiled, 5, 0, null, watch, DELAYS);
  return { times, events: run.events, shadow: run.shadow };
}

describe("the worlds' run under a clock watch", () => {
  it("ticks at every `every`-th event, as run() dispatching each event alone does", () => {
    // every = 1: nothing may be taken outside run(), so this is each event's time in order.
    const each = ticks(1);
    expect(each.times.length).toBe(each.events);
    for (const every of [2, 7, 1000]) {
      const watched = ticks(every);
      expect(watched.events).toBe(each.events);
      expect(watched.shadow).toEqual(each.shadow);
      expect(watched.times).toEqual(each.times.filter((_, i) => (i + 1) % every === 0));
    }
  });

  it("without a watch takes the whole replication in runs and reports every event, as run() would", () => {
    // No watch: the loop leaves only at the horizon, after counting the arrivals it took itself.
    const each = ticks(1);
    const unwatched = ticks(null);
    expect(unwatched.events).toBe(each.events);
    expect(unwatched.shadow).toEqual(each.shadow);
  });
});
