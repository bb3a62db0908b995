// The balancer policies by name: each policy's file holds its Balancer and its BalancerPolicy
// (what it reads, its sweep defaults, time scale and words). Adding a policy means a file in this
// folder, its entry in POLICIES, and its entry in the scenario schema and the README.
import type { Balancer as BalancerSpec } from "../../scenario/schema.js";
import type { Balancer, BalancerReads, PoolView } from "./balancer.js";
import { dnsPolicy } from "./dns.js";
import { leastConnectionsPolicy } from "./least-connections.js";
import type { BalancerPolicy, PolicyName } from "./policy.js";
import { randomPolicy } from "./random.js";
import { roundRobinPolicy } from "./round-robin.js";
import { stickyPolicy } from "./sticky.js";
import { timerPolicy } from "./timer.js";

export {
  anyEligible,
  type Balancer,
  type BalancerReads,
  nextEligible,
  type PoolView,
  READS_NOTHING,
} from "./balancer.js";
export type {
  BalancerPolicy,
  ClosedForm,
  PolicyName,
  PolicyTimeScale,
  ProseFormat,
  SpecOf,
  StaticListing,
} from "./policy.js";

const POLICIES: { readonly [P in PolicyName]: BalancerPolicy<P> } = {
  random: randomPolicy,
  "round-robin": roundRobinPolicy,
  timer: timerPolicy,
  sticky: stickyPolicy,
  dns: dnsPolicy,
  "least-connections": leastConnectionsPolicy,
};

/** The policy a name stands for, or undefined for a name that is none. */
export function policyNamed(name: string): BalancerPolicy | undefined {
  return Object.hasOwn(POLICIES, name) ? (POLICIES[name as PolicyName] as BalancerPolicy) : undefined;
}

/** The policy of a normalised `pool.balancer`. */
export function policyOf(spec: BalancerSpec): BalancerPolicy {
  return POLICIES[spec.policy] as BalancerPolicy;
}

export function createBalancer(spec: BalancerSpec, pool: PoolView): Balancer {
  return policyOf(spec).create(spec, pool);
}

/** What the policy a scenario names reads of the pool (its class's declaration). */
export function balancerReads(spec: BalancerSpec): BalancerReads {
  return policyOf(spec).reads;
}
