// The advice chart: a valid Vega-Lite spec with one line per policy, the scenario's resend
// window shaded and the shortest good wait marked.
import { beforeAll, describe, expect, it } from "vitest";
import type { Advice } from "../../../src/experiment/advise.js";
import { adviceChart, policyLabel, ruleWords } from "../../../src/report/charts/advice.js";
import { compileSpec } from "../../../src/report/render.js";
import { smallAdvice } from "../fixtures.js";

let advice: Advice;
beforeAll(async () => {
  advice = await smallAdvice();
});

type Layer = { mark: { type: string; shape?: string }; data?: { values: Array<Record<string, unknown>> } };

describe("adviceChart", () => {
  it("compiles, and draws every policy's points within the pool's own grid", () => {
    const spec = adviceChart(advice);
    expect(() => compileSpec(spec)).not.toThrow();
    const layers = (spec as unknown as { layer: Layer[] }).layer;
    const line = layers.find((l) => l.mark.type === "line");
    const policies = new Set(line?.data?.values.map((r) => r.policy));
    expect([...policies]).toEqual(advice.policies.map(policyLabel));
    expect(layers[0].mark.type).toBe("rect");
    expect(layers[0].data?.values[0]).toEqual({ from: 5, to: 15 });
  });

  it("marks the shortest good wait where waiting helps", () => {
    const spec = adviceChart(advice);
    const layers = (spec as unknown as { layer: Layer[] }).layer;
    const diamonds = layers.find((l) => l.mark.shape === "diamond");
    const helped = advice.policies.filter((p) => p.verdict === "wait");
    expect(diamonds?.data?.values.length ?? 0).toBe(helped.length);
  });
});

describe("ruleWords", () => {
  it("says the scenario's rule the way support says it", () => {
    expect(ruleWords({ uniform: [300, 900] })).toBe("5–15 min");
    expect(ruleWords({ uniform: [0, 900] })).toBe("0–15 min");
    expect(ruleWords({ fixed: 600 })).toBe("10 min");
  });
});
