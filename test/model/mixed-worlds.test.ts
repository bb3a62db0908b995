// A thread that has built shadow worlds of several classes calls their picks plainly instead of
// inlined (shadow-resends.ts, worldsClasses), and resends on the run's one history call the
// balancer's pick plainly once several balancer classes ran (replication.ts, mixedBalancers): a
// replication's shadow counts must be the same either way.
// A file of its own: the switches are per thread (module state), and this file starts them unset.
import { describe, expect, it } from "vitest";
import { CompiledScenario, picksCalledPlainly } from "../../src/model/replication.js";
import { worldsCalledPlainly } from "../../src/model/shadow-resends.js";
import { simulateReplication } from "../../src/model/simulate.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

/** 18of20 for two days under `balancer`, its shadow waits 0, 5 and 12 minutes. */
function scenario(balancer: unknown): CompiledScenario {
  const base = loadScenario("scenarios/18of20.json") as unknown as ScenarioInput;
  return new CompiledScenario(
    parseScenario({ ...base, horizon: "2d", pool: { ...base.pool, balancer } } as ScenarioInput),
  );
}

function shadows(compiled: CompiledScenario, replication: number) {
  const { shadow } = simulateReplication(compiled, compiled.scenario.seed, replication, null, null, [0, 300, 720]);
  if (shadow === null) throw new Error("no shadow result");
  return shadow;
}

describe("the shadow worlds' picks, inlined or called plainly", () => {
  it("give the same counts before and after this thread has seen a second worlds class", () => {
    // dns draws nothing, but its resend picks read the world's index and the sender's cache; the
    // random balancer draws each resend's relay from the world's own "balancer.resend" stream.
    const dns = scenario({ policy: "dns", ttl: "5m" });
    const random = scenario({ policy: "random" });
    expect(worldsCalledPlainly()).toBe(false);
    expect(picksCalledPlainly()).toBe(false);
    const randomInlined = [0, 1].map((r) => shadows(random, r));
    expect(randomInlined[0].firstAttempts).toBe(false);
    expect(randomInlined.some((s) => s.worlds.some((w) => w.resends > 0 && w.resendRejected < w.resends))).toBe(true);
    expect(picksCalledPlainly()).toBe(false);
    const dnsInlined = [0, 1].map((r) => shadows(dns, r));
    expect(dnsInlined[0].firstAttempts).toBe(true);
    expect(dnsInlined.some((s) => s.worlds.some((w) => w.resends > 0 && w.resendRejected < w.resends))).toBe(true);
    expect(dnsInlined.every((s) => s.faithful)).toBe(true);
    // A second balancer class ran: the random balancer's resends on the run's one history now
    // go through the plain call.
    expect(picksCalledPlainly()).toBe(true);
    expect([0, 1].map((r) => shadows(random, r))).toEqual(randomInlined);
    // A second worlds class: dns's worlds now pick through the plain calls.
    expect(worldsCalledPlainly()).toBe(false);
    shadows(scenario({ policy: "round-robin" }), 0);
    expect(worldsCalledPlainly()).toBe(true);
    expect([0, 1].map((r) => shadows(dns, r))).toEqual(dnsInlined);
  });
});
