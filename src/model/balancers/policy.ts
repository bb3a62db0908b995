// What a balancer policy is beyond its picks (DESIGN §2, "Balancer policies"): the defaults a
// sweep switching to it fills in, its time scale for `advise`, and its words for the report. Each
// policy's file exports one of these beside its Balancer (with its closed form, if any), so sweeps, advise and the story ask the
// policy instead of switching on its name. Formatting stays at the edge: the report passes its
// formatters in.
import type { Balancer as BalancerSpec, Policy as PolicyName } from "../../scenario/schema.js";
import type { Balancer, BalancerReads, PoolView } from "./balancer.js";

export type { PolicyName };
/** The normalised `pool.balancer` of one policy. */
export type SpecOf<P extends PolicyName> = Extract<BalancerSpec, { policy: P }>;

/** The report's duration formatters, handed to a policy's words. */
export interface ProseFormat {
  /** "10 min", "2 h": round values stay round. */
  roundDuration(seconds: number): string;
  /** "10 minutes", or as an adjective "10-minute". */
  durationWords(seconds: number, adjective?: boolean): string;
}

/** A policy's own time scale: where its resend-failure curve bends (advise-grid.ts). */
export interface PolicyTimeScale {
  kind: "timer-period" | "dns-ttl" | "listing-duration";
  seconds: number;
}

/** A closed-form resend-failure curve: P(resend rejected | it follows a rejection) at delay d seconds. */
export interface ClosedForm {
  /** Which formula, in words, for the legend and the report. */
  label: string;
  at: (d: number) => number;
  /** Delays (seconds) where the curve bends; it is linear in between. */
  kinks: (lo: number, hi: number) => number[];
}

/**
 * The static listing DESIGN §5's formulas assume: `listed` of the `servers` relays listed from
 * the start, forever, on a single 5xx list (the listed relays' indices when the scenario names them).
 */
export interface StaticListing {
  servers: number;
  listed: number;
  indices: readonly number[] | null;
}

export interface BalancerPolicy<P extends PolicyName = PolicyName> {
  readonly name: P;
  /** What the balancer reads of the pool (its class's declaration). */
  readonly reads: BalancerReads;
  create(spec: SpecOf<P>, pool: PoolView): Balancer;
  /**
   * The fields it accepts, with the defaults a sweep over pool.balancer.policy fills in when
   * switching to it from a policy without them (undefined: accepted, no default).
   */
  readonly sweepDefaults: Readonly<Record<string, unknown>>;
  /**
   * Its time scale, or null for a policy that picks afresh at each attempt. `listingDuration`
   * gives how long a listing of the scenario lasts (null when listings never end).
   */
  timeScale(spec: SpecOf<P>, listingDuration: () => number | null): PolicyTimeScale | null;
  /** Its DESIGN §5 closed form for the resend failure under a static listing, or null when it has none. */
  closedForm(spec: SpecOf<P>, listing: StaticListing): ClosedForm | null;
  /** The policy as words in the story's first sentence ("timer balancing with a 10-minute period …"). */
  words(spec: SpecOf<P>, format: ProseFormat): string;
}

/**
 * The `pool.balancer` field that holds a policy's own time scale (timer: "period", dns: "ttl"), or
 * null for a policy without one: the numeric sweep default that its timeScale reads back. Lets a
 * caller that has measured a time scale (sim calibrate's period) write it into a balancer, and
 * the web form show the field, without naming policies.
 */
export function timeScaleField(policy: BalancerPolicy): string | null {
  for (const [field, value] of Object.entries(policy.sweepDefaults)) {
    if (typeof value !== "number") continue;
    // A value no default has, so that a match is this field's and not another's.
    const probe = 2 * value + 1;
    const spec = { ...policy.sweepDefaults, policy: policy.name, [field]: probe } as SpecOf<PolicyName>;
    if (policy.timeScale(spec, () => null)?.seconds === probe) return field;
  }
  return null;
}
