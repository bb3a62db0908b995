// Where retries go (src/model/mta/routes.ts): a blocklist 5xx requeued on another relay, MTA
// retries re-picked from the pool, and the health check moving an excluded relay's deferred mail,
// each held to a closed form or an exact replay of the records, plus invariants over generated
// scenarios (fast-check) that every mechanism keeps.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../../src/experiment/run.js";
import { CompiledScenario } from "../../../src/model/replication.js";
import type { AttemptRecord } from "../../../src/model/sink.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";

function run(input: ScenarioInput, seed = 5, replication = 0) {
  const records: AttemptRecord[] = [];
  const result = runReplication(new CompiledScenario(parseScenario(input)), seed, replication, {
    attempt: (r) => records.push({ ...r }),
  });
  return { counts: result.counts, records, byMessage: byMessage(records) };
}

function byMessage(records: AttemptRecord[]): AttemptRecord[][] {
  const messages = new Map<number, AttemptRecord[]>();
  for (const r of records) {
    const list = messages.get(r.message);
    if (list) list.push(r);
    else messages.set(r.message, [r]);
  }
  return [...messages.values()];
}

/** Ten relays, 0 and 5 listed for good on one list every domain consults (5xx unless said). */
function listedPool(mta: ScenarioInput["mta"], reply: "5xx" | "4xx" = "5xx"): ScenarioInput {
  return {
    name: "routes",
    horizon: "1d",
    pool: { servers: 10, balancer: { policy: "random" }, sessionTime: "2s" },
    blacklists: [{ name: "zen", subscribers: 1, reply }],
    listed: [{ indices: [0, 5], on: ["zen"] }],
    recipients: { domains: 100, zipf: 0 },
    traffic: { senders: 50, rate: "100/d" },
    resend: { maxAttempts: 1 },
    mta,
  };
}

/** |count − n·p| within 6.5 binomial standard deviations (+1): fails with probability < 1e-9. */
function expectBinomial(count: number, n: number, p: number): void {
  expect(Math.abs(count - n * p)).toBeLessThanOrEqual(6.5 * Math.sqrt(n * p * (1 - p)) + 1);
}

describe('mta.onBlocklist: "requeue"', () => {
  it("never bounces while a clean relay exists; the next attempt leaves the rejecting relay", () => {
    const { counts, byMessage: messages } = run(listedPool({ retry: "qmail", onBlocklist: "requeue" }));
    expect(counts.firstRejected).toBeGreaterThan(500);
    expect(counts.bounced).toBe(0);
    expect(counts.delivered).toBe(counts.messages);
    // Listed relays 0 and 5 are not neighbours: after a rejection on one, the requeue pick is
    // uniform over 10 and a pick of the same relay goes to the next one (clean), so the next
    // attempt is rejected again with probability exactly 1/10 (the other listed relay).
    let requeues = 0;
    let rejectedAgain = 0;
    for (const m of messages) {
      for (let i = 0; i + 1 < m.length; i++) {
        expect(m[i].outcome).toBe("rejected-5xx");
        expect(m[i + 1].server).not.toBe(m[i].server);
        expect(m[i + 1].kind).toBe("retry");
        requeues++;
        if (m[i + 1].outcome === "rejected-5xx") rejectedAgain++;
      }
    }
    expectBinomial(rejectedAgain, requeues, 1 / 10);
  });

  it('with "bounce" (the default) a blocklist 5xx bounces as before', () => {
    const { counts } = run(listedPool({ retry: "qmail", onBlocklist: "bounce" }));
    expect(counts.bounced).toBe(counts.firstRejected);
    expect(counts.retries).toBe(0);
  });
});

describe('mta.retryFrom: "pool"', () => {
  it("re-picks each retry of a 4xx deferral: rejected again with probability k/N", () => {
    const { counts, byMessage: messages } = run(listedPool({ retry: "postfix", retryFrom: "pool" }, "4xx"));
    let retries = 0;
    let rejected = 0;
    for (const m of messages) {
      for (const a of m.slice(1)) {
        retries++;
        if (a.outcome !== "delivered") rejected++;
      }
    }
    expect(retries).toBe(counts.retries);
    expect(retries).toBeGreaterThan(500);
    expectBinomial(rejected, retries, 2 / 10);
    expect(counts.delivered).toBe(counts.messages);
  });

  it('"same" keeps every retry on the relay that deferred it (today\'s flow)', () => {
    const { byMessage: messages } = run(
      listedPool({ retry: "postfix", retryFrom: "same", queueLifetime: "6h" }, "4xx"),
    );
    for (const m of messages) for (const a of m) expect(a.server).toBe(m[0].server);
  });
});

describe("pool.avoidListed.moveDeferred", () => {
  const input = (moveDeferred: boolean): ScenarioInput => ({
    ...listedPool({ retry: "qmail" }, "4xx"),
    // Listed between two checks, so mail is deferred on them before a check excludes them.
    listed: [{ indices: [0, 5], on: ["zen"], from: "130m" }],
    pool: {
      servers: 10,
      balancer: { policy: "random" },
      sessionTime: "2s",
      avoidListed: { checkEvery: "30m", moveDeferred },
    },
  });
  const CHECK = 1800;
  const LISTED = 7800;

  it("moves a deferred message off an excluded relay at the first check after its deferral", () => {
    const on = run(input(true));
    let checked = 0;
    for (const m of on.byMessage) {
      for (let i = 0; i + 1 < m.length; i++) {
        const { time, server } = m[i];
        // The first check after the deferral (the session ends 2 s after it starts).
        const check = Math.ceil((time + 2) / CHECK) * CHECK;
        if ((server === 0 || server === 5) && check >= LISTED && check <= m[i + 1].time) {
          expect(m[i + 1].server).not.toBe(server);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    // Without it the same messages retry from the listed relays until their listing ends (never).
    const off = run(input(false));
    expect(on.counts.delivered).toBeGreaterThan(off.counts.delivered);
    expect(on.counts.delivered).toBe(on.counts.messages);
  });
});

describe("invariants over generated scenarios with the mechanisms on", () => {
  it("conserves messages, keeps time order and each mechanism's rule", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ScenarioInput["pool"]["balancer"]>(
          { policy: "random" },
          { policy: "timer", period: "10m" },
          { policy: "round-robin" },
          { policy: "least-connections" },
        ),
        fc.constantFrom("same" as const, "pool" as const),
        fc.constantFrom("bounce" as const, "requeue" as const),
        fc.boolean(),
        fc.option(fc.double({ min: 0.1, max: 1, noNaN: true }), { nil: undefined }),
        fc.constantFrom("5xx" as const, "4xx" as const),
        fc.integer({ min: 1, max: 100 }),
        (balancer, retryFrom, onBlocklist, moveDeferred, greyShare, reply, seed) => {
          const input: ScenarioInput = {
            name: "routes-invariants",
            horizon: "12h",
            pool: {
              servers: 6,
              balancer,
              capacity: balancer?.policy === "least-connections" ? 3 : null,
              sessionTime: { exponential: "3s" },
              avoidListed: { checkEvery: "20m", moveDeferred },
            },
            blacklists: [{ name: "zen", subscribers: 0.6, reply }],
            listed: [{ servers: 2, on: ["zen"], from: "1h", until: "9h" }],
            recipients: { domains: 80, zipf: 1 },
            traffic: { senders: 30, rate: "60/d" },
            resend: { after: { exponential: "10m" }, maxAttempts: 2 },
            mta: { retry: "postfix", retryFrom, onBlocklist, queueLifetime: "1d" },
            ...(greyShare === undefined ? {} : { greylisting: { domains: greyShare, delay: "5m" } }),
          };
          const { counts, byMessage: messages } = run(input, seed);
          expect(counts.delivered + counts.failed).toBe(counts.messages);
          for (const m of messages) {
            for (let i = 0; i + 1 < m.length; i++) {
              expect(m[i + 1].time).toBeGreaterThanOrEqual(m[i].time);
              const next = m[i + 1];
              if (next.kind !== "retry") continue;
              // A retry follows a deferral: a 4xx, a greylisting, or a requeued 5xx on another relay.
              expect(m[i].outcome).not.toBe("delivered");
              if (m[i].outcome === "rejected-5xx") {
                expect(onBlocklist).toBe("requeue");
                expect(next.server).not.toBe(m[i].server);
              }
            }
            if (greyShare === undefined) expect(m.every((a) => a.outcome !== "greylisted")).toBe(true);
          }
          if (onBlocklist === "bounce" || reply === "4xx") {
            // Requeue changes nothing when no list answers 5xx; bounce is today's flow.
            expect(counts.bounced).toBeLessThanOrEqual(counts.messages);
          } else {
            // A requeued message bounces only when its queue lifetime runs out.
            expect(counts.bounced).toBe(0);
          }
        },
      ),
      { numRuns: 24, seed: 1130 },
    );
  });

  it("is off by default: written defaults and a greylisting share of 0 change no count (common random numbers)", () => {
    const base = listedPool({ retry: "qmail" }, "4xx");
    const plain = run(base).counts;
    expect(run({ ...base, mta: { retry: "qmail", retryFrom: "same", onBlocklist: "bounce" } }).counts).toEqual(plain);
    expect(run({ ...base, greylisting: { domains: 0 } }).counts).toEqual(plain);
    // With only 5xx answers nothing is ever retried, so where retries go cannot matter.
    const fives = listedPool({ retry: "qmail" });
    expect(run({ ...fives, mta: { retry: "qmail", retryFrom: "pool" } }).counts).toEqual(run(fives).counts);
  });
});
