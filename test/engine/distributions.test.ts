// Each sampler's draws against its declared mean (bounds sized for a 1e-6 false alarm at a fixed
// seed), its support, the `constant` flag (no random number consumed) and the supremum.
import { describe, expect, it } from "vitest";
import { type DistributionSpec, sampler, supremum } from "../../src/engine/distributions.js";
import { randomStream } from "../../src/engine/random.js";
import { expectFrequencies, expectMeanNear, expectProportion } from "../helpers/stats.js";

const N = 200_000;

/** A Random that fails the test if called: constant samplers must not consume draws. */
const forbidden = {
  next(): number {
    throw new Error("a constant sampler drew a random number");
  },
};

function draw(spec: DistributionSpec, n = N, seed = 11): Float64Array {
  const s = sampler(spec);
  const r = randomStream(seed, 0, "distributions");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = s.sample(r);
  return out;
}

const meanOf = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("sampler", () => {
  it.each<[string, DistributionSpec, number, number]>([
    // name, spec, true mean, true standard deviation
    ["uniform", { uniform: [300, 900] }, 600, 600 / Math.sqrt(12)],
    ["exponential", { exponential: 7200 }, 7200, 7200],
    [
      "lognormal",
      { lognormal: { median: 3600, sigma: 0.8 } },
      3600 * Math.exp(0.32),
      3600 * Math.exp(0.32) * Math.sqrt(Math.exp(0.64) - 1),
    ],
    ["empirical", { empirical: [60, 300, 1800] }, 720, Math.sqrt(((60 - 720) ** 2 + (300 - 720) ** 2 + 1080 ** 2) / 3)],
  ])("%s: declared mean is right and the sample mean matches it", (_name, spec, mean, sd) => {
    const s = sampler(spec);
    expect(s.constant).toBe(false);
    expect(s.mean).toBeCloseTo(mean, 9);
    expectMeanNear(meanOf(draw(spec)), mean, sd, N, JSON.stringify(spec));
  });

  it("uniform draws stay in [low, high) and fill it evenly", () => {
    const xs = draw({ uniform: [300, 900] });
    const bins = new Array(20).fill(0);
    let outside = 0;
    for (const x of xs) {
      if (!(x >= 300 && x < 900)) outside++;
      else bins[Math.floor((x - 300) / 30)]++;
    }
    expect(outside).toBe(0);
    expectFrequencies(bins, new Array(20).fill(1), "uniform bins");
  });

  it("exponential draws are positive and finite, with P(X > mean) = 1/e", () => {
    const xs = draw({ exponential: 100 });
    let above = 0;
    let invalid = 0;
    for (const x of xs) {
      if (!(x >= 0 && Number.isFinite(x))) invalid++;
      if (x > 100) above++;
    }
    expect(invalid).toBe(0);
    expectProportion(above, N, Math.exp(-1), "P(X > mean)");
  });

  it("lognormal draws have the declared median", () => {
    const xs = draw({ lognormal: { median: 3600, sigma: 1.5 } });
    const below = xs.reduce((n, x) => n + (x < 3600 ? 1 : 0), 0);
    expectProportion(below, N, 0.5, "P(X < median)");
  });

  it("empirical draws take only the listed values, equally often", () => {
    const values = [60, 300, 1800, 300];
    const xs = draw({ empirical: values });
    const counts = [0, 0, 0];
    for (const x of xs) counts[[60, 300, 1800].indexOf(x)]++;
    // 300 is listed twice: twice as likely.
    expectFrequencies(counts, [1, 2, 1], "empirical");
  });

  it.each<[string, DistributionSpec, number]>([
    ["fixed", { fixed: 120 }, 120],
    ["degenerate uniform", { uniform: [60, 60] }, 60],
    ["lognormal with sigma 0", { lognormal: { median: 30, sigma: 0 } }, 30],
    ["empirical with one value", { empirical: [5, 5, 5] }, 5],
    ["fixed zero", { fixed: 0 }, 0],
  ])("%s is constant: same value, no random number consumed", (_name, spec, value) => {
    const s = sampler(spec);
    expect(s.constant).toBe(true);
    expect(s.mean).toBe(value);
    expect(s.sample(forbidden)).toBe(value);
    expect(s.sample(forbidden)).toBe(value);
  });
});

describe("supremum", () => {
  it.each<[DistributionSpec, number]>([
    [{ fixed: 120 }, 120],
    [{ uniform: [300, 900] }, 900],
    [{ empirical: [60, 1800, 300] }, 1800],
    [{ exponential: 10 }, Number.POSITIVE_INFINITY],
    [{ lognormal: { median: 10, sigma: 1 } }, Number.POSITIVE_INFINITY],
  ])("%j → %s", (spec, sup) => {
    expect(supremum(spec)).toBe(sup);
  });

  it("bounds every draw of the bounded distributions", () => {
    for (const spec of [{ uniform: [1, 2] }, { empirical: [3, 9, 4] }] as DistributionSpec[]) {
      const sup = supremum(spec);
      expect(Math.max(...draw(spec, 10_000))).toBeLessThanOrEqual(sup);
    }
  });
});
