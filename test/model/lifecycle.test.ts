// Checks the compromise lifecycle generator: well-formed intervals, listings inside their
// compromise, no compromise while compromised, deterministic draws, and a correct union.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/engine/random.js";
import { compromiseCycles, compromiseListings, mergeIntervals } from "../../src/model/lifecycle.js";
import type { Listing } from "../../src/model/listings.js";
import { type Scenario, type ScenarioInput, scenarioSchema } from "../../src/scenario/schema.js";

type DistInput = NonNullable<ScenarioInput["pool"]["sessionTime"]>;

function scenario(
  servers: number,
  horizon: number,
  compromise: ScenarioInput["compromise"],
  lists: { listingDelay: DistInput; delistAfter: DistInput }[],
): Scenario {
  return scenarioSchema.parse({
    name: "lifecycle",
    horizon,
    pool: { servers },
    blacklists: lists.map((l, i) => ({ name: `list${i}`, subscribers: 0.5, ...l })),
    compromise,
    traffic: { senders: 1, rate: "1/d" },
  });
}

const HOUR = 3600;
const distribution: fc.Arbitrary<DistInput> = fc.oneof(
  fc.integer({ min: 0, max: 48 }).map((h) => h * HOUR),
  fc.integer({ min: 0, max: 48 }).map((h) => ({ exponential: h * HOUR })),
  fc.tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 24 })).map(([a, b]) => ({
    uniform: [a * HOUR, (a + b) * HOUR] as [number, number],
  })),
  fc.integer({ min: 1, max: 48 }).map((h) => ({ lognormal: { median: h * HOUR, sigma: 1 } })),
  fc.array(fc.integer({ min: 0, max: 72 }), { minLength: 1, maxLength: 4 }).map((hs) => ({
    empirical: hs.map((h) => h * HOUR),
  })),
);

const lifecycleCase = fc.record({
  servers: fc.integer({ min: 1, max: 6 }),
  horizonDays: fc.integer({ min: 1, max: 120 }),
  meanCleanDays: fc.integer({ min: 1, max: 60 }),
  cleanup: distribution,
  lists: fc.array(fc.record({ listingDelay: distribution, delistAfter: distribution }), { minLength: 1, maxLength: 3 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

/** The scenario of a generated lifecycle case. */
function caseScenario(c: LifecycleCase) {
  return scenario(
    c.servers,
    c.horizonDays * 86_400,
    { ratePerServer: `1/${c.meanCleanDays}d`, cleanup: c.cleanup },
    c.lists,
  );
}

type LifecycleCase = typeof lifecycleCase extends fc.Arbitrary<infer T> ? T : never;

describe("compromiseCycles and compromiseListings", () => {
  it("produce well-formed listings, each inside its compromise, and no compromise while compromised", () => {
    fc.assert(
      fc.property(lifecycleCase, (c) => {
        const s = caseScenario(c);
        const cycles = compromiseCycles(s, randomStream(c.seed, 0, "compromise"));
        const lastCleanup = new Map<number, number>();
        for (const cycle of cycles) {
          expect(cycle.compromisedAt).toBeGreaterThanOrEqual(0);
          expect(cycle.compromisedAt).toBeLessThan(s.horizon);
          expect(cycle.cleanedAt).toBeGreaterThanOrEqual(cycle.compromisedAt);
          expect(cycle.compromisedAt).toBeGreaterThanOrEqual(lastCleanup.get(cycle.server) ?? 0);
          lastCleanup.set(cycle.server, cycle.cleanedAt);
          for (const l of cycle.listings) {
            expect(l.server).toBe(cycle.server);
            expect(l.from).toBeLessThan(l.until);
            expect(l.from).toBeGreaterThanOrEqual(cycle.compromisedAt);
            expect(l.from).toBeLessThan(cycle.cleanedAt);
            expect(l.until).toBeGreaterThanOrEqual(cycle.cleanedAt);
          }
        }
        // Same stream, same draws: compromiseListings is the flattened cycles.
        const listings = compromiseListings(s, randomStream(c.seed, 0, "compromise"));
        expect(listings).toEqual(cycles.flatMap((cycle) => cycle.listings));
      }),
      { seed: 20130805, numRuns: 200 },
    );
  });

  it("lists a compromise only when the listing delay ends strictly before the cleanup", () => {
    const lists = [
      { listingDelay: "1h", delistAfter: "24h" },
      { listingDelay: "3d", delistAfter: "24h" },
      { listingDelay: "2d", delistAfter: "0s" },
    ];
    const s = scenario(3, 200 * 86_400, { ratePerServer: "1/10d", cleanup: "2d" }, lists);
    const cycles = compromiseCycles(s, randomStream(7, 0, "compromise"));
    expect(cycles.length).toBeGreaterThan(20);
    for (const cycle of cycles) {
      expect(cycle.listings.map((l) => l.list)).toEqual([0]);
      expect(cycle.listings[0].from).toBeCloseTo(cycle.compromisedAt + HOUR, 6);
      expect(cycle.listings[0].until).toBeCloseTo(cycle.compromisedAt + 3 * 86_400, 6);
    }
  });

  it("produces nothing without compromise or with a zero rate", () => {
    const lists = [{ listingDelay: "0s", delistAfter: "24h" }];
    expect(compromiseListings(scenario(5, 86_400, null, lists), randomStream(1, 0, "compromise"))).toEqual([]);
    expect(
      compromiseListings(
        scenario(5, 86_400, { ratePerServer: 0, cleanup: "1d" }, lists),
        randomStream(1, 0, "compromise"),
      ),
    ).toEqual([]);
  });
});

/** Total length of a set of intervals' union, by brute force over all endpoints. */
function unionLength(intervals: readonly Listing[]): number {
  const points = [...new Set(intervals.flatMap((l) => [l.from, l.until]))].sort((a, b) => a - b);
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const mid = (points[i] + points[i + 1]) / 2;
    if (intervals.some((l) => l.from <= mid && mid < l.until)) total += points[i + 1] - points[i];
  }
  return total;
}

describe("mergeIntervals", () => {
  it("merges [a, b) and [b, c) and nested or overlapping intervals, per server and list", () => {
    const merged = mergeIntervals([
      { server: 1, list: 0, from: 5, until: 6 },
      { server: 0, list: 0, from: 2, until: 3 },
      { server: 0, list: 0, from: 0, until: 2 },
      { server: 0, list: 1, from: 1, until: 4 },
      { server: 0, list: 0, from: 0.5, until: 1 },
      { server: 0, list: 0, from: 4, until: Number.POSITIVE_INFINITY },
      { server: 0, list: 0, from: 10, until: 11 },
    ]);
    expect(merged).toEqual([
      { server: 0, list: 0, from: 0, until: 3 },
      { server: 0, list: 0, from: 4, until: Number.POSITIVE_INFINITY },
      { server: 0, list: 1, from: 1, until: 4 },
      { server: 1, list: 0, from: 5, until: 6 },
    ]);
  });

  it("gives disjoint intervals with the same union, and leaves its input alone", () => {
    const interval = fc
      .record({
        server: fc.integer({ min: 0, max: 2 }),
        list: fc.integer({ min: 0, max: 1 }),
        from: fc.integer({ min: 0, max: 100 }),
        length: fc.integer({ min: 1, max: 30 }),
      })
      .map(({ length, ...l }) => ({ ...l, until: l.from + length }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), (listings) => {
        const copy = structuredClone(listings);
        const merged = mergeIntervals(listings);
        expect(listings).toEqual(copy);
        for (let i = 0; i < merged.length; i++) {
          expect(merged[i].from).toBeLessThan(merged[i].until);
          const next = merged[i + 1];
          if (next && next.server === merged[i].server && next.list === merged[i].list) {
            expect(next.from).toBeGreaterThan(merged[i].until);
          }
        }
        for (let server = 0; server <= 2; server++) {
          for (let list = 0; list <= 1; list++) {
            const mine = (ls: Listing[]) => ls.filter((l) => l.server === server && l.list === list);
            const lengths = mine(merged).reduce((sum, l) => sum + l.until - l.from, 0);
            expect(lengths).toBe(unionLength(mine(listings)));
          }
        }
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it("never leaves generated listings overlapping", () => {
    fc.assert(
      fc.property(lifecycleCase, (c) => {
        const s = caseScenario(c);
        const merged = mergeIntervals(compromiseListings(s, randomStream(c.seed, 0, "compromise")));
        for (let i = 0; i + 1 < merged.length; i++) {
          const [a, b] = [merged[i], merged[i + 1]];
          if (a.server === b.server && a.list === b.list) expect(b.from).toBeGreaterThan(a.until);
        }
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
