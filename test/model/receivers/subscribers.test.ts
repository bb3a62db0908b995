// Who consults a list by rank or by mail (src/model/receivers/subscribers.ts): invariants under
// fast-check, the plain form kept exactly, and the simulated first-attempt failure held to the
// closed form p·(share of mail outside the top k)·k/N (src/analytic/receivers.ts) by Hoeffding
// bounds. The file makes fewer than COMPARISONS statistical comparisons at ALPHA each, so a
// correct model fails it with probability < 1e-6.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mailShareOutsideTop, subscribedMailShare } from "../../../src/analytic/receivers.js";
import { randomStream } from "../../../src/engine/random.js";
import { runReplication } from "../../../src/experiment/run.js";
import {
  applySubscriberRules,
  byMail,
  perDomainShares,
  rankRules,
  zipfShares,
} from "../../../src/model/receivers/subscribers.js";
import { drawSubscriptions } from "../../../src/model/recipients.js";
import { CompiledScenario } from "../../../src/model/replication.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";
import { hoeffdingHalfWidth } from "../../helpers/chernoff.js";

const COMPARISONS = 10;
const ALPHA = 1e-6 / COMPARISONS;

type Rule = NonNullable<ScenarioInput["blacklists"]>[number]["subscribers"];

function masksFor(domains: number, zipf: number, rules: Rule[], seed: number, replication = 0): Int32Array {
  const normalised = parseScenario({
    name: "masks",
    pool: { servers: 1 },
    blacklists: rules.map((subscribers, i) => ({ name: `l${i}`, subscribers })),
    recipients: { domains, zipf },
    traffic: { senders: 1, rate: "1/d" },
  }).blacklists.map((b) => b.subscribers);
  const masks = drawSubscriptions(
    domains,
    perDomainShares(normalised),
    randomStream(seed, replication, "subscriptions"),
  );
  const ranked = rankRules(normalised);
  if (ranked) applySubscriberRules(masks, ranked, zipf, () => randomStream(seed, replication, "subscriptions.mail"));
  return masks;
}

/** The realised share of mail to the domains with bit b set. */
function mailShareOf(masks: Int32Array, b: number, shares: Float64Array): number {
  let s = 0;
  for (let d = 0; d < masks.length; d++) if (masks[d] & (1 << b)) s += shares[d];
  return s;
}

describe("subscriber rules: invariants", () => {
  it('{"share": p} subscribes exactly the domains that p does, and exceptTop only removes the top k', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 1000 }),
        (domains, p, k, seed) => {
          const top = Math.min(k, domains);
          const plain = masksFor(domains, 1, [p, 0.5], seed);
          expect(masksFor(domains, 1, [{ share: p }, 0.5], seed)).toEqual(plain);
          const except = masksFor(domains, 1, [{ share: p, exceptTop: top }, 0.5], seed);
          for (let d = 0; d < domains; d++) {
            // The other list is untouched; list 0 loses the top k and nothing else.
            expect(except[d] & 2).toBe(plain[d] & 2);
            expect(except[d] & 1).toBe(d < top ? 0 : plain[d] & 1);
          }
        },
      ),
      { seed: 12, numRuns: 60 },
    );
  });

  it('{"mailShare": m} subscribes no top domain and carries m of the mail to within one domain\'s share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 2000 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (domains, zipf, k, fraction, seed) => {
          const top = Math.min(k, domains - 1);
          const m = fraction * mailShareOutsideTop(domains, zipf, top);
          const masks = masksFor(domains, zipf, [0.4, { mailShare: m, exceptTop: top }], seed);
          const shares = zipfShares(domains, zipf);
          let widest = 0;
          for (let d = 0; d < domains; d++) {
            if (d < top) expect(masks[d] & 2).toBe(0);
            else widest = Math.max(widest, shares[d]);
          }
          const realised = mailShareOf(masks, 1, shares);
          expect(Math.abs(realised - m)).toBeLessThanOrEqual(widest + 1e-12);
          // The plain list beside it is drawn exactly as without the rule.
          const alone = masksFor(domains, zipf, [0.4, 0], seed);
          for (let d = 0; d < domains; d++) expect(masks[d] & 1).toBe(alone[d] & 1);
        },
      ),
      { seed: 13, numRuns: 60 },
    );
  });

  it("takes every domain outside the top when asked for all of their mail, and none for 0", () => {
    const shares = zipfShares(300, 1);
    const all = mailShareOutsideTop(300, 1, 3);
    expect(byMail(shares, 3, all, randomStream(1, 0, "x")).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 297 }, (_, i) => i + 3),
    );
    expect(byMail(shares, 3, 0, randomStream(1, 0, "x"))).toEqual([]);
  });

  it("rejects a mailShare beyond the mail outside the top, an exceptTop beyond the domains, and both forms at once", () => {
    const base = {
      name: "bad",
      pool: { servers: 1 },
      recipients: { domains: 100, zipf: 1 },
      traffic: { senders: 1, rate: "1/d" },
    };
    const most = mailShareOutsideTop(100, 1, 5);
    expect(() =>
      parseScenario({ ...base, blacklists: [{ name: "l", subscribers: { mailShare: most + 0.01, exceptTop: 5 } }] }),
    ).toThrow(
      /blacklists\.0\.subscribers\.mailShare: expected at most 0\.\d+ \(the share of mail outside the top 5 domains\)/,
    );
    expect(() =>
      parseScenario({ ...base, blacklists: [{ name: "l", subscribers: { share: 0.3, exceptTop: 101 } }] }),
    ).toThrow(/blacklists\.0\.subscribers\.exceptTop: expected at most 100/);
    expect(() =>
      parseScenario({ ...base, blacklists: [{ name: "l", subscribers: { share: 0.3, mailShare: 0.2 } }] }),
    ).toThrow(/exactly one of "share" and "mailShare"/);
    expect(() => parseScenario({ ...base, blacklists: [{ name: "l", subscribers: { exceptTop: 2 } }] })).toThrow(
      /exactly one of "share" and "mailShare"/,
    );
  });

  it("keeps the plain number form as written in the normalised scenario", () => {
    const s = parseScenario({
      name: "plain",
      pool: { servers: 1 },
      blacklists: [
        { name: "l", subscribers: 0.3 },
        { name: "m", subscribers: { share: 0.3 } },
      ],
      traffic: { senders: 1, rate: "1/d" },
    });
    expect(s.blacklists[0].subscribers).toBe(0.3);
    expect(s.blacklists[1].subscribers).toEqual({ share: 0.3, exceptTop: 0 });
    expect(s.blacklists[0]).not.toHaveProperty("propagation");
    expect(s.blacklists[0]).not.toHaveProperty("cache");
  });
});

describe("subscriber rules: closed forms", () => {
  const domains = 5000;
  const zipf = 1;
  const shares = zipfShares(domains, zipf);

  it("a share rule's mean subscribed share of mail is p·(mail outside the top k) (Hoeffding over independent domains)", () => {
    const p = 0.3;
    const k = 5;
    const R = 200;
    let sum = 0;
    for (let r = 0; r < R; r++)
      sum += mailShareOf(masksFor(domains, zipf, [{ share: p, exceptTop: k }], 7, r), 0, shares);
    // S = Σ w_d X_d with independent X_d: P(|mean − E| ≥ ε) ≤ 2·exp(−2ε²R/Σw²) over R replications.
    let sq = 0;
    for (let d = k; d < domains; d++) sq += shares[d] * shares[d];
    const epsilon = Math.sqrt((Math.log(2 / ALPHA) * sq) / (2 * R));
    const expected = subscribedMailShare({ share: p, exceptTop: k }, domains, zipf);
    expect(expected).toBeCloseTo(p * mailShareOutsideTop(domains, zipf, k), 15);
    expect(Math.abs(sum / R - expected), `mean ${sum / R} vs ${expected} ± ${epsilon}`).toBeLessThanOrEqual(epsilon);
  });

  it("a mailShare rule's mean subscribed share of mail is m (Hoeffding over replications, each within one domain's share)", () => {
    const m = 0.25;
    const k = 5;
    const R = 200;
    let sum = 0;
    for (let r = 0; r < R; r++)
      sum += mailShareOf(masksFor(domains, zipf, [{ mailShare: m, exceptTop: k }], 8, r), 0, shares);
    // Each replication's share lies in [m − w_k, m + w_k], w_k the largest share outside the top.
    const epsilon = 2 * shares[k] * hoeffdingHalfWidth(R, ALPHA);
    expect(Math.abs(sum / R - m), `mean ${sum / R} vs ${m} ± ${epsilon}`).toBeLessThanOrEqual(epsilon);
  });

  it("a mailShare rule is exact in expectation even when single domains are coarse (3 equal domains, m = 0.5)", () => {
    // One domain (1/3) fits; the next would pass 0.5 and is taken with probability 1/2: the
    // share is 1/3 or 2/3, with mean 1/2. A rule that always or never takes it gives 2/3 or 1/3.
    const shares = zipfShares(3, 0);
    const n = 20_000;
    const random = randomStream(9, 0, "subscriptions.mail");
    let sum = 0;
    for (let i = 0; i < n; i++) for (const d of byMail(shares, 0, 0.5, random)) sum += shares[d];
    const epsilon = (1 / 3) * hoeffdingHalfWidth(n, ALPHA);
    expect(Math.abs(sum / n - 0.5), `mean ${sum / n}`).toBeLessThanOrEqual(epsilon);
  });

  it.each([
    ["share", { share: 0.3, exceptTop: 5 }],
    ["mailShare", { mailShare: 0.2, exceptTop: 3 }],
  ] as const)("the simulated first-attempt failure of a %s rule is (subscribed share of mail)·k/N", (_, rule) => {
    const N = 4;
    const k = 2;
    const R = 40;
    const scenario = parseScenario({
      name: "who-subscribes",
      seed: 3,
      replications: R,
      horizon: "1d",
      pool: { servers: N, balancer: { policy: "random" }, sessionTime: 0 },
      blacklists: [{ name: "l", subscribers: rule }],
      listed: [{ servers: k, on: ["l"] }],
      recipients: { domains, zipf },
      traffic: { senders: 100, rate: "100/d" },
      resend: { maxAttempts: 1 },
    });
    const compiled = new CompiledScenario(scenario);
    let messages = 0;
    let rejected = 0;
    for (let r = 0; r < R; r++) {
      const { counts } = runReplication(compiled, scenario.seed, r);
      messages += counts.messages;
      rejected += counts.firstRejected;
    }
    // Given the subscriptions, first attempts are independent (domain by popularity, server
    // uniform): Hoeffding on the message mean. The subscriptions' own spread: as above.
    const given = hoeffdingHalfWidth(messages, ALPHA);
    let sq = 0;
    for (let d = rule.exceptTop; d < domains; d++) sq += shares[d] * shares[d];
    const spread =
      "share" in rule
        ? Math.sqrt((Math.log(2 / ALPHA) * sq) / (2 * R))
        : 2 * shares[rule.exceptTop] * hoeffdingHalfWidth(R, ALPHA);
    const expected = (subscribedMailShare(rule, domains, zipf) * k) / N;
    const observed = rejected / messages;
    expect(Math.abs(observed - expected), `${rejected}/${messages} = ${observed} vs ${expected}`).toBeLessThanOrEqual(
      given + (spread * k) / N,
    );
  });
});
