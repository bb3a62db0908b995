// A thread that has run several balancer classes calls the loops' pick plainly instead of inlined
// (replication.ts, mixedBalancers): a replication must give the same result either way, on the
// plain path for first attempts (plainArrivals and plainArrivalsAhead) and through pickServer for
// user resends.
// A file of its own: the switch is per thread (module state), and this file starts it unset.
import { describe, expect, it } from "vitest";
import { replicationResult } from "../../src/experiment/result.js";
import { CompiledScenario, MailModel, picksCalledPlainly } from "../../src/model/replication.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

function run(input: ScenarioInput, replication: number) {
  const compiled = new CompiledScenario(parseScenario(input));
  const model = new MailModel(compiled, compiled.scenario.seed, replication, null);
  model.run(null);
  const s = compiled.scenario;
  return {
    plainTaken: model.plain,
    result: replicationResult(replication, model.simulator.eventsHandled, model.tally, s.pool.servers, s.horizon),
    delay: model.tally.delay.toJSON(),
  };
}

describe("the balancer's pick, inlined or called plainly", () => {
  it("gives the same replications before and after this thread has seen a second balancer class", () => {
    // 18of20 for two days, its balancer random (it draws from the pick streams, so a pick
    // given the wrong stream, or none, changes the run) or the story's timer.
    const base = loadScenario("scenarios/18of20.json") as unknown as ScenarioInput;
    const random = { ...base, horizon: "2d", pool: { ...base.pool, balancer: { policy: "random" } } } as ScenarioInput;
    expect(picksCalledPlainly()).toBe(false);
    const inlined = [0, 1, 2].map((r) => run(random, r));
    expect(inlined[0].plainTaken).toBe(true);
    expect(inlined.some((r) => r.result.counts.resends > 0)).toBe(true);
    expect(picksCalledPlainly()).toBe(false);
    run({ ...base, horizon: "1d" } as ScenarioInput, 0);
    expect(picksCalledPlainly()).toBe(true);
    expect([0, 1, 2].map((r) => run(random, r))).toEqual(inlined);
    // The loop that draws ahead (large pools; every pool with the bar at 0) calls it the same way.
    const saved = MailModel.lookAheadBytes;
    MailModel.lookAheadBytes = 0;
    try {
      expect([0, 1, 2].map((r) => run(random, r))).toEqual(inlined);
    } finally {
      MailModel.lookAheadBytes = saved;
    }
  });
});
