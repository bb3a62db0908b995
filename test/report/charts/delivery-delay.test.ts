// The delivery-delay CDF: log time axis with s/min/h/d labels, a y axis that shows the tail.
import { describe, expect, it } from "vitest";
import { cdfFloor, deliveryDelayChart } from "../../../src/report/charts/delivery-delay.js";
import { DURATION_LABEL_EXPR } from "../../../src/report/charts/theme.js";
import { smallRun } from "../fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
type Any = any;

describe("deliveryDelayChart", () => {
  const { summary } = smallRun();
  const spec = deliveryDelayChart(summary) as Any;
  const [line] = spec.layer;

  it("is a step line over a log time axis with readable labels", () => {
    expect(line.mark.interpolate).toBe("step-after");
    expect(line.encoding.x.scale.type).toBe("log");
    expect(line.encoding.x.axis.labelExpr).toBe(DURATION_LABEL_EXPR);
    expect(line.encoding.y.axis.format).toMatch(/%$/);
    expect(spec.data.values).toHaveLength(summary.deliveryDelayCdf.length);
  });

  it("starts the y axis above 0 only when nearly all mail arrives at once, and says so", () => {
    expect(cdfFloor([0.2, 1])).toBe(0);
    expect(cdfFloor([0.969, 1])).toBe(0.95);
    expect(cdfFloor([0.95, 1])).toBe(0.95);
    const floor = line.encoding.y.scale.domain[0];
    if (floor > 0) expect(spec.title.subtitle.join(" ")).toMatch(/starts at/);
  });

  it("handles a run that delivered nothing", () => {
    const empty = deliveryDelayChart({ ...summary, deliveryDelayCdf: [] }) as Any;
    expect(empty.data.values).toEqual([]);
  });
});
