// What a balancer policy is beyond its picks (DESIGN §2, "Balancer policies"): its fragment of the
// scenario schema with its defaults, the checks it makes against the rest of the scenario, the
// defaults a sweep switching to it fills in, its time scale for `advise`, its closed form and its
// words for the report. Each policy's descriptor (policies/) exports one of these, so the schema,
// sweeps, advise and the story ask the policy instead of switching on its name; the Balancer that
// picks is a class of its own (one file per policy beside this one), bound to the descriptor by
// name in index.ts, so the scenario format does not pull the model in. Formatting stays at the
// edge: the report passes its formatters in.
import type * as z from "zod";

/** What every normalised `pool.balancer` has: the name of its policy. */
export interface PolicySpec {
  readonly policy: string;
}

/** The report's duration formatters, handed to a policy's words. */
export interface ProseFormat {
  /** "10 min", "2 h": round values stay round. */
  roundDuration(seconds: number): string;
  /** "10 minutes", or as an adjective "10-minute". */
  durationWords(seconds: number, adjective?: boolean): string;
}

/** A policy's own time scale: where its resend-failure curve bends (advise-grid.ts). */
export interface PolicyTimeScale {
  kind: "timer-period" | "dns-ttl" | "listing-duration" | "stick-expire";
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
  /** How senders send and resend, for forms that depend on it (absent: such forms give null). */
  traffic?: ListingTraffic;
}

/** The traffic a closed form may depend on (DESIGN §1 `traffic`, `resend`, the list's subscribers). */
export interface ListingTraffic {
  /** Each sender's new messages per second (traffic.rate). */
  senderRate: number;
  /** The share of domains that consult the list (p). */
  subscribers: number;
  resendProbability: number;
  /** Submissions per message at most (the first send and the user resends). */
  maxAttempts: number;
}

/** What a policy's check may compare its fields with. */
export interface PoolSize {
  servers: number;
  senders: number;
}

/** Reports a problem at a path under `pool.balancer`. */
export type BalancerIssue = (path: (string | number)[], message: string, input: unknown) => void;

export interface BalancerPolicy<S extends PolicySpec = PolicySpec> {
  readonly name: S["policy"];
  /** Its fragment of the scenario schema (a strict object whose `policy` is the name), defaults filled. */
  readonly schema: z.ZodType<S>;
  /** Checks of its fields against the pool the schema cannot make alone (weights, one per server). */
  check(spec: S, pool: PoolSize, issue: BalancerIssue): void;
  /**
   * The fields it accepts, with the defaults a sweep over pool.balancer.policy fills in when
   * switching to it from a policy without them (undefined: accepted, no default).
   */
  readonly sweepDefaults: Readonly<Record<string, unknown>>;
  /**
   * Its time scale, or null for a policy that picks afresh at each attempt. `listingDuration`
   * gives how long a listing of the scenario lasts (null when listings never end).
   */
  timeScale(spec: S, listingDuration: () => number | null): PolicyTimeScale | null;
  /**
   * The `pool.balancer` field that holds that time scale (timer: "period", dns: "ttl"), or null:
   * where a caller that has measured a time scale (sim calibrate's period) writes it.
   */
  readonly timeScaleField: string | null;
  /**
   * Whether where the listed relays sit in the pool's order shapes its resend-failure curve (a
   * timer's rotation, round-robin's turn): then most of a curve's spread between replications is
   * which relays are listed, and advise runs each replication over every placement class
   * (experiment/placement-worlds.ts) instead of one drawn placement.
   */
  placementShapesCurve(spec: S): boolean;
  /**
   * Whether it treats every relay alike: relabelling the relays leaves every pick's distribution
   * as it was (no weights, no order among them — a rotation, records answered in turn, a shared
   * round-robin pointer, a fallback to the next index). Then where drawn listed relays fall cannot
   * change a replication's numbers (experiment/placement-worlds.ts, placementVaries).
   */
  relaysAlike(spec: S): boolean;
  /** Its DESIGN §5 closed form for the resend failure under a static listing, or null when it has none. */
  closedForm(spec: S, listing: StaticListing): ClosedForm | null;
  /** The policy as words in the story's first sentence ("timer balancing with a 10-minute period …"). */
  words(spec: S, format: ProseFormat): string;
}

/** The check of a policy without cross-field constraints. */
export function checkNothing(): void {}

/** Optional `weights`: one per server, at least one positive (DESIGN §2, `random`, `round-robin`). */
export function checkWeights(
  weights: readonly number[] | undefined,
  { servers }: PoolSize,
  issue: BalancerIssue,
): void {
  if (!weights) return;
  if (weights.length !== servers) {
    issue(["weights"], `expected ${servers} weights, one per server`, weights);
  } else if (!weights.some((x) => x > 0)) {
    issue(["weights"], "expected at least one positive weight", weights);
  }
}
