// Every world of RoundRobinWorlds picks what a RoundRobinBalancer of its own picks: a shared
// position plus each world's offset, through resends, first attempts nobody reads and eligibility changes.
import { describe, expect, it } from "vitest";
import { RoundRobinBalancer } from "../../../src/model/balancers/round-robin.js";
import { RoundRobinWorlds } from "../../../src/model/balancers/round-robin-worlds.js";
import { expectWorldsPickAsBalancers } from "./worlds.js";

describe("RoundRobinWorlds", () => {
  for (const servers of [1, 2, 7, 20]) {
    it(`picks as a balancer per world does (${servers} relays)`, () => {
      const compared = expectWorldsPickAsBalancers({
        servers,
        senders: 30,
        worlds: 6,
        gap: 10,
        attempts: 4000,
        together: (random, eligible) => new RoundRobinWorlds(servers, 6, random, eligible),
        apart: (pool) => new RoundRobinBalancer(pool),
      });
      expect(compared).toBeGreaterThan(15_000);
    });
  }
});
