// Each policy's module states what it is: its name, what it reads, sweep defaults the schema
// accepts, its time scale and its words.
import { describe, expect, it } from "vitest";
import * as stickTable from "../../../src/analytic/stick-table.js";
import { parseScenario } from "../../../src/scenario/load.js";
import { policyNamed, policyOf } from "../../../src/scenario/policies/index.js";
import { POLICIES } from "../../../src/scenario/schema.js";

const format = { roundDuration: (s: number) => `${s}s`, durationWords: (s: number) => `${s}-second` };

function scenarioWith(balancer: Record<string, unknown>) {
  return parseScenario({
    name: "p",
    horizon: "1h",
    pool: { servers: 4, balancer },
    blacklists: [{ name: "a", subscribers: 0.5 }],
    listed: [{ servers: 1, on: ["a"], until: "20m" }],
    recipients: { domains: 10, zipf: 1 },
    traffic: { senders: 5, rate: "10/h" },
  });
}

describe("balancer policies", () => {
  it("has one module per schema policy, found by name, none for other names", () => {
    for (const name of POLICIES) expect(policyNamed(name)?.name).toBe(name);
    expect(policyNamed("weighted-lottery")).toBeUndefined();
    expect(policyNamed("toString")).toBeUndefined();
  });

  it("fills sweep defaults the schema accepts, and states a time scale and words for them", () => {
    const scales: Record<string, unknown> = {};
    for (const name of POLICIES) {
      const defaults = Object.fromEntries(
        Object.entries(policyNamed(name)?.sweepDefaults ?? {}).filter(([, v]) => v !== undefined),
      );
      const s = scenarioWith({ policy: name, ...defaults });
      const policy = policyOf(s.pool.balancer);
      expect(policy.name).toBe(name);
      expect(policy.words(s.pool.balancer, format)).toMatch(/balancing|DNS round-robin|stick table/);
      scales[name] = policy.timeScale(s.pool.balancer, () => 1200);
    }
    expect(scales).toEqual({
      random: null,
      "round-robin": null,
      timer: { kind: "timer-period", seconds: 600 },
      sticky: { kind: "listing-duration", seconds: 1200 },
      dns: { kind: "dns-ttl", seconds: 300 },
      "least-connections": null,
      "stick-table": { kind: "stick-expire", seconds: 1800 },
    });
  });

  it("says what the timer mechanisms do to a resend", () => {
    const words = (b: Record<string, unknown>) => {
      const spec = scenarioWith(b).pool.balancer;
      return policyOf(spec).words(spec, format);
    };
    expect(words({ policy: "stick-table", expire: "30m" })).toMatch(
      /stick table .* until it has sent nothing for 1800s .* a resend gets a new relay only after more than 1800s/,
    );
    expect(words({ policy: "round-robin", resetAfterIdle: "10m" })).toMatch(
      /starts over from the same relay after 600s/,
    );
    expect(words({ policy: "round-robin" })).toBe("round-robin balancing");
    expect(words({ policy: "dns", resolvers: 2, recordsPerAnswer: 2 })).toMatch(
      /2 shared resolvers .* 2 addresses per answer \(a client skips a relay taken out of service/,
    );
    expect(words({ policy: "dns" })).toBe("DNS round-robin with a 300s TTL");
  });

  it("gives sticky no time scale when listings never end", () => {
    const s = scenarioWith({ policy: "sticky" });
    expect(policyOf(s.pool.balancer).timeScale(s.pool.balancer, () => null)).toBeNull();
  });
});

describe("closed forms", () => {
  const listing = { servers: 4, listed: 1, indices: null };

  it("belong to random (unweighted), sticky and timer only without the traffic", () => {
    const has = Object.fromEntries(
      POLICIES.map((name) => {
        const defaults = Object.fromEntries(
          Object.entries(policyNamed(name)?.sweepDefaults ?? {}).filter(([, v]) => v !== undefined),
        );
        const b = scenarioWith({ policy: name, ...defaults }).pool.balancer;
        return [name, policyOf(b).closedForm(b, listing) !== null];
      }),
    );
    expect(has).toEqual({
      random: true,
      "round-robin": false,
      timer: true,
      sticky: true,
      dns: false,
      "least-connections": false,
      "stick-table": false,
    });
    const weighted = scenarioWith({ policy: "random", weights: [1, 2, 1, 1] }).pool.balancer;
    expect(policyOf(weighted).closedForm(weighted, listing)).toBeNull();
  });

  it("gives random k/N at every delay and bends a timer's curve at multiples of its period", () => {
    const random = scenarioWith({ policy: "random" }).pool.balancer;
    expect(policyOf(random).closedForm(random, listing)?.at(123)).toBeCloseTo(0.25, 12);
    const timer = scenarioWith({ policy: "timer", period: "10m" }).pool.balancer;
    expect(policyOf(timer).closedForm(timer, listing)?.kinks(0, 1800)).toEqual([0, 600, 1200, 1800]);
  });

  it("gives stick-table one when the traffic is known: the pin until `expire`, refreshed by mail and resends", () => {
    const b = scenarioWith({ policy: "stick-table", expire: "30m" }).pool.balancer;
    const traffic = { senderRate: 20 / 86_400, subscribers: 0.3, resendProbability: 0.5, maxAttempts: 3 };
    const form = policyOf(b).closedForm(b, { ...listing, traffic });
    expect(form?.at(1799)).toBe(1);
    // A pinned sender's attempts: its mail, plus a share 0.3 of it resent 0.5 + 0.25 times.
    const rate = (20 / 86_400) * (1 + 0.3 * 0.75);
    expect(form?.at(2400)).toBeCloseTo(stickTable.resendFailure(4, 1, rate, 1800, 2400), 12);
    expect(form?.kinks(0, 3600)).toEqual([1800 * (1 - 1e-9), 1800]);
  });
});
