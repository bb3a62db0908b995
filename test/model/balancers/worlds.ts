// A harness for a policy's BalancerWorlds (advise's shadow worlds at once): every world must pick
// what a Balancer of its own picks, through first attempts, each world's own resends and the
// health check's eligibility changes (some relays out, none out, all out).
import { expect } from "vitest";
import { type Random, randomStream } from "../../../src/engine/random.js";
import type { Balancer, BalancerWorlds } from "../../../src/model/balancers/balancer.js";
import { fakePool } from "./pool.js";

export interface WorldsCase {
  servers: number;
  senders: number;
  worlds: number;
  /** Mean gap between first attempts, seconds (against the policy's TTL or expiry). */
  gap: number;
  attempts: number;
  /** The worlds under test, built on `eligible` with a fresh "balancer" stream as `random`. */
  together(random: Random, eligible: Uint8Array): BalancerWorlds;
  /** One world's own balancer on the same pool. */
  apart(pool: ReturnType<typeof fakePool>): Balancer;
}

/** Drives the worlds and a balancer per world side by side; returns how many picks were compared. */
export function expectWorldsPickAsBalancers(c: WorldsCase): number {
  const eligible = new Uint8Array(c.servers).fill(1);
  const together = c.together(randomStream(3, 0, "balancer"), eligible);
  const apart = Array.from({ length: c.worlds }, () => {
    const pool = { ...fakePool(c.servers, c.senders, 3), eligible };
    return c.apart(pool);
  });
  const schedule = randomStream(3, 0, "schedule");
  const picked = new Int32Array(c.worlds);
  let compared = 0;
  let time = 0;
  for (let i = 0; i < c.attempts; i++) {
    // Whole seconds: attempts at the same time, and exactly at a TTL or an expiry, happen too.
    time += Math.round(-Math.log(1 - schedule.next()) * c.gap);
    // The health check: some relays out, none out, or every one out (then all stay candidates).
    if (i % 500 === 250) {
      const phase = ((i / 500) % 4) | 0;
      for (let v = 0; v < c.servers; v++) {
        eligible[v] = phase === 0 ? 1 : phase === 3 ? 0 : schedule.next() < 0.6 ? 1 : 0;
      }
      together.eligibilityChanged();
      for (const b of apart) b.eligibilityChanged();
    }
    const sender = Math.floor(schedule.next() * c.senders);
    // Now and then only the worlds that picked some relays (firstPicksIn), where the worlds offer it
    // and can answer now (-1: nothing moved, so they pick as below).
    const servers = i % 3 === 2 && together.firstPicksIn !== undefined ? someRelays(c.servers, schedule) : 0;
    const bounced =
      together.firstPicksIn !== undefined && i % 3 === 2 ? together.firstPicksIn(sender, time, time + 2, servers) : -1;
    // Now and then a first attempt nobody reads (firstPass), where the worlds offer it.
    if (together.firstPass !== undefined && i % 3 === 1) {
      together.firstPass(sender, time, time + 2);
      for (const b of apart) b.pick(sender, time);
    } else if (bounced >= 0) {
      let expected = 0;
      apart.forEach((b, w) => {
        if (((servers >>> b.pick(sender, time)) & 1) === 1) expected |= 1 << w;
      });
      expect(bounced, `worlds on relays ${servers.toString(2)}, attempt ${i}`).toBe(expected);
      compared += c.worlds;
    } else {
      together.firstPicks(sender, time, time + 2, picked);
      apart.forEach((b, w) => {
        expect(picked[w], `world ${w}, attempt ${i}`).toBe(b.pick(sender, time));
        compared++;
      });
    }
    // Each world's own resends: some at once (a wait of 0), of other senders too.
    for (let w = 0; w < c.worlds; w++) {
      if (schedule.next() < (0.15 * (w + 1)) / c.worlds) {
        const s = schedule.next() < 0.5 ? sender : Math.floor(schedule.next() * c.senders);
        const server = together.resendPick(w, s, time, time + 2, randomStream(3, w, "resend"));
        expect(server, `world ${w}'s resend, attempt ${i}`).toBe(apart[w].pick(s, time));
        compared++;
      }
    }
  }
  return compared;
}

/** A random set of relays as a mask (bit v for relay v), each in with probability 0.3. */
function someRelays(servers: number, random: Random): number {
  let mask = 0;
  for (let v = 0; v < servers; v++) if (random.next() < 0.3) mask |= 1 << v;
  return mask;
}
