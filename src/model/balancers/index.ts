// The balancer policies by name: each policy's descriptor (scenario/policies/: its schema fragment,
// defaults, closed form, time scale and words) and its Balancer class (one file per policy here),
// bound together below. Adding a policy means its descriptor, its class, its line in BALANCERS,
// and its lines in the README and docs/DESIGN.md §2.

import type { PolicyName, SpecOf } from "../../scenario/policies/index.js";
import type { Balancer, BalancerReads, BalancerWorlds, PoolView, WorldsView } from "./balancer.js";
import { DnsBalancer } from "./dns.js";
import { ResolverDnsBalancer } from "./dns-resolvers.js";
import { DnsWorlds } from "./dns-worlds.js";
import { LeastConnectionsBalancer } from "./least-connections.js";
import { LeastConnectionsWorlds } from "./least-connections-worlds.js";
import { RandomBalancer } from "./random.js";
import { IdleResetRoundRobin, RoundRobinBalancer } from "./round-robin.js";
import { RoundRobinWorlds } from "./round-robin-worlds.js";
import { StickTableBalancer } from "./stick-table.js";
import { StickTableWorlds } from "./stick-table-worlds.js";
import { StickyBalancer } from "./sticky.js";
import { TimerBalancer } from "./timer.js";

// Types only: the descriptors' values (policyNamed, policyOf) come from scenario/policies/index.js,
// whose zod schemas would otherwise load into every replication worker that imports this file.
export type { BalancerSpec, PolicyName, SpecOf } from "../../scenario/policies/index.js";
export type {
  BalancerPolicy,
  ClosedForm,
  ListingTraffic,
  PolicyTimeScale,
  ProseFormat,
  StaticListing,
} from "../../scenario/policies/policy.js";
export {
  anyEligible,
  type Balancer,
  type BalancerReads,
  type BalancerWorlds,
  nextEligible,
  type PoolView,
  READS_NOTHING,
} from "./balancer.js";

/** How a policy's Balancer is built, and what it reads of the pool (its class's declaration). */
interface BalancerClass<P extends PolicyName> {
  readonly reads: BalancerReads;
  create(spec: SpecOf<P>, pool: PoolView): Balancer;
  /** All shadow worlds' copies at once, where the policy keeps them so for this pool; null otherwise. */
  createWorlds?(spec: SpecOf<P>, view: WorldsView): BalancerWorlds | null;
}

const BALANCERS: { readonly [P in PolicyName]: BalancerClass<P> } = {
  random: { reads: RandomBalancer.reads, create: (spec, pool) => new RandomBalancer(pool, spec.weights) },
  "round-robin": {
    reads: RoundRobinBalancer.reads,
    // Chosen once: the plain rotation pays nothing for the idle reset it does not have.
    create: (spec, pool) =>
      spec.resetAfterIdle === undefined
        ? new RoundRobinBalancer(pool, spec.weights)
        : new IdleResetRoundRobin(pool, spec.resetAfterIdle, spec.weights),
    // Worlds together for the plain rotation; weighted or resetting ones keep a balancer per world.
    createWorlds: (spec, view) =>
      spec.weights === undefined && spec.resetAfterIdle === undefined
        ? new RoundRobinWorlds(view.servers, view.firstPicks.length, view.random, view.eligible)
        : null,
  },
  timer: { reads: TimerBalancer.reads, create: (spec, pool) => new TimerBalancer(pool, spec) },
  sticky: { reads: StickyBalancer.reads, create: (_spec, pool) => new StickyBalancer(pool) },
  dns: {
    reads: DnsBalancer.reads,
    // Chosen once: the default (a cache per sender, one record) keeps the plain balancer.
    create: (spec, pool) =>
      spec.resolvers === undefined && spec.recordsPerAnswer === undefined
        ? new DnsBalancer(pool, spec.ttl)
        : new ResolverDnsBalancer(pool, {
            ttl: spec.ttl,
            resolvers: spec.resolvers ?? pool.senders,
            records: spec.recordsPerAnswer ?? 1,
          }),
    createWorlds: (spec, view) =>
      spec.resolvers === undefined && spec.recordsPerAnswer === undefined
        ? new DnsWorlds(view.servers, view.senders, view.firstPicks.length, view.random, spec.ttl, view.eligible)
        : null,
  },
  "least-connections": {
    reads: LeastConnectionsBalancer.reads,
    create: (_spec, pool) => new LeastConnectionsBalancer(pool),
    createWorlds: (_spec, view) =>
      LeastConnectionsWorlds.fits(view.servers, view.fixedLength)
        ? new LeastConnectionsWorlds(view.servers, view.firstPicks, view.eligible)
        : null,
  },
  "stick-table": {
    reads: StickTableBalancer.reads,
    // The backend's `balance` is the round-robin or random policy itself, built on the same pool.
    create: (spec, pool) =>
      new StickTableBalancer(
        pool,
        spec.expire,
        spec.balance === "random" ? new RandomBalancer(pool) : new RoundRobinBalancer(pool),
      ),
    // Worlds together with round-robin dispatch; random dispatch draws, and keeps a balancer per world.
    createWorlds: (spec, view) =>
      spec.balance === "random"
        ? null
        : new StickTableWorlds(
            view.servers,
            view.senders,
            view.firstPicks.length,
            view.random,
            spec.expire,
            view.eligible,
          ),
  },
};

function balancerClass(spec: { policy: PolicyName }): BalancerClass<PolicyName> {
  return BALANCERS[spec.policy] as BalancerClass<PolicyName>;
}

/** The Balancer of a normalised `pool.balancer`. */
export function createBalancer(spec: SpecOf<PolicyName>, pool: PoolView): Balancer {
  return balancerClass(spec).create(spec, pool);
}

/** Every shadow world's copy of the balancer at once, where its policy keeps them so (BalancerWorlds); null otherwise. */
export function createBalancerWorlds(spec: SpecOf<PolicyName>, view: WorldsView): BalancerWorlds | null {
  return balancerClass(spec).createWorlds?.(spec, view) ?? null;
}

/** What the policy a scenario names reads of the pool (its class's declaration). */
export function balancerReads(spec: SpecOf<PolicyName>): BalancerReads {
  return balancerClass(spec).reads;
}
