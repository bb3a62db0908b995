// Named random streams (same key → same draws, any other key → others) and the stateless hash
// draws the timer's shuffle relies on (in [0, 1), uniform, and different for every key).
import { describe, expect, it } from "vitest";
import { hashKey, hashUniform, randomStream } from "../../src/engine/random.js";
import { expectFrequencies } from "../helpers/stats.js";

const draws = (seed: number, replication: number, name: string, n = 20) => {
  const r = randomStream(seed, replication, name);
  return Array.from({ length: n }, () => r());
};

describe("randomStream", () => {
  it("gives the same sequence for the same (seed, replication, name)", () => {
    expect(draws(42, 3, "arrivals")).toEqual(draws(42, 3, "arrivals"));
  });

  it("gives different sequences when the seed, the replication or the name differs", () => {
    const base = draws(42, 3, "arrivals");
    for (const other of [draws(43, 3, "arrivals"), draws(42, 4, "arrivals"), draws(42, 3, "recipients")]) {
      expect(other).not.toEqual(base);
      // Not merely shifted: no draw in common.
      expect(other.filter((x) => base.includes(x))).toEqual([]);
    }
    // The key is not ambiguous between its parts ("1/23" vs "12/3").
    expect(draws(1, 23, "x")).not.toEqual(draws(12, 3, "x"));
  });

  it("draws in [0, 1), uniformly", () => {
    const r = randomStream(1, 0, "uniformity");
    const bins = new Array(100).fill(0);
    let outside = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = r();
      if (u >= 0 && u < 1) bins[Math.floor(u * 100)]++;
      else outside++;
    }
    expect(outside).toBe(0);
    expectFrequencies(bins, new Array(100).fill(1), "randomStream");
  });
});

describe("hashUniform", () => {
  it("lies in [0, 1) and is uniform over consecutive indices", () => {
    const key = hashKey(randomStream(5, 0, "hash"));
    const bins = new Array(100).fill(0);
    for (let a = 0; a < 200; a++) {
      for (let b = 0; b < 1000; b++) {
        const u = hashUniform(key, a, b);
        if (!(u >= 0 && u < 1)) throw new Error(`hashUniform(${key}, ${a}, ${b}) = ${u}`);
        bins[Math.floor(u * 100)]++;
      }
    }
    expectFrequencies(bins, new Array(100).fill(1), "hashUniform");
  });

  it("is uniform in pairs of neighbouring slots (no correlation between b and b + 1)", () => {
    const key = 123456789;
    const cells = new Array(100).fill(0);
    for (let a = 0; a < 50; a++) {
      for (let b = 0; b < 2000; b++) {
        const i = Math.floor(hashUniform(key, a, b) * 10);
        const j = Math.floor(hashUniform(key, a, b + 1) * 10);
        cells[i * 10 + j]++;
      }
    }
    expectFrequencies(cells, new Array(100).fill(1), "hashUniform pairs");
  });

  it("is a pure function of (key, a, b) that changes with each of them, large b included", () => {
    expect(hashUniform(1, 2, 3)).toBe(hashUniform(1, 2, 3));
    const base = hashUniform(1, 2, 3);
    expect(hashUniform(2, 2, 3)).not.toBe(base);
    expect(hashUniform(1, 3, 3)).not.toBe(base);
    expect(hashUniform(1, 2, 4)).not.toBe(base);
    // Slots beyond 2^32 (tiny periods over long horizons) are not folded onto small ones.
    expect(hashUniform(1, 2, 3 + 2 ** 32)).not.toBe(base);
    // Negative slots (a phase before t = 0) are fine too.
    const u = hashUniform(1, 2, -1);
    expect(u >= 0 && u < 1).toBe(true);
  });
});

describe("hashKey", () => {
  it("is a 32-bit integer drawn from the stream", () => {
    const r = randomStream(9, 0, "k");
    const keys = Array.from({ length: 100 }, () => hashKey(r));
    for (const k of keys) {
      expect(Number.isInteger(k)).toBe(true);
      expect(k).toBe(k | 0);
    }
    expect(new Set(keys).size).toBe(100);
  });
});
