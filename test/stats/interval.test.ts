// The replication-clustered intervals of DESIGN §3: bounds, the one-replication (conditional)
// case, determinism, and coverage on the skewed placement mixture that Student t undercovers.
import { describe, expect, it } from "vitest";
import {
  BOOTSTRAP_SEED,
  bootstrapQuantile,
  MIN_BOOTSTRAP,
  meanEstimate,
  mulberry32,
  NON_NEGATIVE,
  orderStatistic,
  PROPORTION,
  RESAMPLES,
  ratioAndSe,
  ratioEstimate,
  UNBOUNDED,
} from "../../src/stats/interval.js";
import { tInterval } from "../../src/stats/student.js";
import { wilson } from "../../src/stats/wilson.js";
import { passMark } from "../coverage/harness.js";

/** Mulberry32, as interval.ts resamples with, for reproducible test data. */
const generator = mulberry32;

describe("meanEstimate", () => {
  it("is the mean over replications, with a bootstrap-t interval from MIN_BOOTSTRAP on", () => {
    const values = [0.1, 0.2, 0.15, 0.3, 0.12, 0.18, 0.22, 0.09, 0.14, 0.2];
    const e = meanEstimate(values, PROPORTION);
    expect(e.mean).toBeCloseTo(values.reduce((a, b) => a + b) / values.length, 15);
    expect(e.method).toBe("bootstrap-t");
    expect(e.n).toBe(10);
    expect(e.conditional).toBeUndefined();
    const [lo, hi] = e.ci95 as [number, number];
    expect(lo).toBeLessThan(e.mean as number);
    expect(hi).toBeGreaterThan(e.mean as number);
    // Same data, same interval: the resampling generator has a fixed seed.
    expect(meanEstimate(values, PROPORTION)).toEqual(e);
  });

  it("uses Student t below MIN_BOOTSTRAP replications", () => {
    const values = [0.1, 0.3, 0.2].slice(0, MIN_BOOTSTRAP - 1);
    const e = meanEstimate(values, UNBOUNDED);
    expect(e.method).toBe("t");
    expect(e.ci95).toEqual(tInterval(values).ci95);
  });

  it("keeps a proportion's interval within [0, 1] and a delay's at or above 0", () => {
    // One replication far out: Student t's interval would start below 0.
    const skewed = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.9];
    expect(tInterval(skewed).ci95[0]).toBeLessThan(0);
    const p = meanEstimate(skewed, PROPORTION);
    expect((p.ci95 as [number, number])[0]).toBeGreaterThanOrEqual(0);
    expect((p.ci95 as [number, number])[1]).toBeLessThanOrEqual(1);
    const delays = [2, 2, 3, 2, 2, 2, 3, 2, 2, 600];
    expect(tInterval(delays).ci95[0]).toBeLessThan(0);
    expect((meanEstimate(delays, NON_NEGATIVE).ci95 as [number, number])[0]).toBeGreaterThanOrEqual(0);
  });

  it("labels one replication conditional: Wilson on its pooled counts, or no interval without counts", () => {
    const e = meanEstimate([0.25], PROPORTION, [25, 100]);
    expect(e).toEqual({ mean: 0.25, ci95: wilson(25, 100), n: 1, method: "wilson", conditional: true });
    expect(meanEstimate([3.5, null], NON_NEGATIVE)).toEqual({
      mean: 3.5,
      ci95: null,
      n: 1,
      method: "none",
      conditional: true,
    });
    expect(meanEstimate([null, null], PROPORTION)).toEqual({ mean: null, ci95: null, n: 0, method: "none" });
  });
});

describe("ratioEstimate", () => {
  it("is Σy/Σx over every replication, counting those without resends as clusters", () => {
    const y = [1, 0, 3, 2, 0, 1, 1, 0, 3, 2, 0, 1];
    const x = [10, 0, 12, 9, 4, 8, 10, 0, 12, 9, 4, 8];
    const e = ratioEstimate(y, x, { counts: true });
    expect(e.mean).toBeCloseTo(14 / 86, 15);
    expect(e.n).toBe(10);
    expect(e.method).toBe("bootstrap-t");
  });

  it("falls back to Wilson on pooled counts when every replication has exactly the same ratio", () => {
    expect(ratioEstimate([0, 0, 0, 0, 0, 0], [5, 7, 3, 4, 6, 5], { counts: true })).toEqual({
      mean: 0,
      ci95: wilson(0, 30),
      n: 6,
      method: "wilson",
    });
  });

  it("is wider than the pooled Wilson interval when replications disagree (clustered resends)", () => {
    // Two kinds of replications, as with and without neighbouring listed relays.
    const y = [0, 0, 0, 50, 0, 0, 0, 0, 50, 0, 0, 0];
    const x = y.map(() => 100);
    const e = ratioEstimate(y, x, { counts: true });
    const [lo, hi] = e.ci95 as [number, number];
    const [wlo, whi] = wilson(100, 1200);
    expect(hi - lo).toBeGreaterThan(3 * (whi - wlo));
  });

  it("rejects arrays of different lengths", () => {
    expect(() => ratioEstimate([1], [1, 2])).toThrow(RangeError);
  });
});

describe("coverage on a skewed placement mixture (the timer/rotate case of issue 11, in miniature)", () => {
  // Per-replication resend failure: 0.25 + noise, or 0.5 when the listed relays are neighbours
  // (probability 0.2). True mean 0.3. 20 replications per experiment, 1500 experiments.
  const experiments = 1500;
  const R = 20;
  const truth = 0.25 * 0.8 + 0.5 * 0.2;
  const next = generator(2024);
  const samples = Array.from({ length: experiments }, () =>
    Array.from({ length: R }, () => (next() < 0.2 ? 0.5 : 0.25) + (next() - 0.5) * 0.04),
  );
  const held = (interval: (v: number[]) => [number, number]) =>
    samples.filter((v) => {
      const [lo, hi] = interval(v);
      return lo <= truth && truth <= hi;
    }).length;
  const mark = passMark(experiments);

  it(`holds the mean in at least ${mark} of ${experiments} experiments (a correct 95 % method fails with probability < 1e-6)`, () => {
    const bootstrap = held((v) => meanEstimate(v, PROPORTION).ci95 as [number, number]);
    expect(bootstrap).toBeGreaterThanOrEqual(mark);
  });

  it("where Student t falls below that mark (why the bootstrap)", () => {
    expect(held((v) => tInterval(v).ci95)).toBeLessThan(mark);
  });
});

describe("bootstrapQuantile", () => {
  /** The plain form it inlines: ratioAndSe on each resample's indices, drawn with mulberry32. */
  function reference(y: number[], x: number[], ratio: number, se: number): number {
    const n = y.length;
    const next = mulberry32(BOOTSTRAP_SEED);
    const idx = new Int32Array(n);
    const ts = new Float64Array(RESAMPLES);
    const floor = se / Math.sqrt(n);
    for (let b = 0; b < RESAMPLES; b++) {
      for (let i = 0; i < n; i++) idx[i] = Math.floor(next() * n);
      const s = ratioAndSe(y, x, idx);
      ts[b] = s === null ? Number.POSITIVE_INFINITY : Math.abs(s.ratio - ratio) / Math.max(s.se, floor);
    }
    ts.sort();
    return ts[Math.round(0.95 * (RESAMPLES + 1)) - 1];
  }

  it("is the plain resampling loop's quantile to the last bit (summaries stay byte-identical)", () => {
    const draw = mulberry32(99);
    for (let c = 0; c < 40; c++) {
      const n = 10 + Math.floor(draw() * 60);
      const x = Array.from({ length: n }, () => (draw() < 0.2 ? 0 : Math.floor(draw() * 40)));
      const y = x.map((v) => Math.floor(v * draw()));
      const ratio =
        y.reduce((a, b) => a + b, 0) /
        Math.max(
          1,
          x.reduce((a, b) => a + b, 0),
        );
      const se = 0.01 + draw() * 0.05;
      expect(bootstrapQuantile(y, x, ratio, se)).toBe(reference(y, x, ratio, se));
    }
  });

  it("scales the kept draws to each size: sizes asked again, in any order, some too large to keep", () => {
    // The generator's draws are kept and grown, and each size reads its indices from them: a size
    // asked again after others, after the draws grew, or too large to keep must still get its own.
    const draw = mulberry32(11);
    const sizes = [12, 40, 12, 25, 33, 18, 40, 11, 13, 14, 15, 16, 17, 19, 12, 1100, 25, 1100, 12, 1500, 40];
    for (const n of sizes) {
      const x = Array.from({ length: n }, () => Math.floor(draw() * 30));
      const y = x.map((v) => Math.floor(v * draw()));
      const se = 0.01 + draw() * 0.05;
      expect(bootstrapQuantile(y, x, 0.4, se)).toBe(reference(y, x, 0.4, se));
    }
  });

  it("gives the same bits for Array and Float64Array inputs, fractional values and infinite quantiles", () => {
    // Callers pass both kinds (meanEstimate: an Array of values and a Float64Array of ones), and
    // the resampling runs on Float64Array copies whatever it is given.
    const draw = mulberry32(7);
    for (let c = 0; c < 20; c++) {
      const n = 10 + Math.floor(draw() * 30);
      const y = Array.from({ length: n }, () => draw() * 900);
      const x = Array.from({ length: n }, () => (c % 2 === 0 ? 1 : 0.5 + draw()));
      const se = 1 + draw() * 20;
      const expected = reference(y, x, 300, se);
      expect(bootstrapQuantile(y, x, 300, se)).toBe(expected);
      expect(bootstrapQuantile(Float64Array.from(y), x, 300, se)).toBe(expected);
      expect(bootstrapQuantile(y, Float64Array.from(x), 300, se)).toBe(expected);
      expect(bootstrapQuantile(Float64Array.from(y), Float64Array.from(x), 300, se)).toBe(expected);
    }
    // One resend in ten replications: over a third of resamples have Σx* = 0, past the 5 % tail.
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(reference(y, x, 1, 0.1)).toBe(Number.POSITIVE_INFINITY);
    expect(bootstrapQuantile(y, x, 1, 0.1)).toBe(Number.POSITIVE_INFINITY);
    expect(bootstrapQuantile(Float64Array.from(y), new Float64Array(x), 1, 0.1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("gives the plain loop's bits four resamples at a time: means of any size, and ratios with some empty resamples", () => {
    // Resamples run four at a time after the first RESAMPLES % 4 alone, and x ≡ 1 (a mean) has
    // a loop without x: each of the four must still be its own resample, to the last bit.
    const draw = mulberry32(23);
    for (const n of [2, 3, 4, 5, 10, 11, 29, 30, 31, 64, 100]) {
      const y = Array.from({ length: n }, () => draw() * 1200);
      const ones = new Array<number>(n).fill(1);
      const se = 5 + draw() * 40;
      expect(bootstrapQuantile(y, ones, 600, se)).toBe(reference(y, ones, 600, se));
    }
    // Three of 25–30 replications resend: about 4 % of resamples hold none (Σx* = 0, infinite),
    // around the 5 % tail, so the quantile is finite in some cases and infinite in others.
    const finite = new Set<boolean>();
    for (let c = 0; c < 30; c++) {
      const n = 25 + (c % 6);
      const x = Array.from({ length: n }, (_, i) => (i < 3 ? 1 + Math.floor(draw() * 5) : 0));
      const y = x.map((v) => Math.floor(v * draw() * 2));
      const expected = reference(y, x, 0.3, 0.05);
      finite.add(Number.isFinite(expected));
      expect(bootstrapQuantile(y, x, 0.3, 0.05)).toBe(expected);
    }
    expect([...finite].sort()).toEqual([false, true]);
  });
});

describe("orderStatistic", () => {
  it("is the k-th value of the sorted array, with repeats and infinities", () => {
    const draw = mulberry32(5);
    for (let c = 0; c < 200; c++) {
      const n = 1 + Math.floor(draw() * 300);
      const a = Float64Array.from({ length: n }, () => {
        const u = draw();
        return u < 0.1 ? Number.POSITIVE_INFINITY : u < 0.3 ? Math.floor(u * 10) : u;
      });
      const sorted = a.slice().sort();
      const k = Math.floor(draw() * n);
      expect(orderStatistic(a.slice(), k)).toBe(sorted[k]);
    }
    expect(() => orderStatistic(new Float64Array(3), 3)).toThrow(RangeError);
  });
});
