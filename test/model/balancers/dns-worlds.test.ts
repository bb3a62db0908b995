// Every world of DnsWorlds picks what a DnsBalancer of its own picks: cached answers kept and
// expired, each world's pointer moved by its own resolutions, records pulled by the health check.
import { describe, expect, it } from "vitest";
import { DnsBalancer } from "../../../src/model/balancers/dns.js";
import { DnsWorlds } from "../../../src/model/balancers/dns-worlds.js";
import { expectWorldsPickAsBalancers } from "./worlds.js";

describe("DnsWorlds", () => {
  // Gaps around the TTL per sender, so that some attempts find their answer cached and some resolve.
  for (const [servers, ttl] of [
    [1, 300],
    [7, 300],
    [20, 50],
  ] as const) {
    it(`picks as a balancer per world does (${servers} relays, ${ttl} s TTL)`, () => {
      const compared = expectWorldsPickAsBalancers({
        servers,
        senders: 20,
        worlds: 5,
        gap: 10,
        attempts: 4000,
        together: (random, eligible) => new DnsWorlds(servers, 20, 5, random, ttl, eligible),
        apart: (pool) => new DnsBalancer(pool, ttl),
      });
      expect(compared).toBeGreaterThan(15_000);
    });
  }
});
