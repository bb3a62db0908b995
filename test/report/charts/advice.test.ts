// The advice chart: a valid Vega-Lite spec with one line per policy, the scenario's resend
// window shaded and the shortest good wait marked.
import { beforeAll, describe, expect, it } from "vitest";
import type { Advice } from "../../../src/experiment/advise.js";
import { adviceChart, policyLabel, ruleWords } from "../../../src/report/charts/advice.js";
import { compileSpec, renderChart } from "../../../src/report/render.js";
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

  it("says in its subtitle when a policy's replications each ran every placement class", () => {
    const subtitle = (a: Advice) => JSON.stringify((adviceChart(a) as { title?: unknown }).title);
    const plain = { ...advice, policies: advice.policies.map((p) => ({ ...p, placements: null })) };
    expect(subtitle(plain)).not.toContain("placement class");
    const worlds = { ...advice, policies: advice.policies.map((p, i) => ({ ...p, placements: i === 0 ? 10 : null })) };
    expect(subtitle(worlds)).toContain("each over every placement class of the listed relays");
  });

  it("stops each line at the chart's edge, and renders when another policy's grid runs far beyond the own one", async () => {
    // A stick table's grid runs to 3× its expiry, far past a timer's: resvg aborted the whole
    // process on a point mark clipped away whole (sim advise scenarios/18of20.json crashed).
    const own = advice.policies.find((p) => p.own);
    const last = Math.max(...(own?.grid.delays ?? [0]));
    const far = structuredClone(advice.policies.find((p) => !p.own) ?? advice.policies[0]);
    far.own = false;
    far.policy = "stick-table";
    far.points = [1, 1.5, 2, 3].map((k, i) => ({ ...far.points[Math.min(i, far.points.length - 1)], delay: k * last }));
    const spec = adviceChart({ ...advice, policies: [...advice.policies, far] });
    const layers = (spec as unknown as { layer: Layer[] }).layer;
    const edge = Math.max(
      ...(layers.find((l) => l.mark.type === "line")?.data?.values ?? []).map((r) => r.wait as number),
    );
    const points = layers.find((l) => l.mark.type === "point" && l.mark.shape === undefined)?.data?.values ?? [];
    const line = (layers.find((l) => l.mark.type === "line")?.data?.values ?? []).filter(
      (r) => r.policy === policyLabel(far),
    );
    // The line keeps the first point beyond the grid (1.5×), so it runs to the edge; no point is drawn beyond it.
    expect(line.map((r) => r.wait)).toEqual([1, 1.5].map((k) => k * (edge / 1.5)));
    expect(points.every((r) => (r.wait as number) <= edge / 1.5)).toBe(true);
    const { png } = await renderChart(spec);
    expect(png.length).toBeGreaterThan(1000);
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
