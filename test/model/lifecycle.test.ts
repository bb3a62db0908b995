// Checks the compromise lifecycle generator: well-formed intervals, listings inside their
// compromise, no compromise while compromised, deterministic draws, and a correct union.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listedFraction } from "../../src/analytic/lifecycle.js";
import { runReplication } from "../../src/experiment/run.js";
import {
  type CompromiseCycle,
  compromiseCycles,
  compromiseListings,
  compromiseStreams,
  mergeIntervals,
} from "../../src/model/lifecycle.js";
import type { Listing } from "../../src/model/listings.js";
import { CompiledScenario } from "../../src/model/replication.js";
import { parseScenario } from "../../src/scenario/load.js";
import { type Scenario, type ScenarioInput, scenarioSchema } from "../../src/scenario/schema.js";
import { binomialAgrees } from "../helpers/chernoff.js";

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
  start: fc.constantFrom("steady" as const, "clean" as const),
});

/** The scenario of a generated lifecycle case. */
function caseScenario(c: LifecycleCase) {
  return scenario(
    c.servers,
    c.horizonDays * 86_400,
    { ratePerServer: `1/${c.meanCleanDays}d`, cleanup: c.cleanup, start: c.start },
    c.lists,
  );
}

type LifecycleCase = typeof lifecycleCase extends fc.Arbitrary<infer T> ? T : never;

describe("compromiseCycles and compromiseListings", () => {
  it("produce well-formed listings, each inside its compromise, and no compromise while compromised", () => {
    fc.assert(
      fc.property(lifecycleCase, (c) => {
        const s = caseScenario(c);
        const cycles = compromiseCycles(s, compromiseStreams(c.seed, 0));
        const lastCleanup = new Map<number, number>();
        // Checked in plain code and asserted once: a steady start's history can hold thousands of cycles.
        const bad: string[] = [];
        const check = (ok: boolean, what: string, cycle: CompromiseCycle) => {
          if (!ok && bad.length < 5) bad.push(`${what}: ${JSON.stringify(cycle)}`);
        };
        for (const cycle of cycles) {
          // A steady start has a history: compromises before 0, whose listings may reach past it.
          check(c.start === "steady" || cycle.compromisedAt >= 0, "compromised before 0", cycle);
          check(cycle.compromisedAt < s.horizon, "compromised after the horizon", cycle);
          check(cycle.cleanedAt >= cycle.compromisedAt, "cleaned before compromised", cycle);
          check(
            cycle.compromisedAt >= (lastCleanup.get(cycle.server) ?? -Infinity),
            "compromised while compromised",
            cycle,
          );
          lastCleanup.set(cycle.server, cycle.cleanedAt);
          for (const l of cycle.listings) {
            check(l.server === cycle.server, "listing of another server", cycle);
            check(l.from < l.until, "empty listing", cycle);
            check(l.from >= cycle.compromisedAt && l.from < cycle.cleanedAt, "listed outside the compromise", cycle);
            check(l.until >= cycle.cleanedAt, "delisted before the cleanup", cycle);
          }
        }
        expect(bad).toEqual([]);
        // Same streams, same draws: compromiseListings is the flattened cycles, clipped to t ≥ 0.
        const listings = compromiseListings(s, compromiseStreams(c.seed, 0));
        expect(listings).toEqual(
          cycles
            .flatMap((cycle) => cycle.listings)
            .filter((l) => l.until > 0)
            .map((l) => ({ ...l, from: Math.max(l.from, 0) })),
        );
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
    const cycles = compromiseCycles(s, compromiseStreams(7, 0));
    expect(cycles.length).toBeGreaterThan(20);
    for (const cycle of cycles) {
      expect(cycle.listings.map((l) => l.list)).toEqual([0]);
      expect(cycle.listings[0].from).toBeCloseTo(cycle.compromisedAt + HOUR, 6);
      expect(cycle.listings[0].until).toBeCloseTo(cycle.compromisedAt + 3 * 86_400, 6);
    }
  });

  it("produces nothing without compromise or with a zero rate", () => {
    const lists = [{ listingDelay: "0s", delistAfter: "24h" }];
    expect(compromiseListings(scenario(5, 86_400, null, lists), compromiseStreams(1, 0))).toEqual([]);
    expect(
      compromiseListings(scenario(5, 86_400, { ratePerServer: 0, cleanup: "1d" }, lists), compromiseStreams(1, 0)),
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
        const merged = mergeIntervals(compromiseListings(s, compromiseStreams(c.seed, 0)));
        for (let i = 0; i + 1 < merged.length; i++) {
          const [a, b] = [merged[i], merged[i + 1]];
          if (a.server === b.server && a.list === b.list) expect(b.from).toBeGreaterThan(a.until);
        }
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});

describe("a steady start (compromise.start)", () => {
  // Fixed L = 2 h, C = 1 d, D = 24 h and λ = 1/10 d: renewal theory's listed fraction is
  // f = (1 + λC − e^{−λ(D−L)})/(1 + λC) ≈ 0.1705 (src/analytic/lifecycle.ts). Started in the
  // steady state, every instant is listed with probability f, so a 7-day window's listed
  // fraction has mean f exactly; started clean it is biased low (≈ 0.147: the first listings
  // only come days in). Per-server fractions are i.i.d. in [0, 1] (each server draws from its
  // own stream), so the empirical Bernstein bound (Maurer and Pontil 2009) with the sample
  // variance V, |mean − f| ≤ √(2V·ln(4/δ)/n) + 7·ln(4/δ)/(3(n − 1)), fails with probability
  // below δ = 1e-6 — and with n = 16,000 it is ≈ 0.010, well inside the clean start's bias.
  const DAY = 86_400;
  const SERVERS = 400;
  const REPLICATIONS = 40;

  function perServerFractions(start: "steady" | "clean"): number[] {
    const s = parseScenario({
      name: "steady",
      horizon: "7d",
      pool: { servers: SERVERS },
      blacklists: [{ name: "spamcop", subscribers: 1, listingDelay: "2h", delistAfter: "24h" }],
      compromise: { ratePerServer: "1/10d", cleanup: "1d", start },
      traffic: { senders: 1, rate: "1/d" },
    });
    const compiled = new CompiledScenario(s);
    const fractions: number[] = [];
    for (let r = 0; r < REPLICATIONS; r++) {
      const result = runReplication(compiled, 3, r);
      for (const seconds of result.servers.listed) fractions.push(seconds / (7 * DAY));
    }
    return fractions;
  }

  function bernsteinHalfWidth(values: readonly number[], delta: number): { mean: number; halfWidth: number } {
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
    const log = Math.log(4 / delta);
    return { mean, halfWidth: Math.sqrt((2 * variance * log) / n) + (7 * log) / (3 * (n - 1)) };
  }

  it("holds a 7-day listed fraction to the renewal closed form", () => {
    const f = listedFraction(1 / (10 * DAY), 2 * 3600, DAY, DAY);
    expect(f).toBeCloseTo(0.1705, 4);
    const { mean, halfWidth } = bernsteinHalfWidth(perServerFractions("steady"), 1e-6);
    expect(halfWidth).toBeLessThan(0.012);
    expect(Math.abs(mean - f), `steady start: ${mean} ± ${halfWidth}, closed form ${f}`).toBeLessThanOrEqual(halfWidth);
  });

  it("lists a server at t = 0 and at t = 1 d with the closed form's probability, exactly (Chernoff, 1e-6)", () => {
    // The sharper check of the start itself: servers are independent, so the number listed at
    // an instant is Binomial(n, f). With n = 100,000 the bound is ±0.0066 around f; a start
    // without the history before 0 (listings of a cleaned server still waiting for their
    // delisting) lists 0.085 at t = 0 (checked by mutation), which the 7-day mean above, at
    // ≈ f − 0.006, would not show.
    const servers = 100_000;
    const s = scenarioSchema.parse({
      name: "steady-instant",
      horizon: "2d",
      pool: { servers },
      blacklists: [{ name: "spamcop", subscribers: 1, listingDelay: "2h", delistAfter: "24h" }],
      compromise: { ratePerServer: "1/10d", cleanup: "1d" },
      traffic: { senders: 1, rate: "1/d" },
    });
    const f = listedFraction(1 / (10 * DAY), 2 * 3600, DAY, DAY);
    const listings = compromiseListings(s, compromiseStreams(12, 0));
    for (const t of [0, DAY]) {
      const listed = new Set(listings.filter((l) => l.from <= t && t < l.until).map((l) => l.server)).size;
      expect(binomialAgrees(listed, servers, f, 1e-6 / 2), `${listed}/${servers} listed at ${t} s, f = ${f}`).toBe(
        true,
      );
    }
  });

  it('starts every server clean with start: "clean" (the short-horizon bias the default removes)', () => {
    const fractions = perServerFractions("clean");
    const f = listedFraction(1 / (10 * DAY), 2 * 3600, DAY, DAY);
    const { mean, halfWidth } = bernsteinHalfWidth(fractions, 1e-6);
    expect(mean + halfWidth, `clean start: ${mean} ± ${halfWidth}`).toBeLessThan(f);
  });
});
