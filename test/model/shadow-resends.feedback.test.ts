// ShadowResends' fixed session length as the compiled code sees it: the worlds compare each
// delivery's length with it, and callers' optimised code passes that length as a heap number
// (a double in a register, boxed for the call) as often as the interpreter passes a small
// integer. Held as a small integer (a 2 s session), the field gave the comparison small-integer
// feedback, and deliveredEverywhere and firstAttemptTogether were deoptimised ("not a Smi") in
// the middle of advise (docs/performance.md, section osr). A file of its own, so that no other
// test has given deliveredEverywhere feedback first.
import { describe, expect, it } from "vitest";
import { CompiledScenario, MailModel } from "../../src/model/replication.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { isOptimized, optimizeOnNextCall, prepareForOptimization } from "../helpers/v8-maps.js";

interface Everywhere {
  deliveredEverywhere(duration: number): void;
  everywhere: number;
}

describe("ShadowResends.deliveredEverywhere's optimised code", () => {
  it("survives the fixed length passed as a heap number", () => {
    const base = loadScenario("scenarios/18of20.json") as unknown as ScenarioInput;
    const compiled = new CompiledScenario(
      parseScenario({
        ...base,
        horizon: "1h",
        pool: { ...base.pool, balancer: { policy: "round-robin" } },
      } as ScenarioInput),
    );
    const model = new MailModel(compiled, 1, 0, null, [0, 300]);
    const worlds = (model as unknown as { shadow: Everywhere }).shadow;
    const delivered = (Object.getPrototypeOf(worlds) as Everywhere).deliveredEverywhere;
    // The scenario's 2 s session, as the interpreter passes it (a small integer) and as optimised
    // code passes it (a heap number: a Float64Array's element is read as one).
    const smallInteger = 2;
    const heapNumber = new Float64Array([2])[0];
    prepareForOptimization(delivered);
    for (let k = 0; k < 20; k++) worlds.deliveredEverywhere(smallInteger);
    optimizeOnNextCall(delivered);
    worlds.deliveredEverywhere(smallInteger);
    expect(isOptimized(delivered)).toBe(true);
    worlds.deliveredEverywhere(heapNumber);
    expect(isOptimized(delivered)).toBe(true);
    // Both counted as fixed-length deliveries in every world.
    expect(worlds.everywhere).toBe(22);
  });
});
