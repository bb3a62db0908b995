// `dns` with shared resolvers and several records per answer: one lookup serves every sender
// behind a resolver for the TTL, and a client skips a record whose relay is out of service.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allRecordsExcluded, cachedShare, sameAnswer } from "../../../src/analytic/dns.js";
import { randomStream } from "../../../src/engine/random.js";
import { runReplication } from "../../../src/experiment/run.js";
import { DnsBalancer } from "../../../src/model/balancers/dns.js";
import { ResolverDnsBalancer } from "../../../src/model/balancers/dns-resolvers.js";
import { CompiledScenario } from "../../../src/model/replication.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { ScenarioInput } from "../../../src/scenario/schema.js";
import { expectProportion } from "../../helpers/stats.js";
import { fakePool } from "./pool.js";

describe("ResolverDnsBalancer", () => {
  it("serves every sender behind a resolver the answer one of them resolved, for the TTL", () => {
    const b = new ResolverDnsBalancer(fakePool(5, 6, 1), { ttl: 300, resolvers: 2, records: 1 });
    const even = b.pick(0, 0);
    const odd = b.pick(1, 10);
    expect(odd).toBe((even + 1) % 5);
    // Senders 2 and 4 ask resolver 0, 3 and 5 resolver 1: cached answers, no new resolution.
    expect([b.pick(2, 100), b.pick(4, 299), b.pick(3, 200), b.pick(5, 309)]).toEqual([even, even, odd, odd]);
    // Resolver 0's answer expires at 300; the next lookup takes the pointer's next server.
    expect(b.pick(4, 300)).toBe((even + 2) % 5);
  });

  it("answers with consecutive records and lets the client skip a relay out of service", () => {
    const pool = fakePool(5, 1, 2);
    const b = new ResolverDnsBalancer(pool, { ttl: 600, resolvers: 1, records: 3 });
    const first = b.pick(0, 0);
    pool.eligible[first] = 0;
    b.eligibilityChanged();
    expect(b.pick(0, 10)).toBe((first + 1) % 5);
    pool.eligible[(first + 1) % 5] = 0;
    b.eligibilityChanged();
    expect(b.pick(0, 20)).toBe((first + 2) % 5);
    // Every record of the cached answer out of service: the client still uses the first.
    pool.eligible[(first + 2) % 5] = 0;
    b.eligibilityChanged();
    expect(b.pick(0, 30)).toBe(first);
    // After the TTL the answer holds only published records.
    expect(b.pick(0, 600)).toBe((first + 3) % 5);
  });

  it("is DnsBalancer exactly with a resolver per sender and one record", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 400, noNaN: true })), {
          maxLength: 80,
        }),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 10_000 }),
        (steps, toggles, seed) => {
          const a = fakePool(6, 5, seed);
          const b = fakePool(6, 5, seed);
          const plain = new DnsBalancer(a, 300);
          const general = new ResolverDnsBalancer(b, { ttl: 300, resolvers: 5, records: 1 });
          let time = 0;
          for (let i = 0; i < steps.length; i++) {
            const [sender, gap] = steps[i];
            time += gap;
            if (i < toggles.length && i % 3 === 0) {
              a.eligible[toggles[i]] ^= 1;
              b.eligible[toggles[i]] = a.eligible[toggles[i]];
              plain.eligibilityChanged();
              general.eligibilityChanged();
            }
            if (plain.pick(sender, time) !== general.pick(sender, time)) return false;
          }
          return true;
        },
      ),
      { seed: 21, numRuns: 300 },
    );
  });

  it("reaches an excluded relay only when every record of a cached answer is excluded", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
        (N, k0, seed, mask) => {
          const k = Math.min(k0, N);
          const pool = fakePool(N, N, seed);
          const b = new ResolverDnsBalancer(pool, { ttl: 1e6, resolvers: N, records: k });
          const answers = Array.from({ length: N }, (_, s) => b.pick(s, 0));
          for (let v = 0; v < N; v++) pool.eligible[v] = mask[v] ? 0 : 1;
          b.eligibilityChanged();
          const anyUp = pool.eligible.some((e) => e === 1);
          for (let s = 0; s < N; s++) {
            const got = b.pick(s, 1);
            const records = Array.from({ length: k }, (_, i) => (answers[s] + i) % N);
            const up = records.filter((v) => pool.eligible[v] === 1);
            if (got !== (anyUp && up.length > 0 ? up[0] : records[0])) return false;
          }
          return true;
        },
      ),
      { seed: 22, numRuns: 300 },
    );
  });

  it("reuses a shared answer d seconds later as often as the renewal closed form says", () => {
    // One resolver; background queries at Poisson rate Λ; a probe pair at T0 and T0 + d. With one
    // resolver a new lookup names the next relay, so the probes agree exactly when they share
    // the answer: 1 − c·d/ttl, c = Λ·ttl / (1 + Λ·ttl).
    const ttl = 300;
    const rate = 1 / 200;
    const random = randomStream(31, 0, "test.dns-resolvers");
    for (const d of [60, 150, 280]) {
      const trials = 20_000;
      let same = 0;
      for (let i = 0; i < trials; i++) {
        const b = new ResolverDnsBalancer(fakePool(7, 2, i + 1), { ttl, resolvers: 1, records: 1 });
        const T0 = 10 * ttl;
        let t = -Math.log(1 - random.next()) / rate;
        for (; t < T0; t += -Math.log(1 - random.next()) / rate) b.pick(0, t);
        const first = b.pick(1, T0);
        for (; t < T0 + d; t += -Math.log(1 - random.next()) / rate) b.pick(0, t);
        if (b.pick(1, T0 + d) === first) same++;
      }
      expectProportion(same, trials, sameAnswer(rate, ttl, d), `same relay after ${d} s`);
    }
  });
});

describe("dns closed forms", () => {
  it("caches a share Λttl/(1 + Λttl) and loses an answer linearly within the TTL", () => {
    expect(cachedShare(1 / 300, 300)).toBeCloseTo(0.5, 12);
    expect(sameAnswer(1 / 300, 300, 150)).toBeCloseTo(0.75, 12);
    expect(sameAnswer(0, 300, 299)).toBe(1);
    expect(sameAnswer(1, 300, 300)).toBe(0);
  });

  it("gives (m)_k/(N)_k for an answer of k consecutive records, the mean over every placement", () => {
    // Enumerate every set of m excluded relays among N and count the windows of k consecutive
    // relays (wrapping) that lie wholly inside it: the share of answers with nowhere to fall back.
    for (const [N, m, k] of [
      [6, 2, 1],
      [6, 3, 2],
      [7, 4, 3],
      [5, 5, 2],
      [5, 1, 2],
    ]) {
      let windows = 0;
      let sets = 0;
      for (let mask = 0; mask < 1 << N; mask++) {
        let bits = 0;
        for (let v = 0; v < N; v++) bits += (mask >> v) & 1;
        if (bits !== m) continue;
        sets++;
        for (let start = 0; start < N; start++) {
          let inside = true;
          for (let i = 0; i < k; i++) if (((mask >> ((start + i) % N)) & 1) === 0) inside = false;
          if (inside) windows++;
        }
      }
      expect(windows / (sets * N)).toBeCloseTo(allRecordsExcluded(N, m, k), 12);
    }
  });
});

function scenarioWith(balancer: ScenarioInput["pool"]["balancer"], check = true): ScenarioInput {
  return {
    name: "dns-resolvers",
    horizon: "2d",
    pool: { servers: 10, balancer, sessionTime: "2s", avoidListed: check ? { checkEvery: "20m" } : null },
    blacklists: [{ name: "spamcop", subscribers: 0.5 }],
    listed: [{ servers: 3, on: ["spamcop"], from: "6h", until: "30h" }],
    recipients: { domains: 200, zipf: 1 },
    traffic: { senders: 40, rate: "40/d" },
    resend: { after: { uniform: ["1m", "20m"] }, maxAttempts: 3 },
  };
}

function run(balancer: ScenarioInput["pool"]["balancer"], check = true) {
  return runReplication(new CompiledScenario(parseScenario(scenarioWith(balancer, check))), 4, 0);
}

describe("dns resolvers and records in the model", () => {
  it("keeps today's results with a resolver per sender and one record", () => {
    const plain = run({ policy: "dns", ttl: "10m" });
    const explicit = run({ policy: "dns", ttl: "10m", resolvers: 40, recordsPerAnswer: 1 });
    expect(explicit.counts).toEqual(plain.counts);
    expect(explicit.metrics).toEqual(plain.metrics);
  });

  it("without a health check, more records change nothing (the client only falls back off excluded relays)", () => {
    const one = run({ policy: "dns", ttl: "10m", resolvers: 4 }, false);
    const three = run({ policy: "dns", ttl: "10m", resolvers: 4, recordsPerAnswer: 3 }, false);
    expect(three.counts).toEqual(one.counts);
  });

  it("with the health check, fallback rejects fewer attempts than one record does", () => {
    // Summed over 20 replications: in one, only the few messages sent in the TTL after the check
    // excludes a relay can meet it (about 1.7 first rejections expected with one record, none at
    // all in 18 % of replications), so a single replication could tie at 0.
    const total = (balancer: ScenarioInput["pool"]["balancer"]) => {
      let retried = 0;
      let firstRejected = 0;
      for (let r = 0; r < 20; r++) {
        const { counts } = runReplication(new CompiledScenario(parseScenario(scenarioWith(balancer))), 4, r);
        retried += counts.attempts - counts.messages;
        firstRejected += counts.firstRejected;
      }
      return { retried, firstRejected };
    };
    const one = total({ policy: "dns", ttl: "10m", resolvers: 4 });
    const three = total({ policy: "dns", ttl: "10m", resolvers: 4, recordsPerAnswer: 3 });
    expect(three.retried).toBeLessThanOrEqual(one.retried);
    expect(three.firstRejected).toBeLessThan(one.firstRejected);
  });
});

describe("dns options in the schema", () => {
  it("refuses more resolvers than senders and more records than relays", () => {
    expect(() => parseScenario(scenarioWith({ policy: "dns", resolvers: 41 }))).toThrow(
      /pool\.balancer\.resolvers: expected at most 40 \(the number of senders\)/,
    );
    expect(() => parseScenario(scenarioWith({ policy: "dns", recordsPerAnswer: 11 }))).toThrow(
      /pool\.balancer\.recordsPerAnswer: expected at most 10 \(the pool's size\)/,
    );
  });
});
