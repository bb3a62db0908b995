// Receivers that see listings late (src/model/receivers/late-listings.ts, dnsbl-cache.ts):
// every attempt's outcome equals an independent brute-force replay (plain arrays and a Map, no
// hash table, no event queue) across scenarios fast-check generates; off-switches are exact;
// and the ramp of a new listing and the decay of a delisting follow the closed form of
// src/analytic/receivers.ts. The statistical comparisons are fewer than COMPARISONS, each at
// ALPHA, so a correct model fails this file with probability < 1e-6.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { staleFirstLookupAfter } from "../../../src/analytic/receivers.js";
import { sampler } from "../../../src/engine/index.js";
import { randomStream } from "../../../src/engine/random.js";
import { runReplication } from "../../../src/experiment/run.js";
import type { Listing } from "../../../src/model/listings.js";
import { AnswerCache } from "../../../src/model/receivers/dnsbl-cache.js";
import { seenByReceivers } from "../../../src/model/receivers/late-listings.js";
import { perDomainShares } from "../../../src/model/receivers/subscribers.js";
import { drawSubscriptions } from "../../../src/model/recipients.js";
import { CompiledScenario } from "../../../src/model/replication.js";
import type { AttemptRecord } from "../../../src/model/sink.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { Scenario, ScenarioInput } from "../../../src/scenario/schema.js";
import { binomialAgrees, describeProportion } from "../../helpers/chernoff.js";

const COMPARISONS = 10;
const ALPHA = 1e-6 / COMPARISONS;

type Attempt = Pick<AttemptRecord, "time" | "domain" | "server" | "outcome" | "list">;

function attemptsOf(scenario: Scenario, replication = 0): Attempt[] {
  const out: Attempt[] = [];
  runReplication(new CompiledScenario(scenario), scenario.seed, replication, {
    attempt: (r) => out.push({ time: r.time, domain: r.domain, server: r.server, outcome: r.outcome, list: r.list }),
  });
  return out;
}

/**
 * The outcomes DESIGN §2 asks for, replayed by brute force: list b shows relay v at t to the
 * receivers iff t lies in some [from + listing delay, until + delisting delay); a domain asks its
 * lists in order and stops at the first "listed"; a cached answer serves [t, t + TTL).
 */
function replay(scenario: Scenario, attempts: readonly Attempt[], replication = 0): Attempt[] {
  const lists = scenario.blacklists;
  const masks = drawSubscriptions(
    scenario.recipients.domains,
    perDomainShares(lists.map((b) => b.subscribers)),
    randomStream(scenario.seed, replication, "subscriptions"),
  );
  const fixed = (d: unknown) => (d as { fixed: number }).fixed;
  const cache = new Map<string, { listed: boolean; expires: number }>();
  return attempts.map((a) => {
    let decided = -1;
    for (let b = 0; b < lists.length && decided < 0; b++) {
      if ((masks[a.domain] & (1 << b)) === 0) continue;
      const on = lists[b].propagation ? fixed(lists[b].propagation?.listing) : 0;
      const off = lists[b].propagation ? fixed(lists[b].propagation?.delisting) : 0;
      let listed = scenario.listed.some(
        (e) =>
          e.on.includes(lists[b].name) &&
          (e.indices ?? []).includes(a.server) &&
          a.time >= e.from + on &&
          a.time < (e.until ?? Number.POSITIVE_INFINITY) + off,
      );
      const ttl = lists[b].cache;
      if (ttl && (ttl.listed > 0 || ttl.clean > 0)) {
        const key = `${a.domain}/${a.server}/${b}`;
        const entry = cache.get(key);
        if (entry && a.time < entry.expires) listed = entry.listed;
        else cache.set(key, { listed, expires: a.time + (listed ? ttl.listed : ttl.clean) });
      }
      if (listed) decided = b;
    }
    const outcome = decided < 0 ? "delivered" : lists[decided].reply === "4xx" ? "rejected-4xx" : "rejected-5xx";
    return { ...a, outcome, list: decided };
  });
}

const listArb = fc.record({
  subscribers: fc.constantFrom(0.5, 1),
  reply: fc.constantFrom("5xx" as const, "4xx" as const),
  propagation: fc.option(
    fc.record({ listing: fc.integer({ min: 0, max: 3600 }), delisting: fc.integer({ min: 0, max: 3600 }) }),
    { nil: undefined },
  ),
  cache: fc.option(fc.record({ listed: fc.integer({ min: 0, max: 3600 }), clean: fc.integer({ min: 0, max: 3600 }) }), {
    nil: undefined,
  }),
});

const windowArb = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.boolean())
  .map(([from, length, forever]) => ({ from: from * 1800, until: forever ? null : (from + length) * 1800 }));

function lateScenario(
  lists: Array<{ subscribers: number; reply: "5xx" | "4xx"; propagation?: object; cache?: object }>,
  windows: Array<{ from: number; until: number | null; server: number; list: number }>,
  servers: number,
  seed: number,
): Scenario {
  return parseScenario({
    name: "late",
    seed,
    horizon: "1d",
    pool: { servers, balancer: { policy: "random" }, sessionTime: "2s" },
    blacklists: lists.map((l, i) => ({ name: `l${i}`, ...l })),
    listed: windows.map((w) => ({
      indices: [w.server % servers],
      on: [`l${w.list % lists.length}`],
      from: w.from,
      until: w.until,
    })),
    recipients: { domains: 40, zipf: 1 },
    traffic: { senders: 20, rate: "200/d" },
    resend: { after: { uniform: ["1m", "30m"] }, maxAttempts: 3 },
    mta: { retry: ["10m", "30m", "1h", "3h"], queueLifetime: "12h" },
  } as ScenarioInput);
}

describe("receivers see listings late: invariants", () => {
  it("every attempt's outcome and deciding list equal a brute-force replay of delays and caches", () => {
    fc.assert(
      fc.property(
        fc.array(listArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ window: windowArb, server: fc.nat(), list: fc.nat() }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10_000 }),
        (lists, windows, servers, seed) => {
          const scenario = lateScenario(
            lists,
            windows.map((w) => ({ ...w.window, server: w.server, list: w.list })),
            servers,
            seed,
          );
          const attempts = attemptsOf(scenario);
          expect(attempts.length).toBeGreaterThan(0);
          expect(attempts).toEqual(replay(scenario, attempts));
        },
      ),
      { seed: 21, numRuns: 30 },
    );
  });

  it("rejections start exactly `listing` after the onset and end no later than `delisting` + the positive TTL after it", () => {
    const d = 1200;
    const off = 900;
    const ttl = 600;
    const scenario = parseScenario({
      name: "onset",
      seed: 4,
      horizon: "2d",
      pool: { servers: 2, balancer: { policy: "random" }, sessionTime: "2s" },
      blacklists: [
        { name: "l", subscribers: 1, propagation: { listing: d, delisting: off }, cache: { listed: ttl, clean: 300 } },
      ],
      listed: [{ indices: [0], on: ["l"], from: "6h", until: "18h" }],
      recipients: { domains: 50, zipf: 0 },
      traffic: { senders: 50, rate: "500/d" },
      resend: { maxAttempts: 1 },
    });
    const rejected = attemptsOf(scenario).filter((a) => a.outcome !== "delivered");
    expect(rejected.length).toBeGreaterThan(1000);
    for (const a of rejected) {
      expect(a.server).toBe(0);
      expect(a.time).toBeGreaterThanOrEqual(6 * 3600 + d);
      expect(a.time).toBeLessThan(18 * 3600 + off + ttl);
    }
    // The first rejection comes within a few seconds of the listing reaching the mirrors (the
    // negative TTL keeps earlier "not listed" answers, but some domain looks up afresh at once).
    expect(Math.min(...rejected.map((a) => a.time)) - (6 * 3600 + d)).toBeLessThan(300);
  });

  it("is exactly the plain model when every delay and TTL is 0", () => {
    const base: ScenarioInput = {
      name: "zero",
      seed: 8,
      horizon: "2d",
      pool: { servers: 5, balancer: { policy: "timer", period: "10m" }, sessionTime: "2s" },
      blacklists: [{ name: "l", subscribers: 0.6, reply: "5xx" }],
      listed: [{ servers: 2, on: ["l"], from: "3h", until: "30h" }],
      recipients: { domains: 300, zipf: 1 },
      traffic: { senders: 40, rate: "300/d" },
    };
    const late: ScenarioInput = {
      ...base,
      blacklists: [{ name: "l", subscribers: 0.6, propagation: {}, cache: { listed: 0, clean: 0 } }],
    };
    const plain = runReplication(new CompiledScenario(parseScenario(base)), 8, 0);
    const zero = runReplication(new CompiledScenario(parseScenario(late)), 8, 0);
    expect(zero.counts).toEqual(plain.counts);
    expect(zero.metrics).toEqual(plain.metrics);
    expect(zero.servers).toEqual(plain.servers);
  });
});

describe("random propagation delays", () => {
  it("keep every rejection inside [from + least listing delay, until + most delisting delay + positive TTL)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 3600 }), (seed, ttl) => {
        const scenario = parseScenario({
          name: "random-delays",
          seed,
          horizon: "1d",
          pool: { servers: 3, balancer: { policy: "random" }, sessionTime: "2s" },
          blacklists: [
            {
              name: "l",
              subscribers: 1,
              propagation: { listing: { uniform: ["10m", "40m"] }, delisting: { uniform: ["5m", "20m"] } },
              cache: { listed: ttl, clean: 0 },
            },
          ],
          listed: [{ indices: [1], on: ["l"], from: "4h", until: "10h" }],
          recipients: { domains: 30, zipf: 1 },
          traffic: { senders: 20, rate: "200/d" },
          resend: { maxAttempts: 1 },
        });
        for (const a of attemptsOf(scenario)) {
          if (a.outcome === "delivered") continue;
          expect(a.server).toBe(1);
          expect(a.time).toBeGreaterThanOrEqual(4 * 3600 + 600);
          expect(a.time).toBeLessThan(10 * 3600 + 1200 + ttl);
        }
      }),
      { seed: 22, numRuns: 15 },
    );
  });

  it("draw per server in the order of its listings, so appending later listings leaves earlier delays alone", () => {
    const delays = [{ listing: sampler({ exponential: 600 }), delisting: sampler({ uniform: [0, 1800] }) }];
    const streamFor = (server: number) => randomStream(5, 0, `propagation.${server}`);
    const early: Listing[] = [0, 1, 2].map((server) => ({
      server,
      list: 0,
      from: 3600 * server,
      until: 3600 * server + 7200,
    }));
    const later: Listing[] = [0, 1, 2].map((server) => ({ server, list: 0, from: 86_400 + server, until: 90_000 }));
    // Later listings interleave between servers, as the lifecycle's do when the horizon grows.
    const both = [early[0], later[0], early[1], later[1], early[2], later[2]];
    const alone = seenByReceivers(early, delays, streamFor);
    const extended = seenByReceivers(both, delays, streamFor).filter((l) => l.from < 86_400);
    expect(extended).toEqual(alone);
    expect(alone.every((l, i) => l.from > early[i].from && l.until >= early[i].until)).toBe(true);
  });
});

describe("AnswerCache", () => {
  it("keeps one entry per key through growth and serves each for [t, t + TTL)", () => {
    const cache = new AnswerCache();
    const keys = Array.from({ length: 5000 }, (_, i) => i * 7919 + 2 ** 40 * (i % 3));
    keys.forEach((k, i) => {
      expect(cache.answer(k, 0, i % 2 === 0, 10, 20)).toBe(i % 2 === 0);
    });
    expect(cache.size).toBe(keys.length);
    keys.forEach((k, i) => {
      // Still cached at t = 9.5 whatever the list says now; "listed" has expired at 10, "clean" lasts to 20.
      expect(cache.answer(k, 9.5, i % 2 !== 0, 10, 20)).toBe(i % 2 === 0);
      expect(cache.answer(k, 10, true, 10, 20)).toBe(i % 2 === 0);
    });
    expect(cache.size).toBe(keys.length);
  });
});

describe("receivers see listings late: closed forms", () => {
  // One relay, 2000 equally popular domains, each looking the relay up at rate r = 1/600 s (its
  // own Poisson mail); every domain consults the list. Domains' caches are independent, so the
  // first attempt of each domain after a probe time is one i.i.d. Bernoulli trial per domain.
  const domains = 2000;
  const rate = 1 / 600;
  const clean = 600;
  const listed = 900;
  const onset = 6 * 3600;
  const end = 12 * 3600;
  const scenario = parseScenario({
    name: "ttl-ramp",
    seed: 11,
    horizon: end + 5 * 3600,
    pool: { servers: 1, balancer: { policy: "random" }, sessionTime: 0 },
    blacklists: [{ name: "l", subscribers: 1, cache: { listed, clean } }],
    listed: [{ indices: [0], on: ["l"], from: onset, until: end }],
    recipients: { domains, zipf: 0 },
    traffic: { senders: 100, rate: (domains * rate) / 100 },
    resend: { maxAttempts: 1 },
  });
  const attempts = attemptsOf(scenario);

  /** Per domain, whether its first attempt at or after `at` was rejected. */
  function firstAfter(at: number): { rejected: number; n: number } {
    const seen = new Uint8Array(domains);
    let rejected = 0;
    let n = 0;
    for (const a of attempts) {
      if (a.time < at || seen[a.domain]) continue;
      seen[a.domain] = 1;
      n++;
      if (a.outcome !== "delivered") rejected++;
    }
    return { rejected, n };
  }

  it.each([0, 120, 300, 540])(
    "t = %s s after a listing, a domain's next attempt still passes with the chance its 'not listed' answer is cached",
    (t) => {
      const { rejected, n } = firstAfter(onset + t);
      const q = staleFirstLookupAfter(t, clean, rate);
      expect(n).toBe(domains);
      expect(binomialAgrees(n - rejected, n, q, ALPHA), describeProportion(`passes at ${t}`, n - rejected, n, q)).toBe(
        true,
      );
    },
  );

  it.each([0, 200, 450, 800])(
    "t = %s s after a delisting, a domain's next attempt still fails with the chance its 'listed' answer is cached",
    (t) => {
      const { rejected, n } = firstAfter(end + t);
      const q = staleFirstLookupAfter(t, listed, rate);
      expect(n).toBe(domains);
      expect(binomialAgrees(rejected, n, q, ALPHA), describeProportion(`fails at ${t}`, rejected, n, q)).toBe(true);
    },
  );

  it("no attempt passes once the negative TTL has run out after a listing, none fails once the positive TTL has after a delisting", () => {
    let passedWhileListed = 0;
    let failedWhileClean = 0;
    for (const a of attempts) {
      if (a.time >= onset + clean && a.time < end && a.outcome === "delivered") passedWhileListed++;
      if ((a.time >= end + listed || a.time < onset) && a.outcome !== "delivered") failedWhileClean++;
    }
    expect({ passedWhileListed, failedWhileClean }).toEqual({ passedWhileListed: 0, failedWhileClean: 0 });
  });
});
