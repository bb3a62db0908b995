// A fake PoolView for balancer tests: a seeded "balancer" stream, no model around it.
import { randomStream } from "../../../src/engine/random.js";
import type { PoolView } from "../../../src/model/balancers/balancer.js";
import { SessionCounts } from "../../../src/model/session-counts.js";

export function fakePool(servers: number, senders: number, seed = 1, replication = 0): PoolView {
  return {
    servers,
    senders,
    random: randomStream(seed, replication, "balancer"),
    sessions: new SessionCounts(servers),
    eligible: new Uint8Array(servers).fill(1),
  };
}
