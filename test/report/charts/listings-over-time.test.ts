// Listings over time: listed relays and rejection rate per bucket, x in hours or days.
import { describe, expect, it } from "vitest";
import { listingsOverTimeChart, timeUnit } from "../../../src/report/charts/listings-over-time.js";
import { smallRun } from "../fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
type Any = any;

describe("listingsOverTimeChart", () => {
  const { summary, series } = smallRun();
  const spec = listingsOverTimeChart(summary, series) as Any;

  it("puts time in hours for a day and in days for a week", () => {
    expect(timeUnit(86_400).label).toBe("h");
    expect(timeUnit(7 * 86_400).label).toBe("d");
    expect(spec.vconcat[1].encoding.x.title).toBe("simulated time (hours)");
  });

  it("shows listed relays and the share of attempts rejected as a percentage", () => {
    const [listed, rate] = spec.vconcat;
    expect(listed.encoding.y.field).toBe("listed");
    expect(rate.encoding.y.field).toBe("rate");
    expect(rate.encoding.y.axis.format).toMatch(/%$/);
    // one row per bucket, plus the copy of the last that closes its step
    expect(spec.data.values).toHaveLength(series.length + 1);
    expect(spec.data.values[0].rate).toBeCloseTo(series[0].rejections / series[0].attempts, 12);
  });
});
