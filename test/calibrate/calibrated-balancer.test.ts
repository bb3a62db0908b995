// The calibrated scenario's pool.balancer: the detected period goes into the policy's own field,
// found from the policy module (not a switch on "timer"/"dns" in calibrate/).
import { describe, expect, it } from "vitest";
import { calibratedBalancer } from "../../src/calibrate/estimate.js";
import { parseScenario } from "../../src/scenario/load.js";

describe("calibratedBalancer", () => {
  it("puts the period a log shows into the timer's period and the DNS TTL, rounded, at least 1 s", () => {
    expect(calibratedBalancer("timer", 612.4)).toEqual({ policy: "timer", period: 612 });
    expect(calibratedBalancer("timer", 612.4, "per-sender")).toEqual({
      policy: "timer",
      period: 612,
      phase: "per-sender",
    });
    expect(calibratedBalancer("dns", 0.2)).toEqual({ policy: "dns", ttl: 1 });
  });

  it("falls back to the policy's sweep default when the log shows no period", () => {
    expect(calibratedBalancer("timer", null)).toEqual({ policy: "timer", period: 600 });
    expect(calibratedBalancer("dns", null)).toEqual({ policy: "dns", ttl: 300 });
  });

  it("gives a policy without a time scale its name alone, which the schema accepts", () => {
    for (const policy of ["random", "round-robin", "sticky"]) {
      const balancer = calibratedBalancer(policy, 900);
      expect(balancer).toEqual({ policy });
      const scenario = parseScenario({
        name: "x",
        pool: { servers: 3, balancer },
        traffic: { senders: 1, rate: "1/d" },
      });
      expect(scenario.pool.balancer.policy).toBe(policy);
    }
  });
});
