// timeScaleField: the balancer field holding a policy's own time scale, declared by the policy
// module rather than found by a switch on the policy's name; timeScale must read it back.
import { describe, expect, it } from "vitest";
import { policyNamed } from "../../../src/scenario/policies/index.js";
import type { BalancerPolicy } from "../../../src/scenario/policies/policy.js";
import { POLICIES } from "../../../src/scenario/schema.js";

const field = (name: string) => (policyNamed(name) as BalancerPolicy).timeScaleField;

describe("timeScaleField", () => {
  it("names the timer's period and the DNS TTL", () => {
    expect(field("timer")).toBe("period");
    expect(field("dns")).toBe("ttl");
    expect(field("stick-table")).toBe("expire");
  });

  it("is null for the policies that pick afresh or stay put", () => {
    for (const name of ["random", "round-robin", "sticky", "least-connections"]) expect(field(name)).toBeNull();
  });

  it("names, for every policy, a field whose value timeScale reads back", () => {
    for (const name of POLICIES) {
      const policy = policyNamed(name) as BalancerPolicy;
      const f = policy.timeScaleField;
      if (f === null) continue;
      const spec = { ...policy.sweepDefaults, policy: name, [f]: 1234 } as Parameters<typeof policy.timeScale>[0];
      expect(policy.timeScale(spec, () => null)?.seconds).toBe(1234);
    }
  });
});
