// The bench's relative rows (bench/relative.mjs): a loop's speed over the static pool's, read per
// alternating pair from CPU seconds, the median of the pairs.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a bench script, plain JavaScript without declarations
import { alternatePairs, PAIRS, relativeSpeed } from "../../bench/relative.mjs";

const run = (messages: number, cpu: number) => ({ messages, cpu });

describe("relativeSpeed", () => {
  it("is the other loop's messages per CPU second over the base's, per pair", () => {
    // 10 M messages in 0.5 s against 8 M in 1 s: 8 / 20 = 0.4.
    const { value, ratios } = relativeSpeed([{ base: run(10e6, 0.5), other: run(8e6, 1) }]);
    expect(ratios).toEqual([0.4]);
    expect(value).toBe(0.4);
  });

  it("takes the median of the pairs, so one slow spell moves nothing", () => {
    const pairs = [
      { base: run(1, 1), other: run(1, 2) },
      // The base caught a slow spell: this pair alone reads 1.2.
      { base: run(1, 2.4), other: run(1, 2) },
      { base: run(1, 1), other: run(1, 1.9) },
    ];
    const { value, ratios } = relativeSpeed(pairs);
    expect(ratios.map((r: number) => r.toFixed(3))).toEqual(["0.500", "1.200", "0.526"]);
    expect(value).toBeCloseTo(1 / 1.9, 12);
  });

  it("refuses no pairs", () => {
    expect(() => relativeSpeed([])).toThrow(/no pairs/);
  });
});

describe("alternatePairs", () => {
  it("runs base and other in each pair, swapping which goes first", () => {
    const order: string[] = [];
    const pairs = alternatePairs(
      PAIRS,
      (name: string) => {
        order.push(name);
        return { name, at: order.length };
      },
      "static",
      "capacity",
    );
    expect(PAIRS).toBe(3);
    expect(order).toEqual(["static", "capacity", "capacity", "static", "static", "capacity"]);
    expect(pairs).toEqual([
      { base: { name: "static", at: 1 }, other: { name: "capacity", at: 2 } },
      { base: { name: "static", at: 4 }, other: { name: "capacity", at: 3 } },
      { base: { name: "static", at: 5 }, other: { name: "capacity", at: 6 } },
    ]);
  });
});
