// The balancer policies' descriptors by name (policy.ts): the scenario schema composes its
// `pool.balancer` union from their fragments, and sweeps, advise and the story ask them. Adding
// a policy means its descriptor here, its Balancer class in ../ (bound in ../index.ts), and its
// lines in the README and docs/DESIGN.md §2.
import type * as z from "zod";
import { dnsPolicy } from "./dns.js";
import { leastConnectionsPolicy } from "./least-connections.js";
import type { BalancerIssue, BalancerPolicy, PolicySpec, PoolSize } from "./policy.js";
import { randomPolicy } from "./random.js";
import { roundRobinPolicy } from "./round-robin.js";
import { stickTablePolicy } from "./stick-table.js";
import { stickyPolicy } from "./sticky.js";
import { timerPolicy } from "./timer.js";

/** The policies in the order the schema, its error messages and the README list them. */
const DESCRIPTORS = [
  randomPolicy,
  roundRobinPolicy,
  timerPolicy,
  stickyPolicy,
  dnsPolicy,
  leastConnectionsPolicy,
  stickTablePolicy,
] as const;

/** Each policy's fragment of `pool.balancer`, for z.discriminatedUnion on `policy`. */
export const BALANCER_SCHEMAS = DESCRIPTORS.map((p) => p.schema) as unknown as SchemasOf<typeof DESCRIPTORS>;

/** The policies' names, in registry order. */
export const POLICY_NAMES = DESCRIPTORS.map((p) => p.name) as unknown as NamesOf<typeof DESCRIPTORS>;

/** The tuple of the descriptors' schemas. */
type SchemasOf<T extends readonly unknown[]> = {
  readonly [I in keyof T]: T[I] extends { schema: infer S } ? S : never;
};
/** The tuple of the descriptors' literal names. */
type NamesOf<T extends readonly unknown[]> = { readonly [I in keyof T]: T[I] extends { name: infer N } ? N : never };

/** A balancer policy's name. */
export type PolicyName = (typeof POLICY_NAMES)[number];
/** A normalised `pool.balancer`, one shape per policy. */
export type BalancerSpec = z.output<(typeof BALANCER_SCHEMAS)[number]>;
/** The normalised `pool.balancer` of one policy. */
export type SpecOf<P extends PolicyName> = Extract<BalancerSpec, { policy: P }>;

const BY_NAME = new Map<string, BalancerPolicy>(DESCRIPTORS.map((p) => [p.name, p as unknown as BalancerPolicy]));

/** The descriptor a name stands for, or undefined for a name that is none. */
export function policyNamed(name: string): BalancerPolicy | undefined {
  return BY_NAME.get(name);
}

/** The descriptor of a normalised `pool.balancer`. */
export function policyOf(spec: PolicySpec): BalancerPolicy {
  return BY_NAME.get(spec.policy) as BalancerPolicy;
}

/** The policy's own checks of a normalised `pool.balancer` against the pool (called by the schema). */
export function checkBalancer(spec: PolicySpec, pool: PoolSize, issue: BalancerIssue): void {
  policyOf(spec).check(spec, pool, issue);
}
