// The shared formats and units: what every chart and the report print for seconds and shares.
import { describe, expect, it } from "vitest";
import {
  DAY,
  durationWords,
  formatDuration,
  formatPercent,
  formatRoundDuration,
  HOUR,
  MINUTE,
  SECOND,
  unitFor,
} from "../../../src/format.js";
import { CATEGORY_RANGE, CONFIG, durationTicks, FONT, kebab, OKABE_ITO } from "../../../src/report/charts/theme.js";

describe("theme", () => {
  it("uses the Okabe–Ito palette and the DejaVu font the PNGs are drawn with", () => {
    const palette = new Set<string>(Object.values(OKABE_ITO));
    for (const c of CATEGORY_RANGE) expect(palette.has(c)).toBe(true);
    expect(CONFIG.font).toBe(FONT);
    expect(FONT).toBe("DejaVu Sans");
  });

  it("picks the largest unit that still shows at least two of it", () => {
    expect(unitFor(30)).toBe(SECOND);
    expect(unitFor(900)).toBe(MINUTE);
    expect(unitFor(3 * 3600)).toBe(HOUR);
    expect(unitFor(7 * 86_400)).toBe(DAY);
  });

  it("formats durations and percentages as people read them", () => {
    expect(formatDuration(2)).toBe("2 s");
    expect(formatDuration(818.2)).toBe("13.6 min");
    expect(formatDuration(7 * 86_400)).toBe("7 d");
    expect(formatRoundDuration(3600)).toBe("1 h");
    expect(formatRoundDuration(600)).toBe("10 min");
    expect(durationWords(600, true)).toBe("10-minute");
    expect(durationWords(7 * 86_400)).toBe("7 days");
    expect(durationWords(3600)).toBe("1 hour");
    expect(formatPercent(0.172)).toBe("17.2 %");
    expect(formatPercent(1)).toBe("100 %");
    expect(formatPercent(0.00058)).toBe("0.058 %");
  });

  it("chooses round, well-spaced ticks for log time axes", () => {
    expect(durationTicks(1, 3600)).toEqual([1, 10, 60, 600, 3600]);
    expect(durationTicks(60, 1800)).toEqual([60, 120, 300, 600, 1800]);
    for (const t of durationTicks(2, 7 * 86_400)) expect(t).toBeGreaterThanOrEqual(2);
  });

  it("turns metric names into file stems", () => {
    expect(kebab("resendFailure")).toBe("resend-failure");
    expect(kebab("deliveryDelayP99")).toBe("delivery-delay-p99");
  });
});
