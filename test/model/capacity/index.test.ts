// The capacity regime is chosen by what the balancer declares it reads, not by its name.
import { describe, expect, it } from "vitest";
import { balancerReads } from "../../../src/model/balancers/index.js";
import { Channels } from "../../../src/model/capacity/channels.js";
import { chooseCapacityRegime } from "../../../src/model/capacity/index.js";
import { TrackedSessions } from "../../../src/model/capacity/tracked-sessions.js";
import { UnlimitedCapacity } from "../../../src/model/capacity/unlimited.js";
import { CompiledScenario } from "../../../src/model/compiled.js";
import { parseScenario } from "../../../src/scenario/load.js";

describe("chooseCapacityRegime", () => {
  it("tracks sessions for any balancer that declares it reads them, with or without a capacity", () => {
    expect(chooseCapacityRegime(4, { sessions: true, picksKeepState: false })).toBe(TrackedSessions);
    expect(chooseCapacityRegime(null, { sessions: true, picksKeepState: false })).toBe(TrackedSessions);
  });

  it("uses channels with a capacity and unlimited sessions without one otherwise", () => {
    expect(chooseCapacityRegime(4, { sessions: false, picksKeepState: false })).toBe(Channels);
    expect(chooseCapacityRegime(null, { sessions: false, picksKeepState: false })).toBe(UnlimitedCapacity);
  });

  it("reads each policy's declaration: only least-connections reads the sessions", () => {
    for (const policy of ["random", "round-robin", "sticky"] as const) {
      expect(balancerReads({ policy } as never).sessions).toBe(false);
    }
    expect(balancerReads({ policy: "least-connections" } as never).sessions).toBe(true);
  });

  it("is fixed when the scenario is compiled", () => {
    const input = {
      name: "c",
      horizon: "1h",
      pool: { servers: 3, balancer: { policy: "least-connections" }, capacity: 2, sessionTime: "2s" },
      recipients: { domains: 10, zipf: 1 },
      traffic: { senders: 5, rate: "10/h" },
    };
    expect(new CompiledScenario(parseScenario(input)).capacityRegime).toBe(TrackedSessions);
    const random = { ...input, pool: { ...input.pool, balancer: { policy: "random" } } };
    expect(new CompiledScenario(parseScenario(random)).capacityRegime).toBe(Channels);
  });
});
