// Holds the compromise lifecycle generator (src/model/lifecycle.ts) to the renewal-theory
// listed fraction of src/analytic/lifecycle.ts, and checks that closed form's limits.
//
// The simulated fraction: S independent servers, one list, fixed L, C, D; each server's listed
// time (union of its intervals, mergeIntervals) within the window [W0, H), over H − W0. The
// window's end is exact: a compromise at t ≥ H would be listed from t + L ≥ H. Its start skips
// the transient from "clean and unlisted at 0": cleanups are regeneration points (with L, C, D
// fixed, the future after a cleanup depends only on its time), the cycle length C + Exp(λ)
// has a density, so the process approaches stationarity exponentially fast; W0 = 60 d is
// ≥ 8 mean cycles here and the bias left is far below the statistical bound below.
// Per-server fractions are i.i.d. (disjoint draws of one stream); their mean over S = 300
// servers, each ~280 cycles, is normal to a very good approximation, and the test accepts
// |mean − f| ≤ 6·SE with SE the sample standard deviation over √S: a correct generator fails
// one comparison with probability ≈ 2e-9 (≈ 2e-8 allowing the 7 % wider spread of z seen over
// 160 seeds), the file's three with < 1e-6. The wrong models fail
// by tens of SEs: compromises during the compromised period, delisting counted from the
// compromise instead of the cleanup, or the union per cycle taken as (C − L) + min(E + L, D + L).

import { describe, expect, it } from "vitest";
import { listedFraction } from "../../src/analytic/lifecycle.js";
import { compromiseListings, compromiseStreams, mergeIntervals } from "../../src/model/lifecycle.js";
import { scenarioSchema } from "../../src/scenario/schema.js";

const DAY = 86_400;
const SERVERS = 300;
const W0 = 60 * DAY;
const H = 2060 * DAY;
const Z = 6;

interface Case {
  meanCleanDays: number;
  L: number;
  C: number;
  D: number;
}

/** Mean and standard error of the per-server listed fractions over [W0, H). */
function simulatedFraction(c: Case, seed: number): { mean: number; se: number } {
  const scenario = scenarioSchema.parse({
    name: "renewal",
    horizon: H,
    pool: { servers: SERVERS },
    blacklists: [{ name: "list", subscribers: 1, listingDelay: c.L, delistAfter: c.D }],
    compromise: { ratePerServer: 1 / (c.meanCleanDays * DAY), cleanup: c.C },
    traffic: { senders: 1, rate: "1/d" },
  });
  const listed = new Float64Array(SERVERS);
  for (const l of mergeIntervals(compromiseListings(scenario, compromiseStreams(seed, 0)))) {
    listed[l.server] += Math.max(0, Math.min(l.until, H) - Math.max(l.from, W0));
  }
  const fractions = Array.from(listed, (t) => t / (H - W0));
  const mean = fractions.reduce((a, b) => a + b, 0) / SERVERS;
  const variance = fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / (SERVERS - 1);
  return { mean, se: Math.sqrt(variance / SERVERS) };
}

function expectAgrees(c: Case, seed: number): void {
  const f = listedFraction(1 / (c.meanCleanDays * DAY), c.L, c.C, c.D);
  const { mean, se } = simulatedFraction(c, seed);
  expect(se).toBeLessThan(0.005); // the bound is tight enough to catch the wrong models
  expect(Math.abs(mean - f), `simulated ${mean} ± ${se}, renewal theory ${f}`).toBeLessThanOrEqual(Z * se);
}

describe("listed fraction of the compromise lifecycle", () => {
  it("matches renewal theory when a delisting can be pending at the next listing (D > L)", () => {
    // f = (1 + λC − e^{−λ(D−L)})/(1 + λC) = (1.75 − e^{−0.25})/1.75 ≈ 0.555.
    expectAgrees({ meanCleanDays: 4, L: 1 * DAY, C: 3 * DAY, D: 2 * DAY }, 1);
  });

  it("matches renewal theory when listings never overlap (D ≤ L)", () => {
    // f = λ(C − L + D)/(1 + λC) = 0.5/1.75 ≈ 0.286.
    expectAgrees({ meanCleanDays: 4, L: 2 * DAY, C: 3 * DAY, D: 1 * DAY }, 2);
  });

  it("matches renewal theory when one listing outlasts several compromises (D > C + L)", () => {
    // f = (1.2 − e^{−1.9})/1.2 ≈ 0.875.
    expectAgrees({ meanCleanDays: 5, L: 0.5 * DAY, C: 1 * DAY, D: 10 * DAY }, 3);
  });
});

describe("listedFraction", () => {
  const lambda = 1 / (4 * DAY);

  it("has the limits of the derivation", () => {
    expect(listedFraction(lambda, 2 * DAY, 2 * DAY, DAY)).toBe(0); // listed only before cleanup
    expect(listedFraction(0, 0, DAY, DAY)).toBe(0);
    expect(listedFraction(lambda, 0, DAY, Number.POSITIVE_INFINITY)).toBe(1);
    expect(listedFraction(lambda, 0, DAY, 1e12)).toBeCloseTo(1, 12);
    // Rare compromises: one listing of C − L + D per 1/λ (relative error O(λC)).
    const rare = 1e-12;
    expect(listedFraction(rare, DAY, 3 * DAY, 2 * DAY) / rare / (4 * DAY)).toBeCloseTo(1, 6);
    expect(listedFraction(rare, 2 * DAY, 3 * DAY, DAY) / rare / (2 * DAY)).toBeCloseTo(1, 6);
  });

  it("is continuous at D = L and increasing in D", () => {
    const at = listedFraction(lambda, DAY, 3 * DAY, DAY);
    expect(at).toBeCloseTo(3 / 4 / (1 + 3 / 4), 14);
    expect(listedFraction(lambda, DAY, 3 * DAY, DAY * (1 + 1e-9))).toBeCloseTo(at, 9);
    let previous = 0;
    for (let D = 0; D <= 30 * DAY; D += DAY / 4) {
      const f = listedFraction(lambda, DAY, 3 * DAY, D);
      expect(f).toBeGreaterThanOrEqual(previous);
      expect(f).toBeLessThanOrEqual(1);
      previous = f;
    }
  });

  it("rejects bad arguments", () => {
    expect(() => listedFraction(-1, 0, DAY, DAY)).toThrow(RangeError);
    expect(() => listedFraction(lambda, -1, DAY, DAY)).toThrow(RangeError);
    expect(() => listedFraction(lambda, 0, Number.NaN, DAY)).toThrow(RangeError);
    expect(() => listedFraction(lambda, 0, DAY, -1)).toThrow(RangeError);
  });
});
