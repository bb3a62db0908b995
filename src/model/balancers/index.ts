// Builds the balancer a scenario names. Adding a policy means a file in this folder,
// a case here, and its entry in the scenario schema and the README.
import type { Balancer as BalancerSpec } from "../../scenario/schema.js";
import type { Balancer, PoolView } from "./balancer.js";
import { DnsBalancer } from "./dns.js";
import { LeastConnectionsBalancer } from "./least-connections.js";
import { RandomBalancer } from "./random.js";
import { RoundRobinBalancer } from "./round-robin.js";
import { StickyBalancer } from "./sticky.js";
import { TimerBalancer } from "./timer.js";

export { anyEligible, type Balancer, nextEligible, type PoolView } from "./balancer.js";

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
