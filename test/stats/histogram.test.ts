// Checks LogHistogram's quantiles against exact order statistics, its CDF thinning, merging
// and JSON round trip.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogHistogram, RELATIVE_ACCURACY } from "../../src/stats/histogram.js";
import { POWERS_OF_GAMMA } from "../../src/stats/log-edges.js";
import { sameMap } from "../helpers/v8-maps.js";

function of(xs: number[]): LogHistogram {
  const h = new LogHistogram();
  for (const x of xs) h.add(x);
  return h;
}

/** Delays from 0 and sub-millisecond up to ~31 years, log-uniform over the covered range. */
const delay = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0, max: 1e-3, noNaN: true, maxExcluded: true }),
  fc.double({ min: -3, max: 8.999, noNaN: true }).map((e) => 10 ** e),
);

describe("LogHistogram", () => {
  it("takes its bucket edges from a table equal to Node's 10 ** (i / 231), every one", () => {
    expect(POWERS_OF_GAMMA.length).toBe(231 * 12 + 1);
    const differing = POWERS_OF_GAMMA.map((v, i) => [i, v]).filter(([i, v]) => v !== 10 ** (i / 231));
    expect(differing).toEqual([]);
  });

  it("promises 0.5 % relative accuracy", () => {
    expect(RELATIVE_ACCURACY).toBeLessThanOrEqual(0.005);
  });

  it("quantile(q) is within the accuracy of the ⌈q·n⌉-th smallest value", () => {
    fc.assert(
      fc.property(
        fc.array(delay, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil(q * xs.length)) - 1];
          const approx = of(xs).quantile(q);
          if (exact < 1e-3) {
            expect(Math.abs(approx - exact)).toBeLessThan(1e-3);
          } else {
            // The tiny slack covers Math.log rounding exactly at a bucket edge.
            expect(Math.abs(approx - exact)).toBeLessThanOrEqual(exact * (RELATIVE_ACCURACY + 1e-12));
          }
        },
      ),
      { seed: 20130805, numRuns: 2000 },
    );
  });

  it("keeps the exact count, sum, mean, min and max", () => {
    const h = of([0, 0.5, 90, 3600, 86400]);
    expect(h.count).toBe(5);
    expect(h.sum).toBe(90090.5);
    expect(h.mean).toBe(90090.5 / 5);
    expect(h.min).toBe(0);
    expect(h.max).toBe(86400);
    expect(h.quantile(1)).toBe(86400);
    expect(h.quantile(0)).toBe(0);
  });

  it("compensates the sum (Neumaier)", () => {
    const h = new LogHistogram();
    h.add(1e8);
    for (let i = 0; i < 1000; i++) h.add(1e-9);
    expect(h.sum).toBe(1e8 + 1e-6);
  });

  it("sums to the bit what the branching Neumaier step gives (add() picks its operands without the branch)", () => {
    const value = fc.oneof(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom(0, -0, 5e-324, 2, 1e-9, 1e8));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (xs) => {
        const h = new LogHistogram();
        let sum = 0;
        let error = 0;
        for (const x of xs) {
          h.add(x);
          const t = sum + x;
          error += sum >= x ? sum - t + x : x - t + sum;
          sum = t;
        }
        expect(Object.is(h.sum, sum + error)).toBe(true);
      }),
      { seed: 14, numRuns: 500 },
    );
  });

  it("is empty-safe", () => {
    const h = new LogHistogram();
    expect(h.count).toBe(0);
    expect(h.sum).toBe(0);
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.mean).toBeNaN();
    expect(h.cdf()).toEqual([]);
  });

  it("puts ≥ 1e9 s in the overflow bucket, answered by the maximum", () => {
    const h = of([10, 2e9, 5e9]);
    expect(h.quantile(0.9)).toBe(5e9);
    expect(h.quantile(0.1)).toBeCloseTo(10, 1);
  });

  it("rejects negative, NaN and infinite values and q outside [0, 1]", () => {
    const h = new LogHistogram();
    expect(() => h.add(-1)).toThrow(RangeError);
    expect(() => h.add(Number.NaN)).toThrow(RangeError);
    expect(() => h.add(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    h.add(1);
    expect(() => h.quantile(1.5)).toThrow(RangeError);
  });

  it("keeps count, min, max and buckets exact when values repeat (add's repeated-value path)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 5e-4, 2, 2, 2, 7.5, 3e9), { minLength: 1, maxLength: 60 }), (values) => {
        const h = of(values);
        expect(h.count).toBe(values.length);
        expect(h.min).toBe(Math.min(...values));
        expect(h.max).toBe(Math.max(...values));
        // Each value alone in a fresh histogram lands in its own bucket; the counts must add up.
        const reference = new LogHistogram();
        for (const v of values) reference.merge(of([v]));
        expect(h.toJSON().buckets).toEqual(reference.toJSON().buckets);
      }),
      { seed: 14, numRuns: 200 },
    );
    const h = of([2, 2]);
    expect(() => h.add(-1)).toThrow(RangeError);
    expect(() => h.add(Number.NaN)).toThrow(RangeError);
    expect(h.count).toBe(2);
    // Two values in turn (the value before the last one comes back from add's memo), then bad ones.
    const turns = of([2, 7.5, 2, 7.5, 2, 2, 7.5, 0, 7.5]);
    expect(turns.toJSON().buckets).toEqual(of([0, 2, 2, 2, 2, 7.5, 7.5, 7.5, 7.5]).toJSON().buckets);
    expect([turns.min, turns.max, turns.count]).toEqual([0, 7.5, 9]);
    expect(() => turns.add(-1)).toThrow(RangeError);
    expect(() => turns.add(Number.NaN)).toThrow(RangeError);
    expect(turns.count).toBe(9);
  });

  it("addRepeated(x) adds as add(x) does when x is the last value, and nothing otherwise", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(2, 2, 2, 7.5), delay), { minLength: 1, maxLength: 80 }),
        (values) => {
          // The arrivals loop's use: addRepeated first, add() when it declines.
          const h = new LogHistogram();
          let repeated = 0;
          for (const x of values) {
            const before = h.toJSON();
            if (h.addRepeated(x)) repeated++;
            else {
              expect(h.toJSON()).toEqual(before);
              h.add(x);
            }
          }
          const reference = of(values);
          expect(h.toJSON()).toEqual(reference.toJSON());
          expect(Object.is(h.sum, reference.sum)).toBe(true);
          // A value added twice in a row is the last value from then on.
          let runs = 0;
          for (let k = 2; k < values.length; k++)
            if (values[k] === values[k - 1] && values[k] === values[k - 2]) runs++;
          expect(repeated).toBeGreaterThanOrEqual(runs);
        },
      ),
      { seed: 15, numRuns: 300 },
    );
    // The fixed value stays the last one through single other values between its runs.
    const h = of([2, 2]);
    for (const x of [2, 3.25, 2, 4.5, 2, 2, 6.75, 2]) {
      if (x === 2) expect(h.addRepeated(x)).toBe(true);
      else h.add(x);
    }
    expect(h.toJSON()).toEqual(of([2, 2, 2, 3.25, 2, 4.5, 2, 2, 6.75, 2]).toJSON());
  });

  it("merges like one histogram over the concatenation", () => {
    fc.assert(
      fc.property(fc.array(delay, { maxLength: 100 }), fc.array(delay, { maxLength: 100 }), (xs, ys) => {
        const merged = of(xs).merge(of(ys));
        const direct = of([...xs, ...ys]);
        const m = merged.toJSON();
        const d = direct.toJSON();
        expect(m.buckets).toEqual(d.buckets);
        expect(m.count).toBe(d.count);
        expect(m.min).toBe(d.min);
        expect(m.max).toBe(d.max);
        expect(Math.abs(m.sum - d.sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, d.sum));
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it("round-trips through compact JSON", () => {
    const h = of([0, 0.002, 1, 1, 1, 600, 7 * 86400, 3e9]);
    const json = JSON.parse(JSON.stringify(h));
    expect(json.buckets.length).toBe(6);
    const back = LogHistogram.fromJSON(json);
    expect(back.toJSON()).toEqual(h.toJSON());
    for (const q of [0, 0.3, 0.5, 0.9, 1]) expect(back.quantile(q)).toBe(h.quantile(q));
    const empty = LogHistogram.fromJSON(JSON.parse(JSON.stringify(new LogHistogram())));
    expect(empty.count).toBe(0);
    empty.add(5);
    expect(empty.min).toBe(5);
  });

  it("refuses JSON of another layout or with inconsistent counts", () => {
    const json = of([1, 2]).toJSON();
    expect(() => LogHistogram.fromJSON({ ...json, layout: "other" })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...json, count: 3 })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...json, buckets: [[1e6, 2]] })).toThrow(RangeError);
  });

  it("cdf() is exact at its points, increasing, ends at (max, 1) and has ≤ maxPoints points", () => {
    fc.assert(
      fc.property(
        fc.array(delay, { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 2, max: 60 }),
        (xs, maxPoints) => {
          const h = of(xs);
          const points = h.cdf(maxPoints);
          expect(points.length).toBeGreaterThanOrEqual(1);
          expect(points.length).toBeLessThanOrEqual(maxPoints);
          const last = points[points.length - 1];
          expect(last).toEqual({ value: h.max, fraction: 1 });
          for (let i = 1; i < points.length; i++) {
            expect(points[i].value).toBeGreaterThan(points[i - 1].value);
            expect(points[i].fraction).toBeGreaterThan(points[i - 1].fraction);
          }
          for (const { value, fraction } of points.slice(0, -1)) {
            // Fraction of values below the bucket edge (edges can be off by rounding).
            const below = xs.filter((x) => x < value * (1 - 1e-12)).length / xs.length;
            const atMost = xs.filter((x) => x <= value * (1 + 1e-12)).length / xs.length;
            expect(fraction).toBeGreaterThanOrEqual(below);
            expect(fraction).toBeLessThanOrEqual(atMost);
          }
        },
      ),
      { seed: 13, numRuns: 300 },
    );
  });

  it("cdf() keeps every non-empty bucket when there are few", () => {
    const points = of([1, 10, 100]).cdf();
    expect(points.map((p) => p.fraction)).toEqual([1 / 3, 2 / 3, 1]);
    expect(points[2].value).toBe(100);
    expect(() => of([1]).cdf(1)).toThrow(RangeError);
  });
});

describe("LogHistogram's shape", () => {
  it("is the same for a histogram built after another summed fractions as for one built before, and starts at 0", () => {
    const before = new LogHistogram();
    of([2.5, 3.25, 0.125]);
    const after = new LogHistogram();
    expect(sameMap(before, after)).toBe(true);
    expect(after.sum).toBe(0);
    expect(Object.is(after.sum, 0)).toBe(true);
    expect(after.count).toBe(0);
  });

  it("is the same after fromJSON() read counts that arrive as doubles", () => {
    // Bucket pairs that are arrays of doubles (as toJSON's become once a count was read as one):
    // each count, and the sum of them fromJSON() stores as the count, is a heap number.
    const json = of([2, 2, 2, 7.5]).toJSON();
    const buckets = json.buckets.map(([i, c]) => {
      const pair = [0.5, 0.5];
      pair[0] = i;
      pair[1] = c;
      return pair as [number, number];
    });
    const before = new LogHistogram();
    const back = LogHistogram.fromJSON({ ...json, buckets });
    const after = new LogHistogram();
    expect(sameMap(before, after)).toBe(true);
    expect(sameMap(before, back)).toBe(true);
    expect(back.count).toBe(4);
    expect(back.toJSON()).toEqual(json);
  });
});
