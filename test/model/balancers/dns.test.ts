// `dns`: a sender keeps its resolved server for `ttl`; each resolution advances the shared pointer.
import { describe, expect, it } from "vitest";
import { DnsBalancer } from "../../../src/model/balancers/dns.js";
import { expectFrequencies } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

describe("DnsBalancer", () => {
  it("keeps a sender's answer for ttl from the resolution, then resolves again", () => {
    const b = new DnsBalancer(fakePool(5, 3, 1), 300);
    const first = b.pick(0, 100);
    // Other senders resolving meanwhile do not change sender 0's cached answer.
    b.pick(1, 150);
    b.pick(2, 200);
    expect(b.pick(0, 100)).toBe(first);
    expect(b.pick(0, 399.999)).toBe(first);
    // At 100 + ttl the answer has expired: the pointer has moved on by three resolutions.
    expect(b.pick(0, 400)).toBe((first + 3) % 5);
    expect(b.pick(0, 699)).toBe((first + 3) % 5);
  });

  it("advances the shared pointer once per resolution, not per attempt", () => {
    const b = new DnsBalancer(fakePool(4, 10, 2), 60);
    const first = b.pick(0, 0);
    // Repeated attempts within the TTL do not advance the pointer.
    for (let i = 0; i < 10; i++) b.pick(0, i);
    const answers = Array.from({ length: 9 }, (_, s) => b.pick(s + 1, 5));
    expect(answers).toEqual(Array.from({ length: 9 }, (_, i) => (first + 1 + i) % 4));
  });

  it("starts the pointer at a uniformly random server", () => {
    const c = new Array(6).fill(0);
    for (let seed = 0; seed < 6000; seed++) c[new DnsBalancer(fakePool(6, 1, seed), 300).pick(0, 0)]++;
    expectFrequencies(c, new Array(6).fill(1), "first answer");
  });
});

describe("DnsBalancer under the health check", () => {
  it("keeps cached answers until their TTL expires; new resolutions skip pulled records", () => {
    const pool = fakePool(4, 3, 5);
    const b = new DnsBalancer(pool, 600);
    const first = b.pick(0, 0);
    pool.eligible[first] = 0;
    b.eligibilityChanged();
    // Sender 0's answer outlives the check; the others resolve past the pulled record.
    expect(b.pick(0, 599)).toBe(first);
    expect(b.pick(1, 10)).toBe((first + 1) % 4);
    expect(b.pick(2, 20)).toBe((first + 2) % 4);
    // Sender 0 resolves at expiry: the pointer (at first + 3) moves on, never to the pulled server.
    const answers = [b.pick(0, 600)];
    for (let s = 0; s < 3; s++) answers.push(b.pick(s, 1200 + s), b.pick(s, 1800 + s));
    expect(answers).not.toContain(first);
  });
});
