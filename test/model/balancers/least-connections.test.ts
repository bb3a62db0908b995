// `least-connections`: the fewest sessions in progress, ties uniformly, among eligible servers only.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Random, randomStream } from "../../../src/engine/random.js";
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

/** The pick as it was before SessionCounts: two scans, one draw only when several tie. */
function twoScanPick(sessions: Int32Array, candidates: Uint8Array, random: Random): number {
  let least = 2147483647;
  let ties = 0;
  for (let v = 0; v < sessions.length; v++) {
    if (candidates[v] === 0) continue;
    if (sessions[v] < least) {
      least = sessions[v];
      ties = 1;
    } else if (sessions[v] === least) ties++;
  }
  let j = ties === 1 ? 0 : Math.floor(random.next() * ties);
  for (let v = 0; v < sessions.length; v++) if (candidates[v] === 1 && sessions[v] === least && j-- === 0) return v;
  return 0;
}

describe("LeastConnectionsBalancer against the two-scan pick it replaced", () => {
  it("names the same server with the same draws, as sessions start and end and eligibility changes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(
          fc.record({ start: fc.boolean(), at: fc.nat(), check: fc.option(fc.array(fc.boolean()), { freq: 10 }) }),
          {
            maxLength: 300,
          },
        ),
        fc.integer({ min: 1, max: 1000 }),
        (servers, steps, seed) => {
          const pool = fakePool(servers, 1, seed);
          const b = new LeastConnectionsBalancer(pool);
          const mine = randomStream(seed, 0, "balancer.first");
          const theirs = randomStream(seed, 0, "balancer.first");
          const candidates = new Uint8Array(servers).fill(1);
          for (const s of steps) {
            if (s.check != null) {
              for (let v = 0; v < servers; v++) pool.eligible[v] = s.check[v % Math.max(1, s.check.length)] ? 1 : 0;
              b.eligibilityChanged();
              const none = !pool.eligible.includes(1);
              for (let v = 0; v < servers; v++) candidates[v] = none || pool.eligible[v] === 1 ? 1 : 0;
            }
            const picked = b.pick(0, 0, mine);
            expect(picked).toBe(twoScanPick(pool.sessions.counts, candidates, theirs));
            if (s.start) pool.sessions.add(picked);
            else if (pool.sessions.counts[s.at % servers] > 0) pool.sessions.remove(s.at % servers);
          }
          // As many draws on both sides: the streams are at the same point.
          expect(mine.next()).toBe(theirs.next());
        },
      ),
      { seed: 14, numRuns: 200 },
    );
  });
});
