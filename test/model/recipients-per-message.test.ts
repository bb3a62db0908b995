// Several recipients per message (DESIGN §2–3, recipients.perMessage): the flow that splits a
// message by domain reproduces the one-recipient flow exactly when every message has one
// recipient; its first-attempt rejection rates, per message and per recipient, match their
// closed forms given the replication's subscriptions; and generated scenarios keep its
// invariants (recipients conserved, one transaction per domain and pass through one relay,
// resends only to bounced domains). Statistical comparisons use Chernoff/Hoeffding bounds at
// ALPHA each, fewer than COMPARISONS of them, so a correct model fails with probability < 1e-6.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recipients as forms } from "../../src/analytic/index.js";
import { randomStream } from "../../src/engine/random.js";
import { drawSubscriptions } from "../../src/model/recipients.js";
import {
  RecipientsModel,
  recipientCountWeights,
  recipientsPerMessageTable,
} from "../../src/model/recipients-per-message.js";
import { CompiledScenario, MailModel } from "../../src/model/replication.js";
import type { AttemptRecord } from "../../src/model/sink.js";
import type { Tally } from "../../src/model/tally.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { RecipientCount } from "../../src/scenario/recipient-count.js";
import type { Scenario, ScenarioInput } from "../../src/scenario/schema.js";
import { binomialAgrees, describeProportion, hoeffdingHalfWidth } from "../helpers/chernoff.js";

const COMPARISONS = 40;
const ALPHA = 1e-6 / COMPARISONS;

function scenario(input: Partial<ScenarioInput> & Pick<ScenarioInput, "pool">): Scenario {
  return parseScenario({
    name: "recipients",
    horizon: "2d",
    blacklists: [
      { name: "spamcop", subscribers: 0.4 },
      { name: "zen", subscribers: 0.5, reply: "4xx" },
    ],
    listed: [
      { servers: 2, on: ["spamcop"], from: "3h", until: "30h" },
      { indices: [1, 2], on: ["zen"], from: "1d" },
    ],
    recipients: { domains: 300, zipf: 1.1 },
    traffic: { senders: 40, rate: "100/d" },
    resend: { after: { exponential: "20m" }, probability: 0.8, maxAttempts: 3 },
    ...input,
  });
}

/** Everything a tally holds that one-recipient mail must reproduce. */
function tallyFacts(t: Tally) {
  return {
    counts: [t.messages, t.firstRejected, t.resends, t.resendRejected, t.delivered, t.failed, t.bounced, t.attempts],
    retries: t.retries,
    delay: [t.delay.count, t.delay.sum],
    resendsByDelay: [t.resendsByDelay, t.resendFailuresByDelay, t.laterResendsByDelay, t.laterResendFailuresByDelay],
    servers: [...t.serverAttempts, ...t.serverRejections, ...t.serverSessions, ...t.serverBusy, ...t.serverWait],
    buckets: [...t.bucketAttempts, ...t.bucketRejections],
  };
}

describe("one recipient per message", () => {
  it.each<[string, Partial<ScenarioInput> & Pick<ScenarioInput, "pool">]>([
    ["random, 5xx and 4xx lists", { pool: { servers: 8, sessionTime: { exponential: "3s" } } }],
    [
      "timer with a capacity (channels)",
      {
        pool: { servers: 6, balancer: { policy: "timer", period: "10m" }, capacity: 1, sessionTime: "20s" },
        traffic: { senders: 40, rate: "400/d" },
      },
    ],
    [
      "least-connections with a capacity (tracked sessions)",
      {
        pool: {
          servers: 5,
          balancer: { policy: "least-connections" },
          capacity: 2,
          sessionTime: { exponential: "30s" },
        },
        traffic: { senders: 40, rate: "300/d" },
      },
    ],
    [
      "compromise lifecycle, postfix retries and a health check",
      {
        pool: { servers: 6, avoidListed: { checkEvery: "30m" } },
        listed: [],
        compromise: { ratePerServer: "1/5d", cleanup: { exponential: "12h" } },
        mta: { retry: "postfix", queueLifetime: "6h" },
      },
    ],
  ])("the split flow reproduces the one-recipient flow exactly: %s", (_name, input) => {
    const s = scenario(input);
    const compiled = new CompiledScenario(s);
    expect(compiled.perMessage).toBeNull();
    const plain: AttemptRecord[] = [];
    const split: AttemptRecord[] = [];
    const a = new MailModel(compiled, 7, 1, { attempt: (r) => plain.push({ ...r }) });
    const b = new RecipientsModel(compiled, 7, 1, { attempt: (r) => split.push({ ...r }) });
    const ta = a.run();
    const tb = b.run();
    expect(ta.firstRejected).toBeGreaterThan(0);
    expect(tallyFacts(tb)).toEqual(tallyFacts(ta));
    expect(split).toEqual(plain);
    const r = tb.recipients;
    expect(r).not.toBeNull();
    expect(r?.recipients).toBe(ta.messages);
    expect(r?.domains).toBe(ta.messages);
    expect(r?.firstRejected).toBe(ta.firstRejected);
    expect(r?.failed).toBe(ta.failed);
  });
});

/**
 * Closed form (DESIGN §5, "Several recipients"): random balancing over N relays, k listed on one
 * 5xx list for the whole run. Given the replication's subscriptions, let u be the popularity
 * mass of the domains that do not consult the list. A message picks one relay (listed with
 * probability k/N) and its R recipients' domains are independent draws, so
 *   P(message rejected on its first attempt) = (k/N)·(1 − E[u^R]),
 *   E[recipients rejected on their first attempt] = (k/N)·(1 − u)·E[R],
 *   E[distinct domains] = Σ_R P(R)·Σ_i (1 − (1 − w_i)^R).
 */
interface ClosedCase {
  servers: number;
  listed: number;
  subscribers: number;
  domains: number;
  zipf: number;
  perMessage: RecipientCount;
}

function closedForms(c: ClosedCase, seed: number, replication: number) {
  const weights = Array.from({ length: c.domains }, (_, i) => (i + 1) ** -c.zipf);
  const total = weights.reduce((a, b) => a + b, 0);
  const w = weights.map((x) => x / total);
  const masks = drawSubscriptions(c.domains, [c.subscribers], randomStream(seed, replication, "subscriptions"));
  let u = 0;
  for (let d = 0; d < c.domains; d++) if (masks[d] === 0) u += w[d];
  const pr = recipientCountWeights(c.perMessage);
  return {
    message: forms.messageFirstFailure(c.servers, c.listed, u, pr),
    recipient: forms.recipientFirstFailure(c.servers, c.listed, u) * pr.reduce((sum, p, i) => sum + p * (i + 1), 0),
    meanR: pr.reduce((sum, p, i) => sum + p * (i + 1), 0),
    meanDomains: forms.distinctDomains(w, pr),
    maxR: pr.length,
  };
}

describe("first-attempt rejections against their closed form", () => {
  const CASES: ClosedCase[] = [
    { servers: 10, listed: 2, subscribers: 0.3, domains: 50, zipf: 1, perMessage: { fixed: 3 } },
    { servers: 20, listed: 5, subscribers: 0.5, domains: 8, zipf: 0, perMessage: { uniform: [1, 6] } },
    {
      servers: 5,
      listed: 1,
      subscribers: 0.2,
      domains: 400,
      zipf: 0.8,
      perMessage: { shares: [0.917, 0.046, 0.019, 0.005, 0.004] },
    },
    { servers: 8, listed: 4, subscribers: 0.1, domains: 30, zipf: 1.2, perMessage: { empirical: [2, 10] } },
  ];
  it.each(CASES)("%j", (c) => {
    const messages = 30_000;
    const horizon = 10 * 86_400;
    const s = parseScenario({
      name: "closed-form",
      horizon,
      pool: { servers: c.servers, sessionTime: 0 },
      blacklists: [{ name: "list", subscribers: c.subscribers }],
      listed: [{ servers: c.listed, on: ["list"] }],
      recipients: { domains: c.domains, zipf: c.zipf, perMessage: c.perMessage },
      traffic: { senders: 100, rate: messages / 100 / horizon },
    });
    const compiled = new CompiledScenario(s);
    for (const replication of [0, 1]) {
      const t = new RecipientsModel(compiled, 11, replication).run();
      const r = t.recipients;
      if (r === null) throw new Error("no per-recipient tally");
      const f = closedForms(c, 11, replication);
      const n = t.messages;
      expect(
        binomialAgrees(t.firstRejected, n, f.message, ALPHA),
        describeProportion("messages rejected on the first attempt", t.firstRejected, n, f.message),
      ).toBe(true);
      // Per message, rejected recipients / maxR and recipients / maxR lie in [0, 1]: Hoeffding on their means.
      const eps = hoeffdingHalfWidth(n, ALPHA) * f.maxR;
      expect(
        Math.abs(r.firstRejected / n - f.recipient),
        `recipients rejected per message vs ${f.recipient}`,
      ).toBeLessThan(eps);
      expect(Math.abs(r.recipients / n - f.meanR), `recipients per message vs ${f.meanR}`).toBeLessThan(eps);
      expect(Math.abs(r.domains / n - f.meanDomains), `domains per message vs ${f.meanDomains}`).toBeLessThan(eps);
    }
  });
});

const perMessageArb: fc.Arbitrary<RecipientCount> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => ({ fixed: n })),
  fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }))
    .map(([a, w]): RecipientCount => ({ uniform: [a, a + w] })),
  fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }).map((e) => ({ empirical: e })),
  fc
    .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 })
    .filter((s) => s.some((x) => x > 0))
    .map((s) => ({ shares: s })),
);

const balancerArb = fc.constantFrom<ScenarioInput["pool"]["balancer"]>(
  { policy: "random" },
  { policy: "round-robin" },
  { policy: "timer", period: "10m", assignment: "shuffle" },
  { policy: "sticky" },
  { policy: "dns", ttl: "5m" },
  { policy: "least-connections" },
);

describe("invariants", () => {
  it("holds them across generated scenarios", () => {
    fc.assert(
      fc.property(
        perMessageArb,
        balancerArb,
        fc.constantFrom(null, 1, 3),
        fc.constantFrom<"5xx" | "4xx">("5xx", "4xx"),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        (perMessage, balancer, capacity, reply, probability, maxAttempts, seed) => {
          const s = parseScenario({
            name: "invariants",
            horizon: "1d",
            warmup: "2h",
            pool: { servers: 6, balancer, capacity, sessionTime: { exponential: "20s" } },
            blacklists: [
              { name: "a", subscribers: 0.5 },
              { name: "b", subscribers: 0.5, reply },
            ],
            listed: [
              { servers: 2, on: ["a"], from: "1h", until: "15h" },
              { indices: [0, 5], on: ["b"], from: "6h" },
            ],
            recipients: { domains: 12, zipf: 1, perMessage },
            traffic: { senders: 20, rate: "60/d" },
            resend: { after: { uniform: ["1m", "30m"] }, probability, maxAttempts },
            mta: { retry: "qmail", queueLifetime: "3h" },
          });
          const compiled = new CompiledScenario(s);
          const records: AttemptRecord[] = [];
          const model = new RecipientsModel(compiled, seed, 0, { attempt: (r) => records.push({ ...r }) });
          const t = model.run();
          const r = t.recipients;
          if (r === null) throw new Error("no per-recipient tally");
          // Conserved: every message and every recipient ends delivered or failed; nothing left in flight.
          expect(t.delivered + t.failed).toBe(t.messages);
          expect(r.delivered + r.failed).toBe(r.recipients);
          expect(model.book.lettersInFlight).toBe(0);
          expect(model.book.passesInFlight).toBe(0);
          // A message has at least one domain, a domain at least one recipient.
          expect(t.messages).toBeLessThanOrEqual(r.domains);
          expect(r.domains).toBeLessThanOrEqual(r.recipients);
          // A failed message has a failed recipient, a first-rejected one a first-rejected recipient.
          expect(t.failed).toBeLessThanOrEqual(r.failed);
          expect(t.firstRejected).toBeLessThanOrEqual(r.firstRejected);
          expect(t.resendRejected).toBeLessThanOrEqual(r.resentRejected);
          expect(t.bounced).toBeGreaterThanOrEqual(t.failed);
          const weights = recipientCountWeights(perMessage);
          if (weights.filter((x) => x > 0).length === 1) {
            // Fixed R: a message fails (first attempt, for good) at least as often as a recipient does.
            const R = weights.length;
            expect(t.firstRejected * R).toBeGreaterThanOrEqual(r.firstRejected);
            expect(t.failed * R).toBeGreaterThanOrEqual(r.failed);
            expect(r.recipients).toBe(R * t.messages);
          }
          // Attempts: the first sends or resends of one pass (same message, submission and start:
          // a pass's deliveries start together without a capacity) go through one relay to distinct
          // domains; a resend goes only to a domain the message was rejected by before.
          const passes = new Map<string, { server: number; domains: Set<number> }>();
          const rejected = new Map<number, Set<number>>();
          const problems: string[] = [];
          for (const a of records) {
            if (a.kind !== "retry") {
              const key = `${a.message}/${a.submission}/${a.time}`;
              const pass = passes.get(key) ?? { server: a.server, domains: new Set<number>() };
              if (a.server !== pass.server) problems.push(`${key}: relays ${pass.server} and ${a.server}`);
              if (pass.domains.has(a.domain)) problems.push(`${key}: domain ${a.domain} twice`);
              pass.domains.add(a.domain);
              passes.set(key, pass);
              if (a.submission > 1 && !rejected.get(a.message)?.has(a.domain)) {
                problems.push(`${key}: resent to domain ${a.domain}, which never rejected it`);
              }
              if (a.submission > maxAttempts) problems.push(`${key}: beyond ${maxAttempts} sends`);
            }
            if (a.outcome !== "delivered") {
              const set = rejected.get(a.message) ?? new Set<number>();
              set.add(a.domain);
              rejected.set(a.message, set);
            }
          }
          expect(problems).toEqual([]);
          expect(records.filter((a) => a.counted).length).toBe(t.attempts);
        },
      ),
      { numRuns: 60, seed: 20_261_130 },
    );
  });
});

describe("recipientsPerMessageTable", () => {
  it("is null for one recipient, in any form", () => {
    expect(recipientsPerMessageTable(undefined)).toBeNull();
    expect(recipientsPerMessageTable({ fixed: 1 })).toBeNull();
    expect(recipientsPerMessageTable({ uniform: [1, 1] })).toBeNull();
    expect(recipientsPerMessageTable({ empirical: [1, 1] })).toBeNull();
    expect(recipientsPerMessageTable({ shares: [2, 0, 0] })).toBeNull();
    expect(recipientsPerMessageTable({ fixed: 2 })?.size).toBe(2);
  });

  it("weighs each count as the form says", () => {
    expect(recipientCountWeights({ uniform: [2, 4] })).toEqual([0, 1 / 3, 1 / 3, 1 / 3]);
    expect(recipientCountWeights({ empirical: [3, 1, 3, 3] })).toEqual([0.25, 0, 0.75]);
    expect(recipientCountWeights({ shares: [3, 1, 0] })).toEqual([0.75, 0.25]);
    expect(recipientCountWeights({ fixed: 3 })).toEqual([0, 0, 1]);
  });
});

describe("several recipients and where a blocklist 5xx goes", () => {
  // mta.onBlocklist "requeue" (mta/routes.ts) defers a blocklist 5xx to another relay instead of
  // bouncing it; the split flow must follow it, for the deliveries of a pass and for MTA retries.
  const base = (onBlocklist: "bounce" | "requeue") =>
    new CompiledScenario(
      scenario({
        pool: { servers: 10, balancer: { policy: "random" } },
        blacklists: [{ name: "spamcop", subscribers: 0.5 }],
        listed: [{ indices: [0, 1], on: ["spamcop"] }],
        recipients: { domains: 300, zipf: 1.1, perMessage: { uniform: [2, 5] } },
        mta: { retry: "postfix", onBlocklist },
      } as Partial<ScenarioInput> & Pick<ScenarioInput, "pool">),
    );
  it("requeue: no recipient bounces, every one is delivered, and retries carry the rejected ones", () => {
    const bounced = new RecipientsModel(base("bounce"), 5, 0).run();
    const requeued = new RecipientsModel(base("requeue"), 5, 0).run();
    // With bouncing, a fifth of the mail meets a listed relay and half its domains refuse it.
    expect(bounced.bounced).toBeGreaterThan(0);
    expect(bounced.recipients?.failed ?? 0).toBeGreaterThan(0);
    // Requeued on another relay (never a listed one twice in a row here: 2 of 10 listed, the next
    // relay is another), every recipient is delivered and nothing bounces or is resent.
    expect(requeued.bounced).toBe(0);
    expect(requeued.resends).toBe(0);
    expect(requeued.recipients?.failed).toBe(0);
    expect(requeued.recipients?.delivered).toBe(requeued.recipients?.recipients);
    expect(requeued.retries).toBeGreaterThan(0);
  });
});
