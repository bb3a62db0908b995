// `least-connections`: the fewest sessions in progress, ties uniformly, among eligible servers only.
import { describe, expect, it } from "vitest";
import { LeastConnectionsBalancer } from "../../../src/model/balancers/least-connections.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

describe("LeastConnectionsBalancer", () => {
  it("picks the server with the fewest sessions, ties uniformly", () => {
    const pool = fakePool(4, 1, 2);
    const b = new LeastConnectionsBalancer(pool);
    pool.sessions.set([3, 1, 2, 1]);
    const c = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) c[b.pick(0, i)]++;
    expect(c[0] + c[2]).toBe(0);
    expectFrequencies([c[1], c[3]], [1, 1], "ties");
  });

  it("chooses among eligible servers only: an excluded idle server is never named", () => {
    const pool = fakePool(3, 1, 3);
    const b = new LeastConnectionsBalancer(pool);
    pool.sessions.set([0, 2, 2]);
    pool.eligible.set([0, 1, 1]);
    b.eligibilityChanged();
    const c = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) c[b.pick(0, i)]++;
    expect(c[0]).toBe(0);
    expectFrequencies([c[1], c[2]], [1, 1], "eligible ties");
    // With every server excluded the relay still sends: all count again.
    pool.eligible.fill(0);
    b.eligibilityChanged();
    expect(b.pick(0, 0)).toBe(0);
  });
});
