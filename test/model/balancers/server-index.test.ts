// Per-sender server indices in 2 bytes when the pool allows (server-index.ts): the largest index
// of a 65 536-relay pool survives, a larger pool falls back to 4 bytes, and the policies that keep
// such arrays pick what the plain formula gives from the same draws.
import { describe, expect, it } from "vitest";
import { randomStream } from "../../../src/engine/random.js";
import { serverIndexArray, UINT16_SERVERS } from "../../../src/model/balancers/server-index.js";
import { StickyBalancer } from "../../../src/model/balancers/sticky.js";
import { TimerBalancer } from "../../../src/model/balancers/timer.js";
import { fakePool } from "./pool.js";

describe("serverIndexArray", () => {
  it("holds every index of a pool of up to 65 536 relays in 2 bytes, larger pools in 4", () => {
    const small = serverIndexArray(3, UINT16_SERVERS);
    expect(small).toBeInstanceOf(Uint16Array);
    small[0] = UINT16_SERVERS - 1;
    expect(small[0]).toBe(65535);
    const large = serverIndexArray(3, UINT16_SERVERS + 1);
    expect(large).toBeInstanceOf(Int32Array);
    large[0] = UINT16_SERVERS;
    expect(large[0]).toBe(65536);
  });

  for (const servers of [5000, UINT16_SERVERS, 100_000]) {
    it(`timer and sticky over ${servers} relays name ⌊u·N⌋ from the balancer stream's draws`, () => {
      const senders = 3000;
      const period = 600;
      // The timer draws the global phase, then each sender's base; sticky draws each sender's home.
      const draws = randomStream(4, 0, "balancer");
      const phase = draws.next() * period;
      const bases = Array.from({ length: senders }, () => Math.floor(draws.next() * servers));
      const timer = new TimerBalancer(fakePool(servers, senders, 4), { period, phase: "global", assignment: "rotate" });
      const homes = randomStream(4, 0, "balancer");
      const homeOf = Array.from({ length: senders }, () => Math.floor(homes.next() * servers));
      const sticky = new StickyBalancer(fakePool(servers, senders, 4));
      let largest = 0;
      for (let s = 0; s < senders; s++) {
        const slot = Math.floor((1234.5 + phase) / period);
        expect(timer.pick(s, 1234.5)).toBe((bases[s] + slot) % servers);
        expect(sticky.pick(s)).toBe(homeOf[s]);
        largest = Math.max(largest, homeOf[s]);
      }
      // The pool's upper indices are reached (they would wrap in too narrow an array).
      expect(largest).toBeGreaterThan(servers * 0.99);
    });
  }
});
