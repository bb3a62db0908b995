// Builds the balancer a scenario names. Adding a policy means a file in this folder,
// a case here and in POLICIES, and its entry in the scenario schema and the README.
import type { Balancer as BalancerSpec } from "../../scenario/schema.js";
import type { Balancer, BalancerReads, PoolView } from "./balancer.js";
import { DnsBalancer } from "./dns.js";
import { LeastConnectionsBalancer } from "./least-connections.js";
import { RandomBalancer } from "./random.js";
import { RoundRobinBalancer } from "./round-robin.js";
import { StickyBalancer } from "./sticky.js";
import { TimerBalancer } from "./timer.js";

export {
  anyEligible,
  type Balancer,
  type BalancerReads,
  nextEligible,
  type PoolView,
  READS_NOTHING,
} from "./balancer.js";

/** Each policy's class, for what it declares it reads. */
const POLICIES = {
  random: RandomBalancer,
  "round-robin": RoundRobinBalancer,
  timer: TimerBalancer,
  sticky: StickyBalancer,
  dns: DnsBalancer,
  "least-connections": LeastConnectionsBalancer,
} satisfies Record<BalancerSpec["policy"], { readonly reads: BalancerReads }>;

/** What the policy a scenario names reads of the pool (its class's declaration). */
export function balancerReads(spec: BalancerSpec): BalancerReads {
  return POLICIES[spec.policy].reads;
}

export function createBalancer(spec: BalancerSpec, pool: PoolView): Balancer {
  switch (spec.policy) {
    case "random":
      return new RandomBalancer(pool, spec.weights);
    case "round-robin":
      return new RoundRobinBalancer(pool, spec.weights);
    case "timer":
      return new TimerBalancer(pool, spec);
    case "sticky":
      return new StickyBalancer(pool);
    case "dns":
      return new DnsBalancer(pool, spec.ttl);
    case "least-connections":
      return new LeastConnectionsBalancer(pool);
  }
}
