// Text widths read from the DejaVu TrueType files, standing in for a canvas in headless vega.
import { describe, expect, it } from "vitest";
import { FontWidths, textWidthFunction } from "../../src/report/font-metrics.js";
import { FONT_FILES } from "../../src/report/render.js";

describe("FontWidths", () => {
  const regular = FontWidths.load(FONT_FILES[0]);
  const bold = FontWidths.load(FONT_FILES[1]);

  it("reads DejaVu Sans advance widths (em)", () => {
    // DejaVu Sans: 'i' 278/1000-ish, 'W' ~0.99 em, digits share one width (tabular figures).
    expect(regular.width("i")).toBeLessThan(0.35);
    expect(regular.width("W")).toBeGreaterThan(0.9);
    expect(regular.width("0")).toBeCloseTo(regular.width("8"), 9);
    expect(regular.width("ab")).toBeCloseTo(regular.width("a") + regular.width("b"), 12);
    expect(bold.width("resend")).toBeGreaterThan(regular.width("resend"));
    expect(regular.width("–%·")).toBeGreaterThan(0);
  });

  it("measures vega text items by size and weight, capped at their limit", () => {
    const width = textWidthFunction(regular, bold);
    expect(width({ fontSize: 10 }, "abc")).toBeCloseTo(10 * regular.width("abc"), 9);
    expect(width({}, "abc")).toBeCloseTo(11 * regular.width("abc"), 9);
    expect(width({ fontSize: 10, fontWeight: "bold" }, "abc")).toBeCloseTo(10 * bold.width("abc"), 9);
    expect(width({ fontSize: 10, limit: 5 }, "a long label")).toBe(5);
    expect(width({ fontSize: 10 }, "")).toBe(0);
  });
});
