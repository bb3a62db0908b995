// `random`: independent uniform (or weighted) draws per attempt.
import { describe, expect, it } from "vitest";
import type { Balancer } from "../../../src/model/balancers/balancer.js";
import { RandomBalancer } from "../../../src/model/balancers/random.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

function counts(balancer: Balancer, servers: number, n: number): number[] {
  const c = new Array(servers).fill(0);
  for (let i = 0; i < n; i++) c[balancer.pick(i % 7, i)]++;
  return c;
}

describe("RandomBalancer", () => {
  it("picks servers uniformly without weights", () => {
    const c = counts(new RandomBalancer(fakePool(7, 7, 3)), 7, 100_000);
    expectFrequencies(c, new Array(7).fill(1), "uniform");
  });

  it("picks servers in proportion to their weights, never a zero-weight one", () => {
    const weights = [3, 0, 1, 2, 5];
    const c = counts(new RandomBalancer(fakePool(5, 7, 4), weights), 5, 100_000);
    expect(c[1]).toBe(0);
    expectFrequencies(c, weights, "weighted");
  });

  it("draws independently: consecutive picks are uniform in pairs", () => {
    const b: Balancer = new RandomBalancer(fakePool(5, 1, 5));
    const pairs = new Array(25).fill(0);
    let previous = b.pick(0, 0);
    for (let i = 1; i < 50_000; i++) {
      const next = b.pick(0, i);
      pairs[previous * 5 + next]++;
      previous = next;
    }
    expectFrequencies(pairs, new Array(25).fill(1), "pairs");
  });
});

describe("RandomBalancer under the health check", () => {
  it("draws over the eligible servers with their weights renormalised", () => {
    const pool = fakePool(4, 1, 6);
    const b = new RandomBalancer(pool, [1, 0, 2, 3]);
    pool.eligible.set([1, 1, 0, 1]);
    b.eligibilityChanged();
    const c = counts(b, 4, 60_000);
    expect(c[1] + c[2]).toBe(0);
    expectFrequencies([c[0], c[3]], [1, 3], "renormalised");
  });
});
