// Durations and rates as scenario files write them, and formatDuration's round trip.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, parseRate } from "../../src/scenario/units.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 0.25],
    ["36ms", 0.036],
    ["90s", 90],
    ["15m", 900],
    ["2h", 7200],
    ["7d", 604_800],
    ["1w", 604_800],
    ["2w", 1_209_600],
    ["1.5h", 5400],
    [".5m", 30],
    ["0.25s", 0.25],
    ["0s", 0],
    [" 3 h ", 10_800],
  ])("%j → %s s", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "15", "m", "7 days", "-5m", "1e3s", "15M", "2h30m", "5 mins", "1.s", "h1", "NaNs", "Infinityd"])(
    "refuses %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe("parseRate", () => {
  it.each([
    ["20/d", 20 / 86_400],
    ["1/90d", 1 / (90 * 86_400)],
    ["3/h", 3 / 3600],
    ["20 / d", 20 / 86_400],
    ["1.5/2.5h", 1.5 / 9000],
    ["10/s", 10],
    ["1/500ms", 2],
    ["0/d", 0],
  ])("%j → %s per second", (text, perSecond) => {
    expect(parseRate(text)).toBeCloseTo(perSecond, 15);
    expect(Math.abs((parseRate(text) as number) - perSecond)).toBeLessThanOrEqual(1e-15 * perSecond);
  });

  it.each(["", "20", "20/", "x/d", "/d", "20/0d", "20 per day", "20/day", "-1/d", "1/-2d"])("refuses %j", (text) => {
    expect(parseRate(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [0.25, "250ms"],
    [0.0005, "0.5ms"],
    [1.5, "1.5s"],
    [90, "90s"],
    [900, "15m"],
    [5400, "90m"],
    [7200, "2h"],
    [86_400, "1d"],
    [604_800, "1w"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("%s s → %j", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("round-trips every whole number of milliseconds through parseDuration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 604_800_000 }), (ms) => {
        const seconds = ms / 1000;
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
      { seed: 1, numRuns: 5000 },
    );
  });

  it("round-trips whole numbers of every unit, written with the largest exact unit", () => {
    const units: Array<[string, number]> = [
      ["s", 1],
      ["m", 60],
      ["h", 3600],
      ["d", 86_400],
      ["w", 604_800],
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...units), (n, [unit, size]) => {
        const text = formatDuration(n * size);
        expect(parseDuration(text)).toBe(n * size);
        // No larger unit would do: the number written is not a multiple of the next unit's ratio.
        const [, value, written] = /^(\d+)(\w+)$/.exec(text) as RegExpExecArray;
        const index = units.findIndex(([u]) => u === written);
        expect(index).toBeGreaterThanOrEqual(units.findIndex(([u]) => u === unit));
        if (index < units.length - 1) expect(Number(value) % (units[index + 1][1] / units[index][1])).not.toBe(0);
      }),
      { seed: 2, numRuns: 2000 },
    );
  });
});
