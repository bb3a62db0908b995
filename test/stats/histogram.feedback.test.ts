// LogHistogram.add as the loops see it across replications: compiled on a replication's usual
// values (a sum larger than the value, the value within [min, max]), it must not be deoptimised by
// a fresh histogram's first values. Those take the other sides of add()'s branches only at a
// replication's start, which in the first replication comes before V8 collects type feedback; the
// loops add() is inlined into were then deoptimised at the second replication's start, the one
// bench/loop.mjs times (docs/performance.md, branch run-rows). A file of its own, so that no other
// test has given add() feedback first.
import { describe, expect, it } from "vitest";
import { LogHistogram } from "../../src/stats/histogram.js";
import { isOptimized, optimizeOnNextCall, prepareForOptimization } from "../helpers/v8-maps.js";

describe("LogHistogram.add's optimised code", () => {
  it("survives a fresh histogram's first values", () => {
    const add = LogHistogram.prototype.add;
    // A histogram already holding a large sum and a wide [min, max], built without add().
    const layout = new LogHistogram().toJSON().layout;
    const warm = LogHistogram.fromJSON({ layout, count: 1, sum: 1e9, min: 1e-4, max: 1e8, buckets: [[0, 1]] });
    prepareForOptimization(add);
    // A fixed session time repeated, broken by resends' delays: every path of add() but a
    // sum smaller than the value and a value outside [min, max].
    for (let k = 0; k < 50; k++) for (const x of [2, 2, 2, 613.25 + k, 2, 2, 0.0005, 2, 1e8 + 1]) warm.add(x);
    optimizeOnNextCall(add);
    warm.add(2);
    expect(isOptimized(add)).toBe(true);

    const fresh = new LogHistogram();
    fresh.add(2);
    fresh.add(2);
    fresh.add(740.5);
    fresh.add(2);
    expect(isOptimized(add)).toBe(true);
    expect(fresh.count).toBe(4);
    expect(fresh.sum).toBe(746.5);
    expect(fresh.min).toBe(2);
    expect(fresh.max).toBe(740.5);
  });
});
