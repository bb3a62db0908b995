// Greylisting (src/model/greylist.ts) against postgrey's policy step by step, and the mail flow
// with greylisting held to the closed forms of src/analytic/greylisting.ts: from the same relay a
// fresh triplet is delivered at exactly the first retry at or after the delay; re-picked from a
// pool of N uniform relays, at the first retry through a relay it already used (birthday problem).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { greylisting as closed } from "../../src/analytic/index.js";
import { runReplication } from "../../src/experiment/run.js";
import { DELIVERED, GREYLISTED } from "../../src/model/codes.js";
import { Greylist } from "../../src/model/greylist.js";
import { retryAges, retrySchedule } from "../../src/model/mta/index.js";
import { CompiledScenario } from "../../src/model/replication.js";
import type { AttemptRecord } from "../../src/model/sink.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { Greylisting, ScenarioInput } from "../../src/scenario/schema.js";

const POSTGREY: Greylisting = {
  domains: 1,
  exceptTop: 0,
  delay: 300,
  retryWindow: 2 * 86_400,
  maxAge: 35 * 86_400,
  autoWhitelist: 5,
  lookup: "host",
  recipient: "per-domain",
};
const never = { next: () => 0.99 };
const always = { next: () => 0 };

describe("Greylist: postgrey's smtpd_access_policy", () => {
  it("greylists a new triplet, passes its retry after the delay, and remembers it", () => {
    const g = new Greylist({ ...POSTGREY, autoWhitelist: 0 }, 10, 4, always);
    expect(g.check(7, 3, 1, 0, 1000)).toBe(GREYLISTED);
    expect(g.check(7, 3, 1, 0, 1299)).toBe(GREYLISTED); // too early: still counts from 1000
    expect(g.check(7, 3, 1, 0, 1300)).toBe(DELIVERED);
    expect(g.check(7, 3, 1, 0, 50_000)).toBe(DELIVERED); // passed: remembered
    // Another relay, another sender or another domain is another triplet.
    expect(g.check(7, 3, 2, 0, 50_000)).toBe(GREYLISTED);
    expect(g.check(8, 3, 1, 0, 50_000)).toBe(GREYLISTED);
    expect(g.check(7, 4, 1, 0, 50_000)).toBe(GREYLISTED);
  });

  it("starts over when the first retry comes after the retry window, and forgets after maxAge", () => {
    const g = new Greylist({ ...POSTGREY, autoWhitelist: 0, retryWindow: 3600, maxAge: 86_400 }, 10, 4, always);
    expect(g.check(0, 0, 0, 0, 0)).toBe(GREYLISTED);
    expect(g.check(0, 0, 0, 0, 3601)).toBe(GREYLISTED); // too late: first seen is now 3601
    expect(g.check(0, 0, 0, 0, 3901)).toBe(DELIVERED);
    expect(g.check(0, 0, 0, 0, 3901 + 86_400)).toBe(DELIVERED); // exactly maxAge: kept
    expect(g.check(0, 0, 0, 0, 3901 + 2 * 86_400 + 1)).toBe(GREYLISTED); // not seen for > maxAge
  });

  it('keys the client by /24 under lookup "subnet": a retry from another relay passes', () => {
    const g = new Greylist({ ...POSTGREY, autoWhitelist: 0, lookup: "subnet" }, 10, 4, always);
    expect(g.check(0, 0, 0, 0, 0)).toBe(GREYLISTED);
    expect(g.check(0, 0, 3, 0, 400)).toBe(DELIVERED);
  });

  it('keys the recipient by message under "per-message"', () => {
    const g = new Greylist({ ...POSTGREY, autoWhitelist: 0, recipient: "per-message" }, 10, 4, always);
    expect(g.check(0, 0, 0, 11, 0)).toBe(GREYLISTED);
    expect(g.check(0, 0, 0, 11, 400)).toBe(DELIVERED);
    expect(g.check(0, 0, 0, 12, 400)).toBe(GREYLISTED); // same sender and domain, new message
  });

  it("auto-whitelists a relay at a domain after autoWhitelist passes, at most one an hour", () => {
    const g = new Greylist({ ...POSTGREY, autoWhitelist: 2 }, 10, 4, always);
    // Two passes within the hour count once.
    for (const sender of [0, 1]) {
      expect(g.check(sender, 5, 2, 0, 0)).toBe(GREYLISTED);
      expect(g.check(sender, 5, 2, 0, 400)).toBe(DELIVERED);
    }
    expect(g.check(9, 5, 2, 0, 500)).toBe(GREYLISTED);
    expect(g.check(9, 5, 2, 0, 4000)).toBe(DELIVERED); // second counted pass (≥ 1 h after the first)
    expect(g.check(42, 5, 2, 0, 4001)).toBe(DELIVERED); // whitelisted: a new triplet passes at once
    expect(g.check(42, 5, 3, 0, 4001)).toBe(GREYLISTED); // only that relay
    expect(g.check(42, 6, 2, 0, 4001)).toBe(GREYLISTED); // only at that domain
  });

  it("greylists only its share of domains, never the exceptTop most popular", () => {
    const g = new Greylist({ ...POSTGREY, exceptTop: 3 }, 10, 4, always);
    expect([...g.greylists]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    const none = new Greylist({ ...POSTGREY, domains: 0.5 }, 10, 4, never);
    expect(none.check(0, 5, 0, 0, 0)).toBe(DELIVERED);
  });

  it("keeps its table bounded: forgotten triplets are purged", () => {
    const g = new Greylist({ ...POSTGREY, autoWhitelist: 0, maxAge: 100, retryWindow: 50 }, 1, 1, always);
    // One new triplet a second for 20 000 s; each is forgotten 101 s later.
    for (let t = 0; t < 20_000; t++) g.check(t, 0, 0, 0, t);
    expect(g.size).toBeLessThan(10_000);
  });
});

/** A pool that only greylists: every domain, every message a new triplet, no lists. */
function greylistOnly(over: {
  servers: number;
  retryFrom: "same" | "pool";
  retry: "qmail" | "postfix" | "exim";
  delay: number;
  rate?: string;
}) {
  const input: ScenarioInput = {
    name: "greylist-closed-form",
    horizon: "2d",
    pool: { servers: over.servers, balancer: { policy: "random" }, sessionTime: "2s" },
    recipients: { domains: 50, zipf: 0 },
    traffic: { senders: 20, rate: over.rate ?? "60/d" },
    mta: { retry: over.retry, retryFrom: over.retryFrom, queueLifetime: "30d" },
    greylisting: { domains: 1, delay: over.delay, autoWhitelist: 0, recipient: "per-message" },
  };
  return new CompiledScenario(parseScenario(input));
}

/** Per message: attempts, servers used, first-attempt time and delivery time (session start). */
function perMessage(records: AttemptRecord[]) {
  const messages = new Map<number, { times: number[]; servers: number[]; outcomes: string[] }>();
  for (const r of records) {
    let m = messages.get(r.message);
    if (!m) {
      m = { times: [], servers: [], outcomes: [] };
      messages.set(r.message, m);
    }
    m.times.push(r.time);
    m.servers.push(r.server);
    m.outcomes.push(r.outcome);
  }
  return [...messages.values()];
}

describe("greylisting with retries from the same relay: the closed form", () => {
  it("delivers every message at exactly the first retry at or after the delay", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("qmail" as const, "postfix" as const, "exim" as const),
        fc.integer({ min: 0, max: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.integer({ min: 1, max: 1000 }),
        (retry, index, fraction, seed) => {
          // A delay in (previous retry age, this one], its ends included: the boundaries matter.
          const ages = retryAges(retrySchedule(retry), 30 * 86_400);
          const previous = index === 0 ? 0 : ages[index - 1];
          const delay = Math.max(1, Math.ceil(ages[index] - fraction * (ages[index] - previous)));
          const compiled = greylistOnly({ servers: 4, retryFrom: "same", retry, delay, rate: "10/d" });
          const records: AttemptRecord[] = [];
          const result = runReplication(compiled, seed, 0, { attempt: (r) => records.push({ ...r }) });
          const expected = closed.sameRelayDelivery(ages, delay);
          expect(expected).not.toBeNull();
          const { retry: k, age } = expected as { retry: number; age: number };
          const messages = perMessage(records);
          expect(messages.length).toBeGreaterThan(0);
          for (const m of messages) {
            expect(m.times.length).toBe(k + 1);
            expect(m.outcomes.slice(0, k).every((o) => o === "greylisted")).toBe(true);
            expect(m.outcomes[k]).toBe("delivered");
            expect(new Set(m.servers).size).toBe(1);
            expect(m.times[k] - m.times[0]).toBeCloseTo(age, 6);
          }
          expect(result.counts.delivered).toBe(result.counts.messages);
        },
      ),
      {
        numRuns: 16,
        seed: 20_261_130,
        examples: [
          ["qmail", 0, 0, 1],
          ["postfix", 0, 0, 1],
          ["exim", 3, 0.999, 2],
        ],
      },
    );
  });
});

describe("greylisting with retries re-picked from the pool: the birthday distribution", () => {
  it("delivers at retry k with probability ∏(1 − i/N)·k/N, and the means agree", () => {
    const N = 6;
    // Postfix with a 300 s delay: every gap between attempts (300, 300, 600, …) is ≥ the delay.
    const ages = retryAges(retrySchedule("postfix"), 30 * 86_400);
    expect(closed.gapsAtLeast(ages, 300)).toBe(true);
    const compiled = greylistOnly({ servers: N, retryFrom: "pool", retry: "postfix", delay: 300, rate: "250/d" });
    const counts = new Array(N + 2).fill(0);
    let n = 0;
    for (let rep = 0; rep < 2; rep++) {
      const records: AttemptRecord[] = [];
      runReplication(compiled, 77, rep, { attempt: (r) => records.push({ ...r }) });
      for (const m of perMessage(records)) {
        const k = m.times.length - 1;
        expect(m.outcomes[k]).toBe("delivered");
        // Delivered exactly when the relay carried an earlier attempt, never before.
        expect(m.servers.slice(0, k)).toContain(m.servers[k]);
        expect(new Set(m.servers.slice(0, k)).size).toBe(k);
        expect(m.times[k] - m.times[0]).toBeCloseTo(ages[k - 1], 6);
        counts[k]++;
        n++;
      }
    }
    expect(n).toBeGreaterThan(15_000);
    const p = closed.poolRetryDistribution(N);
    for (let k = 1; k <= N; k++) {
      // Messages are independent (a fresh triplet each, independent picks): a binomial count per
      // retry; 6.5 standard deviations (+1) fail with probability < 1e-9 each.
      const sd = Math.sqrt(n * p[k] * (1 - p[k]));
      expect(Math.abs(counts[k] - n * p[k])).toBeLessThanOrEqual(6.5 * sd + 1);
    }
    expect(counts[N + 1]).toBe(0);
    const means = closed.poolRetryMeans(N, ages, 300, 2);
    expect(means.undelivered).toBeCloseTo(0, 12);
    // E[attempts] = 1 + E[K] with E[K] = Σ ∏_{i<k}(1 − i/N) (N = 6: 1 + 1 + 5/6 + 5/9 + 5/18 + 5/54).
    expect(means.attempts).toBeCloseTo(1 + 1 + 5 / 6 + 5 / 9 + 5 / 18 + 5 / 54 + 5 / 324, 12);
  });
});
