// Walker's alias table: the probability each index gets equals its weight's share (exactly, by
// sweeping the unit interval; statistically, with a real stream), and bad weights are refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AliasTable } from "../../src/engine/alias.js";
import { randomStream } from "../../src/engine/random.js";
import { expectFrequencies } from "../helpers/stats.js";

/**
 * The exact probability mass the table gives each index, up to 1/steps: feed it the uniforms
 * (k + ½)/(n·steps) for every k, which sweep each column's [0, 1) evenly.
 */
function sweptShares(table: AliasTable, steps: number): number[] {
  const n = table.size;
  const counts = new Array(n).fill(0);
  const total = n * steps;
  for (let k = 0; k < total; k++) {
    const u = (k + 0.5) / total;
    counts[table.sample({ next: () => u })]++;
  }
  return counts.map((c) => c / total);
}

describe("AliasTable", () => {
  it("gives each index its weight's share (exactly, up to the sweep's resolution)", () => {
    const steps = 2000;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })), {
          minLength: 1,
          maxLength: 40,
        }),
        (weights) => {
          fc.pre(weights.some((w) => w > 0));
          const table = new AliasTable(weights);
          expect(table.size).toBe(weights.length);
          const total = weights.reduce((a, b) => a + b, 0);
          const shares = sweptShares(table, steps);
          weights.forEach((w, i) => {
            // Each column contributes its split point to within 1/steps of its width 1/n.
            expect(Math.abs(shares[i] - w / total)).toBeLessThanOrEqual(1 / steps + 1e-12);
            if (w === 0) expect(shares[i]).toBe(0);
          });
        },
      ),
      { seed: 99, numRuns: 200 },
    );
  });

  it("draws the index the plain two-way choice would (u − i below probability[i] gives i, else alias[i])", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (weights, us) => {
          fc.pre(weights.some((w) => w > 0));
          const table = new AliasTable(weights);
          const { probability, alias } = table as unknown as { probability: Float64Array; alias: Int32Array };
          // Every column's edges too, where the coin equals the split point.
          const n = table.size;
          const points = [...us, ...Array.from(probability, (p, i) => (i + p) / n), (n - 1) / n, 1 - 2 ** -32];
          for (const u of points.filter((v) => v < 1)) {
            const x = u * n;
            const i = Math.floor(x);
            expect(table.sample({ next: () => u })).toBe(x - i < probability[i] ? i : alias[i]);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("atAlea gives at()'s index for every Alea draw: random ones, each column's threshold and edges", () => {
    const UNIT = 2 ** -32;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })), {
            minLength: 1,
            maxLength: 300,
          }),
          // Zipf weights as the domains' table has them, over sizes that are not powers of two.
          fc
            .tuple(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0.5, max: 2, noNaN: true }))
            .map(([n, s]) => Array.from({ length: n }, (_, i) => (i + 1) ** -s)),
        ),
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 200 }),
        (weights, ks) => {
          fc.pre(weights.some((w) => w > 0));
          const table = new AliasTable(weights);
          const { steps } = table as unknown as { steps: Int32Array };
          const n = table.size;
          const points = [...ks, 0, 2 ** 32 - 1];
          for (let i = 0; i < n; i++) {
            const threshold = steps[2 * i] + 2 ** 31;
            // The threshold and its neighbours, and the first and last draw of the column.
            points.push(threshold - 1, threshold, threshold + 1);
            const first = Math.ceil((i * 2 ** 32) / n);
            points.push(first - 1, first, first + 1);
          }
          for (const k of points) {
            if (k < 0 || k >= 2 ** 32) continue;
            expect(table.atAlea(k * UNIT)).toBe(table.at(k * UNIT));
          }
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it("atAlea draws what sample() draws from the same Alea stream", () => {
    const weights = Array.from({ length: 100_000 }, (_, i) => 1 / (i + 1));
    const table = new AliasTable(weights);
    const a = randomStream(5, 0, "recipients");
    const b = randomStream(5, 0, "recipients");
    for (let j = 0; j < 200_000; j++) expect(table.atAlea(a.next())).toBe(table.sample(b));
  });

  it("draws with the weights' frequencies from a random stream", () => {
    const weights = [1, 2, 3, 0, 4, 0.5, 10];
    const table = new AliasTable(weights);
    const random = randomStream(3, 0, "alias");
    const counts = new Array(weights.length).fill(0);
    for (let i = 0; i < 200_000; i++) counts[table.sample(random)]++;
    expect(counts[3]).toBe(0);
    expectFrequencies(counts, weights, "alias");
  });

  it("draws at(u) for the uniform u that sample() would draw itself", () => {
    const table = new AliasTable([5, 1, 0, 3, 0.25, 7]);
    const random = randomStream(4, 0, "alias-at");
    const same = randomStream(4, 0, "alias-at");
    for (let i = 0; i < 10_000; i++) expect(table.at(random.next())).toBe(table.sample(same));
  });

  it("handles a single index and equal weights", () => {
    expect(new AliasTable([5]).sample({ next: () => 0.999 })).toBe(0);
    const even = sweptShares(new AliasTable([2, 2, 2, 2]), 100);
    expect(even).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("shares a large table built again from equal weights, and only from equal weights", () => {
    // Every index each table draws, from uniforms over [0, 1) and the Alea draws' grid.
    const draws = (t: AliasTable) =>
      Array.from({ length: 20_000 }, (_, k) => [
        t.at((k + 0.5) / 20_000),
        t.atAlea(Math.floor(k * 214_748.3648) / 2 ** 32),
      ]);
    // Weights times 2 build a table with the same arrays bit for bit (every step of the build is
    // exact under a power of two) from weights that are not equal: a build that shares nothing.
    const fresh = (w: ArrayLike<number>) => new AliasTable(Array.from(w, (x) => 2 * x));
    const w = Float64Array.from({ length: 300 }, (_, i) => (i + 1) ** -1.1);
    const original = draws(new AliasTable(w));
    expect(original).toEqual(draws(fresh(w)));
    expect(draws(new AliasTable(w))).toEqual(original);
    // Weights changed in place after the build: the table kept for the old ones must not be served.
    w[0] = 0.01;
    w[299] = 2;
    const changed = draws(new AliasTable(w));
    expect(changed).toEqual(draws(fresh(w)));
    expect(changed).not.toEqual(original);
    // More large tables than are kept, then the first weights again: rebuilt, the same draws.
    for (let s = 0; s < 6; s++) new AliasTable(Float64Array.from({ length: 400 + s }, (_, i) => 1 / (i + 1)));
    const first = Float64Array.from({ length: 300 }, (_, i) => (i + 1) ** -1.1);
    expect(draws(new AliasTable(first))).toEqual(original);
  });

  it.each([
    ["no weights", []],
    ["all zero", [0, 0, 0]],
    ["a negative weight", [1, -1, 2]],
    ["NaN", [1, Number.NaN]],
  ])("refuses %s", (_name, weights) => {
    expect(() => new AliasTable(weights as number[])).toThrow(RangeError);
  });
});

describe("AliasTable's columns, built and kept", () => {
  // Checksums of main's tables at fc8788b (before the construction moved out of the constructor):
  // the same steps, aliases and probabilities for a kept-size Zipf table, built and then taken
  // from the kept ones, and for a small weighted pool's table, which is never kept.
  function sums(table: AliasTable): [number, number, number] {
    const t = table as unknown as { steps: Int32Array; alias: Int32Array; probability: Float64Array };
    let steps = 0;
    let alias = 0;
    let probability = 0;
    t.steps.forEach((v, j) => {
      steps += v * ((j % 97) + 1);
    });
    t.alias.forEach((v, i) => {
      alias += v * (i + 1);
    });
    t.probability.forEach((v) => {
      probability += v;
    });
    return [steps, alias, probability];
  }

  it("are main's, bit for bit", () => {
    // Built, then (equal weights) taken from the kept tables.
    const zipf = Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
    const built = new AliasTable(zipf);
    const kept = new AliasTable(zipf);
    expect(sums(built)).toEqual([856634206971, 349528, 113.9578821777171]);
    expect(sums(kept)).toEqual(sums(built));
    expect((kept as unknown as { steps: Int32Array }).steps).toBe((built as unknown as { steps: Int32Array }).steps);
    const small = new AliasTable([3, 1, 2, 1, 1, 2, 1, 1, 4, 1]);
    const t = small as unknown as { steps: Int32Array; alias: Int32Array };
    expect(Array.from(t.steps)).toEqual([
      -2147483648, 0, -1465341783, 0, -1010580540, 0, -606348324, 2, -176851594, 8, 378967703, 2, 682141865, 8,
      1111638595, 8, 1591664351, 5, 1970632054, 8,
    ]);
    expect(Array.from(t.alias)).toEqual([0, 0, 0, 2, 8, 2, 8, 8, 5, 8]);
    expect(sums(small)[2]).toBe(6.764705882352942);
  });
});
