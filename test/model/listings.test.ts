// Static listings: distinct servers drawn uniformly per replication, or the exact indices given.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/engine/random.js";
import { drawDistinct, staticListings } from "../../src/model/listings.js";
import { parseScenario } from "../../src/scenario/load.js";
import { expectFrequencies } from "../helpers/stats.js";

const scenario = (patch: Record<string, unknown>) =>
  parseScenario({
    name: "listings",
    pool: { servers: 6 },
    traffic: { senders: 1, rate: "1/d" },
    blacklists: [
      { name: "spamcop", subscribers: 0.3 },
      { name: "spamhaus", subscribers: 0.5 },
    ],
    ...patch,
  });

const forbidden = {
  next(): number {
    throw new Error("placement drawn although indices were given");
  },
};

describe("drawDistinct", () => {
  it("returns count distinct servers in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(), fc.nat(1000), (servers, k, seed) => {
        const count = k % (servers + 1);
        const drawn = drawDistinct(servers, count, randomStream(seed, 0, "placement"));
        expect(drawn).toHaveLength(count);
        expect(new Set(drawn).size).toBe(count);
        for (const v of drawn) expect(v >= 0 && v < servers && Number.isInteger(v)).toBe(true);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it("draws every subset of the given size equally often", () => {
    // 6 servers, 3 listed: 20 subsets.
    const index = new Map<string, number>();
    const counts: number[] = [];
    const random = randomStream(1, 0, "placement");
    for (let i = 0; i < 40_000; i++) {
      const key = drawDistinct(6, 3, random)
        .sort((a, b) => a - b)
        .join(",");
      if (!index.has(key)) {
        index.set(key, counts.length);
        counts.push(0);
      }
      counts[index.get(key) as number]++;
    }
    expect(counts).toHaveLength(20);
    expectFrequencies(counts, new Array(20).fill(1), "subsets");
  });

  it("draws each server equally often in each position", () => {
    const firsts = new Array(8).fill(0);
    const seconds = new Array(8).fill(0);
    const random = randomStream(2, 0, "placement");
    for (let i = 0; i < 40_000; i++) {
      const [a, b] = drawDistinct(8, 2, random);
      firsts[a]++;
      seconds[b]++;
    }
    expectFrequencies(firsts, new Array(8).fill(1), "first");
    expectFrequencies(seconds, new Array(8).fill(1), "second");
  });
});

describe("staticListings", () => {
  it("puts exactly the given indices on each named list for [from, until)", () => {
    const s = scenario({
      listed: [
        { indices: [4, 1], on: ["spamhaus", "spamcop"], from: "1h", until: "2h" },
        { indices: [0], on: ["spamcop"] },
      ],
    });
    expect(staticListings(s, forbidden)).toEqual([
      { server: 4, list: 1, from: 3600, until: 7200 },
      { server: 1, list: 1, from: 3600, until: 7200 },
      { server: 4, list: 0, from: 3600, until: 7200 },
      { server: 1, list: 0, from: 3600, until: 7200 },
      { server: 0, list: 0, from: 0, until: Number.POSITIVE_INFINITY },
    ]);
  });

  it("draws `servers` distinct servers with the placement stream, the same ones on every list of the entry", () => {
    const s = scenario({ listed: [{ servers: 3, on: ["spamcop", "spamhaus"] }] });
    const listings = staticListings(s, randomStream(5, 0, "placement"));
    expect(listings).toHaveLength(6);
    const onCop = listings.filter((l) => l.list === 0).map((l) => l.server);
    const onHaus = listings.filter((l) => l.list === 1).map((l) => l.server);
    expect(new Set(onCop).size).toBe(3);
    expect(onHaus).toEqual(onCop);
    expect(onCop).toEqual(drawDistinct(6, 3, randomStream(5, 0, "placement")));
    // Another replication's placement stream places them elsewhere (at least once in a few tries).
    const others = [1, 2, 3, 4].map((r) =>
      staticListings(s, randomStream(5, r, "placement"))
        .filter((l) => l.list === 0)
        .map((l) => l.server)
        .join(),
    );
    expect(others.some((o) => o !== onCop.join())).toBe(true);
  });

  it("lists nothing without listed entries", () => {
    expect(staticListings(scenario({}), forbidden)).toEqual([]);
  });
});
