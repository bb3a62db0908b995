// `timer`: slot j = ⌊(t + φ)/period⌋; rotate gives (b_s + j) mod N, shuffle an independent
// uniform server per (sender, slot) that every attempt in the slot agrees on.
import { describe, expect, it } from "vitest";
import { TimerBalancer, type TimerOptions } from "../../../src/model/balancers/timer.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

const PERIOD = 600;
const timer = (servers: number, senders: number, seed: number, options: Partial<TimerOptions> = {}) =>
  new TimerBalancer(fakePool(servers, senders, seed), {
    period: PERIOD,
    phase: "global",
    assignment: "rotate",
    ...options,
  });

/** The time within [0, period) at which sender's slot first changes (= period − φ). */
function firstSwitch(b: TimerBalancer, sender: number): number {
  let lo = 0;
  let hi = PERIOD;
  const start = b.slot(sender, 0);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (b.slot(sender, mid) === start) lo = mid;
    else hi = mid;
  }
  return hi;
}

describe("TimerBalancer, rotate", () => {
  it("slots are period long, offset by a phase in [0, period)", () => {
    const b = timer(5, 3, 1);
    const sw = firstSwitch(b, 0);
    expect(sw).toBeGreaterThan(0);
    expect(sw).toBeLessThanOrEqual(PERIOD);
    expect(b.slot(0, 0)).toBe(0);
    for (let k = 0; k < 5; k++) {
      expect(b.slot(0, sw + k * PERIOD + 1e-6)).toBe(k + 1);
      expect(b.slot(0, sw + (k + 1) * PERIOD - 1e-6)).toBe(k + 1);
    }
  });

  it("gives the same server within a slot and the next server (mod N) in the next slot", () => {
    const N = 7;
    const b = timer(N, 20, 2);
    for (let s = 0; s < 20; s++) {
      for (let t = 0; t < 20 * PERIOD; t += 37) {
        const j = b.slot(s, t);
        const v = b.pick(s, t);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(N);
        // Any other time in the same slot, and the next slot.
        expect(b.pick(s, t + 1)).toBe(b.slot(s, t + 1) === j ? v : (v + 1) % N);
        expect(b.pick(s, t + PERIOD)).toBe((v + 1) % N);
        expect(b.pick(s, t + N * PERIOD)).toBe(v);
      }
    }
  });

  it("global phase: every sender changes slot at the same moment", () => {
    const b = timer(5, 30, 3);
    const switches = new Set(Array.from({ length: 30 }, (_, s) => firstSwitch(b, s)));
    expect(switches.size).toBe(1);
  });

  it("per-sender phase: senders change slot at different moments", () => {
    const b = timer(5, 30, 3, { phase: "per-sender" });
    const switches = Array.from({ length: 30 }, (_, s) => firstSwitch(b, s));
    expect(new Set(switches).size).toBe(30);
  });

  it("draws the phase uniformly in [0, period) and each sender's base server uniformly", () => {
    const phaseBins = new Array(10).fill(0);
    const bases = new Array(5).fill(0);
    for (let seed = 0; seed < 4000; seed++) {
      const b = timer(5, 2, seed);
      phaseBins[Math.min(9, Math.floor((firstSwitch(b, 0) / PERIOD) * 10))]++;
      // At t = 0 the slot is 0 (φ < period), so the server is the sender's base b_s.
      expect(b.slot(1, 0)).toBe(0);
      bases[b.pick(1, 0)]++;
    }
    expectFrequencies(phaseBins, new Array(10).fill(1), "phase");
    expectFrequencies(bases, new Array(5).fill(1), "base");
  });
});

describe("TimerBalancer, shuffle", () => {
  it("is constant within a (sender, slot), for every attempt", () => {
    const b = timer(6, 10, 4, { assignment: "shuffle", phase: "per-sender" });
    for (let s = 0; s < 10; s++) {
      const bySlot = new Map<number, number>();
      for (let t = 0; t < 50 * PERIOD; t += 13) {
        const j = b.slot(s, t);
        const v = b.pick(s, t);
        if (bySlot.has(j)) expect(v).toBe(bySlot.get(j));
        else bySlot.set(j, v);
      }
      expect(new Set(bySlot.values()).size).toBeGreaterThan(1);
    }
  });

  it("is uniform and independent across consecutive slots (pair frequencies)", () => {
    const N = 5;
    const b = timer(N, 10, 5, { assignment: "shuffle" });
    const single = new Array(N).fill(0);
    const pairs = new Array(N * N).fill(0);
    for (let s = 0; s < 10; s++) {
      let previous = b.pick(s, 0);
      for (let k = 1; k <= 5000; k++) {
        const v = b.pick(s, k * PERIOD);
        single[v]++;
        pairs[previous * N + v]++;
        previous = v;
      }
    }
    expectFrequencies(single, new Array(N).fill(1), "shuffle servers");
    expectFrequencies(pairs, new Array(N * N).fill(1), "shuffle pairs");
  });

  it("differs between senders in the same slot", () => {
    const b = timer(10, 200, 6, { assignment: "shuffle" });
    const c = new Array(10).fill(0);
    for (let s = 0; s < 200; s++) c[b.pick(s, 1000)]++;
    expect(Math.max(...c)).toBeLessThan(200);
    expectFrequencies(c, new Array(10).fill(1), "across senders");
  });
});
