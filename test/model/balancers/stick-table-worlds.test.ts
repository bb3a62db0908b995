// Every world of StickTableWorlds picks what a StickTableBalancer over a RoundRobinBalancer of its
// own picks: entries kept, refreshed and expired, each world's dispatch pointer moved by its own
// dispatches, pins on excluded relays re-dispatched.
import { describe, expect, it } from "vitest";
import { RoundRobinBalancer } from "../../../src/model/balancers/round-robin.js";
import { StickTableBalancer } from "../../../src/model/balancers/stick-table.js";
import { StickTableWorlds } from "../../../src/model/balancers/stick-table-worlds.js";
import { expectWorldsPickAsBalancers } from "./worlds.js";

describe("StickTableWorlds", () => {
  // Gaps around the expiry per sender, so that some attempts find a live entry and some dispatch.
  for (const [servers, expire] of [
    [1, 300],
    [7, 300],
    [20, 100],
  ] as const) {
    it(`picks as a balancer per world does (${servers} relays, ${expire} s expiry)`, () => {
      const compared = expectWorldsPickAsBalancers({
        servers,
        senders: 20,
        worlds: 5,
        gap: 10,
        attempts: 4000,
        together: (random, eligible) => new StickTableWorlds(servers, 20, 5, random, expire, eligible),
        apart: (pool) => new StickTableBalancer(pool, expire, new RoundRobinBalancer(pool)),
      });
      expect(compared).toBeGreaterThan(15_000);
    });
  }
});
