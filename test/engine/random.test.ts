// Named random streams (same key → same draws, any other key → others) and the stateless hash
// draws the timer's shuffle relies on (in [0, 1), uniform, and different for every key).
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { ALEA_MULTIPLIER, ALEA_UNIT, AleaRandom, hashKey, hashUniform, randomStream } from "../../src/engine/random.js";
import { expectFrequencies } from "../helpers/stats.js";

const draws = (seed: number, replication: number, name: string, n = 20) => {
  const r = randomStream(seed, replication, name);
  return Array.from({ length: n }, () => r.next());
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
      const u = r.next();
      if (u >= 0 && u < 1) bins[Math.floor(u * 100)]++;
      else outside++;
    }
    expect(outside).toBe(0);
    expectFrequencies(bins, new Array(100).fill(1), "randomStream");
  });
});

describe("randomStream's Alea", () => {
  it("draws what seedrandom's alea draws from the same key, bit for bit", () => {
    for (const name of ["arrivals", "recipients", "sessions.first", ""]) {
      const ours = randomStream(7, 2, name);
      const theirs = seedrandom.alea(`relaysim/7/2/${name}`);
      for (let i = 0; i < 100_000; i++) {
        const a = ours.next();
        const b = theirs();
        if (a !== b) throw new Error(`${name}: draw ${i} is ${a}, seedrandom's ${b}`);
      }
    }
  });

  it("opens its state: a step in locals with the documented arithmetic, written back, continues the stream", () => {
    const reference = randomStream(11, 0, "open");
    const stream = randomStream(11, 0, "open");
    const s = stream.state;
    for (let round = 0; round < 50; round++) {
      // Some draws through the function…
      for (let i = 0; i < round % 7; i++) expect(stream.next()).toBe(reference.next());
      // …then some stepped in locals, as the plain arrival loop does, and the state written back.
      let s0 = s.s0;
      let s1 = s.s1;
      let s2 = s.s2;
      let c = s.c;
      for (let i = 0; i < 1 + (round % 5); i++) {
        const t = ALEA_MULTIPLIER * s0 + c * ALEA_UNIT;
        s0 = s1;
        s1 = s2;
        c = t | 0;
        s2 = t - c;
        expect(s2).toBe(reference.next());
      }
      s.s0 = s0;
      s.s1 = s1;
      s.s2 = s2;
      s.c = c;
    }
    expect(stream.next()).toBe(reference.next());
  });

  it("makes every stream an AleaRandom whose draw is one method, in any replication", () => {
    // One map and one call target at every draw's call site, whichever stream or replication
    // reaches it: a closure per stream changed the target at a process's second replication, and
    // V8 deoptimised every function that had inlined a draw ("wrong call target").
    const streams = [randomStream(1, 0, "arrivals"), randomStream(1, 1, "arrivals"), randomStream(9, 4, "resend")];
    for (const s of streams) {
      expect(s).toBeInstanceOf(AleaRandom);
      expect(Object.getPrototypeOf(s)).toBe(AleaRandom.prototype);
      expect(Object.hasOwn(s, "next")).toBe(false);
      expect(s.next).toBe(streams[0].next);
    }
  });

  it("an AleaRandom steps the state it is given and no other", () => {
    const a = new AleaRandom({ s0: 0.25, s1: 0.5, s2: 0.75, c: 1 });
    const b = new AleaRandom({ s0: 0.25, s1: 0.5, s2: 0.75, c: 1 });
    const first = a.next();
    expect(first).toBe(ALEA_MULTIPLIER * 0.25 + ALEA_UNIT - ((ALEA_MULTIPLIER * 0.25 + ALEA_UNIT) | 0));
    expect(a.state.s1).toBe(0.75);
    expect(b.next()).toBe(first);
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
