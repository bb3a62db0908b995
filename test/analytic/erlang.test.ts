// Checks the M/M/c formulas against textbook values and the direct Erlang C sum.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { erlangC, mmcMeanSojourn, mmcMeanWait } from "../../src/analytic/erlang.js";

/** Erlang C by its defining sum: (A^c/c!)·c/(c − A) / (Σ_{j<c} A^j/j! + (A^c/c!)·c/(c − A)). */
function erlangCDirect(c: number, A: number): number {
  let term = 1;
  let sum = 0;
  for (let j = 0; j < c; j++) {
    sum += term;
    term *= A / (j + 1);
  }
  const waiting = (term * c) / (c - A);
  return waiting / (sum + waiting);
}

describe("M/M/c", () => {
  it("gives C = 1/3, Wq = 1/3, W = 4/3 for c = 2, λ = μ = 1", () => {
    expect(erlangC(2, 1, 1)).toBeCloseTo(1 / 3, 15);
    expect(mmcMeanWait(2, 1, 1)).toBeCloseTo(1 / 3, 15);
    expect(mmcMeanSojourn(2, 1, 1)).toBeCloseTo(4 / 3, 15);
  });

  it("reduces to M/M/1: C = ρ, Wq = ρ/(μ − λ)", () => {
    expect(erlangC(1, 0.5, 1)).toBeCloseTo(0.5, 15);
    expect(mmcMeanWait(1, 0.5, 1)).toBeCloseTo(1, 15);
    expect(mmcMeanSojourn(1, 0.5, 1)).toBeCloseTo(2, 15);
  });

  it("has no waiting without traffic", () => {
    expect(erlangC(3, 0, 1)).toBe(0);
    expect(mmcMeanSojourn(3, 0, 0.5)).toBe(2);
  });

  it("agrees with the direct sum", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (c, rho, mu) => {
          const lambda = rho * c * mu;
          expect(erlangC(c, lambda, mu)).toBeCloseTo(erlangCDirect(c, lambda / mu), 12);
        },
      ),
      { seed: 17, numRuns: 500 },
    );
  });

  it("stays finite for large pools where factorials would overflow", () => {
    const C = erlangC(500, 480, 1);
    expect(C).toBeGreaterThan(0);
    expect(C).toBeLessThan(1);
  });

  it("rejects unstable or invalid queues", () => {
    expect(() => erlangC(2, 2, 1)).toThrow(RangeError);
    expect(() => erlangC(0, 0.5, 1)).toThrow(RangeError);
    expect(() => erlangC(2, 1, 0)).toThrow(RangeError);
    expect(() => mmcMeanWait(2, -1, 1)).toThrow(RangeError);
  });
});
