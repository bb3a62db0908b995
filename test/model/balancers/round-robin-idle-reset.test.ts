// `round-robin` with `resetAfterIdle` (KumoMTA): the rotation starts over after an idle spell.
import { describe, expect, it } from "vitest";
import { idleResetShares, resetProbability } from "../../../src/analytic/round-robin.js";
import { randomStream } from "../../../src/engine/random.js";
import { runReplication } from "../../../src/experiment/run.js";
import { IdleResetRoundRobin, RoundRobinBalancer } from "../../../src/model/balancers/round-robin.js";
import { CompiledScenario } from "../../../src/model/replication.js";
import type { AttemptRecord } from "../../../src/model/sink.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

describe("IdleResetRoundRobin", () => {
  it("goes on in turn while busy and starts over from the same relay after `resetAfterIdle` idle", () => {
    const b = new IdleResetRoundRobin(fakePool(5, 1, 3), 600);
    const plain = new RoundRobinBalancer(fakePool(5, 1, 3));
    const start = plain.pick();
    expect(b.pick(0, 0)).toBe(start);
    expect(b.pick(0, 599)).toBe((start + 1) % 5);
    expect(b.pick(0, 1000)).toBe((start + 2) % 5);
    // 600 s since the last pick: back to the start.
    expect(b.pick(0, 1600)).toBe(start);
    expect(b.pick(0, 1601)).toBe((start + 1) % 5);
  });

  it("starts the weighted rotation over too, and skips excluded relays from the start", () => {
    const pool = fakePool(3, 1, 4);
    const b = new IdleResetRoundRobin(pool, 60, [3, 1, 1]);
    const first = [0, 1, 2, 3, 4].map((t) => b.pick(0, t));
    const again = [100, 101, 102, 103, 104].map((t) => b.pick(0, t));
    expect(again).toEqual(first);
    const start = first[0];
    pool.eligible[start] = 0;
    b.eligibilityChanged();
    expect(b.pick(0, 1000)).not.toBe(start);
  });

  it("spreads Poisson picks over the relays as the geometric closed form says", () => {
    const N = 6;
    const tau = 600;
    const random = randomStream(8, 0, "test.idle-reset");
    for (const rate of [1 / 300, 1 / 900]) {
      const b = new IdleResetRoundRobin(fakePool(N, 1, 11), tau);
      const start = new RoundRobinBalancer(fakePool(N, 1, 11)).pick();
      const counts = new Array(N).fill(0);
      let t = 0;
      for (let i = 0; i < 60_000; i++) {
        t += -Math.log(1 - random.next()) / rate;
        counts[(b.pick(0, t) - start + N) % N]++;
      }
      expectFrequencies(counts, idleResetShares(N, resetProbability(rate, tau)), `positions at rate ${rate}`);
    }
  });
});

function scenarioWith(balancer: ScenarioInput["pool"]["balancer"]): ScenarioInput {
  return {
    name: "idle-reset",
    horizon: "3d",
    pool: { servers: 8, balancer, sessionTime: "2s" },
    blacklists: [{ name: "spamcop", subscribers: 1 }],
    listed: [{ servers: 1, on: ["spamcop"] }],
    recipients: { domains: 1, zipf: 0 },
    traffic: { senders: 20, rate: "6/d" },
    resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
  };
}

function run(balancer: ScenarioInput["pool"]["balancer"], sink?: (r: AttemptRecord) => void) {
  const compiled = new CompiledScenario(parseScenario(scenarioWith(balancer)));
  return runReplication(compiled, 9, 0, sink ? { attempt: sink } : null);
}

describe("round-robin with resetAfterIdle in the model", () => {
  it("is plain round-robin when the pool is never idle that long", () => {
    const plain = run({ policy: "round-robin" });
    const never = run({ policy: "round-robin", resetAfterIdle: "30d" });
    expect(never.counts).toEqual(plain.counts);
    expect(never.metrics).toEqual(plain.metrics);
  });

  it("sends everything through the start relay when every pick follows an idle spell", () => {
    const servers = new Set<number>();
    run({ policy: "round-robin", resetAfterIdle: 1e-6 }, (r) => {
      if (r.kind !== "retry") servers.add(r.server);
    });
    expect(servers.size).toBe(1);
  });
});
