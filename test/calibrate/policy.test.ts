// The balancing-policy test's orderings and its large inputs (src/calibrate/policy.ts): the picks
// by time and by sender come out exactly as the comparison sorts they replace put them, and a
// million picks with hundreds of thousands of switches are tested without overflowing the stack
// (Math.min(...xs) did past ~120 000 values).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { senderOrder, testPolicy, timeOrder } from "../../src/calibrate/policy.js";
import { mulberry32 } from "../../src/stats/interval.js";

const byTime = (time: Float64Array) => Uint32Array.from(time, (_, i) => i).sort((a, b) => time[a] - time[b] || a - b);
const bySender = (order: Uint32Array, sender: Float64Array, time: Float64Array) =>
  Uint32Array.from(order).sort((a, b) => sender[a] - sender[b] || time[a] - time[b] || a - b);

describe("the policy test's orderings", () => {
  it("put picks in the comparison sorts' order: in time order or not, whole senders or not", () => {
    const pick = fc.record({
      time: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 50, noNaN: true })),
      sender: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.constantFrom(2.5, 1e9)),
    });
    fc.assert(
      fc.property(fc.array(pick, { maxLength: 200 }), fc.boolean(), (picks, inOrder) => {
        const rows = inOrder ? [...picks].sort((a, b) => a.time - b.time) : picks;
        const time = Float64Array.from(rows, (p) => p.time);
        const sender = Float64Array.from(rows, (p) => p.sender);
        const order = timeOrder(time);
        expect(Array.from(order)).toEqual(Array.from(byTime(time)));
        expect(Array.from(senderOrder(order, sender, time))).toEqual(Array.from(bySender(order, sender, time)));
      }),
      { seed: 11, numRuns: 400 },
    );
  });
});

/** A million picks of 2000 senders on 20 relays: per-sender-phase timer slots, or DNS answers cached for `scale` s. */
function picks(policy: "timer" | "dns", scale: number) {
  const n = 1_000_000;
  const senders = 2000;
  const random = mulberry32(policy === "timer" ? 41 : 42);
  const time = new Float64Array(n);
  const relay = new Float64Array(n);
  const sender = new Float64Array(n);
  const phase = Float64Array.from({ length: senders }, () => random() * scale);
  const cached = new Float64Array(senders).fill(-1);
  const expires = new Float64Array(senders);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += -Math.log(1 - random()) * 0.5;
    const s = Math.floor(random() * senders);
    time[i] = t;
    sender[i] = s;
    if (policy === "timer") relay[i] = (Math.floor((t + phase[s]) / scale) + s) % 20;
    else {
      if (cached[s] < 0 || t >= expires[s]) {
        cached[s] = Math.floor(random() * 20);
        expires[s] = t + scale;
      }
      relay[i] = cached[s];
    }
  }
  return { time, relay, sender };
}

describe("testPolicy on a million picks", () => {
  it("names a per-sender timer and DNS caching from hundreds of thousands of switches", () => {
    const timer = picks("timer", 300);
    const t = testPolicy(timer.time, timer.relay, timer.sender, 20);
    expect(t.evidence.anchoring?.switches).toBeGreaterThan(200_000);
    expect(`${t.policy}/${t.phase}`).toBe("timer/per-sender");
    expect(t.reasons.join(" ")).toMatch(/the shortest \d/);
    const dns = picks("dns", 300);
    const d = testPolicy(dns.time, dns.relay, dns.sender, 20);
    expect(d.evidence.ttl?.runs).toBeGreaterThan(200_000);
    expect(d.policy).toBe("dns");
    expect(d.evidence.ttl?.estimate).toBeGreaterThanOrEqual(300);
  });
});
