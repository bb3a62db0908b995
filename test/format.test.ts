// src/format.ts: the one duration formatter and the one percent formatter that every part of sim
// (terminal, report, charts, explain, calibrate, the web page) writes numbers with.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  enUsNumber,
  formatDuration,
  formatPercent,
  formatPercentRange,
  formatRoundDuration,
  percentDigits,
  percentNumber,
} from "../src/format.js";

describe("enUsNumber", () => {
  it("writes every number as toLocaleString('en-US') does", () => {
    const same = (x: number) => expect(enUsNumber(x), String(x)).toBe(x.toLocaleString("en-US"));
    for (const x of [0, -0, 1, -1, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -21_251]) same(x);
    for (const x of [
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      1e21,
      0.1234567,
      -1234.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ])
      same(x);
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => enUsNumber(n) === n.toLocaleString("en-US")),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e7, max: 1e7 }), (n) => enUsNumber(n) === n.toLocaleString("en-US")),
      {
        numRuns: 2000,
      },
    );
    fc.assert(
      fc.property(fc.double(), (x) => enUsNumber(x) === x.toLocaleString("en-US")),
      { numRuns: 500 },
    );
  });
});

describe("formatDuration", () => {
  it("writes seconds in their natural unit, up to three significant digits", () => {
    expect(formatDuration(6)).toBe("6 s");
    expect(formatDuration(990)).toBe("16.5 min");
    expect(formatDuration(365 * 86_400)).toBe("365 d");
    expect(formatDuration(0.0583)).toBe("0.058 s");
  });

  it('says "?" for what is not a duration (an ETA before anything finished)', () => {
    expect(formatDuration(Number.NaN)).toBe("?");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("?");
  });

  it("keeps round values round", () => {
    expect(formatRoundDuration(600)).toBe("10 min");
    expect(formatRoundDuration(570)).toBe("9.5 min");
  });
});

describe("formatPercent", () => {
  it("gives a proportion the precision its size calls for, without a trailing .0", () => {
    expect(formatPercent(0.1)).toBe("10 %");
    expect(formatPercent(0.123)).toBe("12.3 %");
    expect(formatPercent(0.0045)).toBe("0.45 %");
    expect(formatPercent(0)).toBe("0 %");
  });

  it("with digits, writes exactly that many decimals (table columns)", () => {
    expect(formatPercent(1, 1)).toBe("100.0 %");
    expect(formatPercent(0.037, 2)).toBe("3.70 %");
  });

  it("shares one precision between the values of a range, set by the largest", () => {
    expect(percentDigits([0.00045, 0.00063])).toBe(3);
    expect(percentDigits([0.00045, 0.0063])).toBe(2);
    expect(percentDigits([0.00045, 0.063])).toBe(1);
    expect(formatPercentRange(0.102, 0.146)).toBe("10.2–14.6 %");
    expect(formatPercentRange(0.00027, 0.00063)).toBe("0.027–0.063 %");
    expect(percentNumber(-0.03)).toBe("-3.0");
  });
});

/** Every .ts file under src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("one formatter", () => {
  it("no module but format.ts turns proportions into percentages or seconds into minutes, hours or days by hand", () => {
    const byHand = [
      /\*\s*100\)\.toFixed\(/, // (x * 100).toFixed(1)
      /100\s*\*\s*\w+\)\.toFixed/, // (100 * x).toFixed
      /\/\s*(60|3600|86_?400)\)\.toFixed/, // (s / 60).toFixed
    ];
    const offenders = sources("src")
      .filter((f) => !f.endsWith(join("src", "format.ts")))
      .filter((f) => byHand.some((re) => re.test(readFileSync(f, "utf8"))));
    expect(offenders).toEqual([]);
  });
});
