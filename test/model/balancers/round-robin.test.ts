// `round-robin`: one shared pointer from a uniform start, +1 per attempt; with weights, nginx's
// smooth weighted round-robin (exact shares per cycle, heavy servers spread out).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Balancer } from "../../../src/model/balancers/balancer.js";
import { RoundRobinBalancer } from "../../../src/model/balancers/round-robin.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

const picks = (b: Balancer, n: number) => Array.from({ length: n }, (_, i) => b.pick(i % 3, i));

describe("RoundRobinBalancer without weights", () => {
  it("cycles through every server in order, whoever the sender", () => {
    const b = new RoundRobinBalancer(fakePool(6, 3, 8));
    const seq = picks(b, 30);
    for (let i = 1; i < seq.length; i++) expect(seq[i]).toBe((seq[i - 1] + 1) % 6);
  });

  it("starts at a uniformly random server", () => {
    const starts = new Array(5).fill(0);
    for (let seed = 0; seed < 5000; seed++) starts[new RoundRobinBalancer(fakePool(5, 1, seed)).pick()]++;
    expectFrequencies(starts, new Array(5).fill(1), "start");
  });
});

describe("RoundRobinBalancer with weights (smooth weighted)", () => {
  it("gives 5, 1, 1 the nginx sequence a a b a c a a, up to rotation", () => {
    const cycle = [0, 0, 1, 0, 2, 0, 0];
    const rotations = cycle.map((_, r) => [...cycle.slice(r), ...cycle.slice(0, r)].join(","));
    for (let seed = 0; seed < 40; seed++) {
      const seq = picks(new RoundRobinBalancer(fakePool(3, 1, seed), [5, 1, 1]), 21);
      expect(rotations).toContain(seq.slice(0, 7).join(","));
      // Periodic with period 7.
      expect(seq.slice(7, 14)).toEqual(seq.slice(0, 7));
      expect(seq.slice(14, 21)).toEqual(seq.slice(0, 7));
    }
  });

  it("gives each server exactly its weight per cycle of total-weight picks, from any start", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (weights, seed) => {
          fc.pre(weights.some((w) => w > 0));
          const total = weights.reduce((a, b) => a + b, 0);
          const b = new RoundRobinBalancer(fakePool(weights.length, 1, seed), weights);
          for (let cycle = 0; cycle < 3; cycle++) {
            const c = new Array(weights.length).fill(0);
            for (const s of picks(b, total)) c[s]++;
            expect(c).toEqual(weights);
          }
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });

  it.each([[[4, 2, 1, 1]], [[6, 6, 1, 1]], [[3, 7, 2, 9, 1]]])(
    "spreads servers out (%j): every window of k picks gives each server k·w/W ± 1.5",
    (weights) => {
      // Plain weighted round-robin (a×6 b×6 c d) would be off by 3.4 here; the smooth variant stays within ~1.
      const total = weights.reduce((a, b) => a + b, 0);
      const seq = picks(new RoundRobinBalancer(fakePool(weights.length, 1, 1), weights), 2 * total);
      for (let start = 0; start < total; start++) {
        const c = new Array(weights.length).fill(0);
        for (let k = 1; k <= total; k++) {
          c[seq[start + k - 1]]++;
          weights.forEach((w, i) => {
            expect(Math.abs(c[i] - (k * w) / total)).toBeLessThan(1.5);
          });
        }
      }
    },
  );

  it("starts at a uniformly random point of its cycle: first picks follow the weights", () => {
    const weights = [5, 1, 1];
    const first = new Array(3).fill(0);
    for (let seed = 0; seed < 7000; seed++) first[new RoundRobinBalancer(fakePool(3, 1, seed), weights).pick()]++;
    expectFrequencies(first, weights, "first pick");
  });
});

describe("RoundRobinBalancer under the health check", () => {
  it("steps over excluded servers and rotates the eligible weights alone", () => {
    const pool = fakePool(4, 1, 7);
    const plain = new RoundRobinBalancer(pool);
    pool.eligible.set([1, 0, 1, 1]);
    plain.eligibilityChanged();
    const seen = Array.from({ length: 9 }, () => plain.pick());
    expect(seen).not.toContain(1);
    expect(new Set(seen.slice(0, 3)).size).toBe(3);
    const weighted = new RoundRobinBalancer(pool, [1, 5, 1, 2]);
    weighted.eligibilityChanged();
    const c = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) c[weighted.pick()]++;
    expect(c).toEqual([100, 0, 100, 200]);
  });
});
