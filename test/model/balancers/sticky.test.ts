// `sticky`: one uniform server per sender for the whole run.
import { describe, expect, it } from "vitest";
import type { Balancer } from "../../../src/model/balancers/balancer.js";
import { StickyBalancer } from "../../../src/model/balancers/sticky.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

describe("StickyBalancer", () => {
  it("gives each sender the same server at every time", () => {
    const b: Balancer = new StickyBalancer(fakePool(10, 50, 2));
    const home = Array.from({ length: 50 }, (_, s) => b.pick(s, 0));
    for (const t of [1, 599.9, 600, 86_400, 1e7]) {
      for (let s = 0; s < 50; s++) expect(b.pick(s, t)).toBe(home[s]);
    }
    // Not every sender on one server.
    expect(new Set(home).size).toBeGreaterThan(1);
  });

  it("draws each sender's server uniformly", () => {
    const senders = 20_000;
    const b: Balancer = new StickyBalancer(fakePool(8, senders, 3));
    const c = new Array(8).fill(0);
    for (let s = 0; s < senders; s++) c[b.pick(s, 0)]++;
    expectFrequencies(c, new Array(8).fill(1), "homes");
  });
});
