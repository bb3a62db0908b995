// `stick-table`'s descriptor: HAProxy's `stick-table type ip size … expire <expire>` with
// `stick on src` (DOMAIN.md, "How pools pick"): how long an idle sender's pin lasts, and the
// backend's `balance` that pins a sender without one. HAProxy's own example for SMTP uses
// `expire 30m`, the default here; `balance` defaults to HAProxy's, roundrobin.
// The balancer itself is ../stick-table.ts.
import * as z from "zod";
import { resendFailure } from "../../analytic/stick-table.js";
import { positiveDuration } from "../fields.js";
import { type BalancerPolicy, checkNothing, type ListingTraffic } from "./policy.js";

const schema = z.strictObject({
  policy: z.literal("stick-table"),
  expire: positiveDuration.prefault("30m").meta({
    description: "how long a sender's entry lasts after its last use (HAProxy stick-table `expire`)",
  }),
  balance: z
    .enum(["roundrobin", "random"], { error: 'expected "roundrobin" or "random"' })
    .default("roundrobin")
    .meta({ description: "how a sender without a live entry is dispatched (HAProxy `balance`)" }),
});

/**
 * How often a sender pinned to a listed relay uses its entry: its new messages, plus the resends
 * of those rejected (a share p of them, each resent while the pin holds and so rejected again:
 * π + π² + … up to maxAttempts − 1 resends). A Poisson approximation of that stream.
 */
function refreshRate({ senderRate, subscribers, resendProbability, maxAttempts }: ListingTraffic): number {
  let resends = 0;
  for (let j = 1, pi = resendProbability; j < maxAttempts; j++, pi *= resendProbability) resends += pi;
  return senderRate * (1 + subscribers * resends);
}

export const stickTablePolicy = {
  name: "stick-table",
  schema,
  check: checkNothing,
  sweepDefaults: { expire: 1800, balance: "roundrobin" },
  // A resend escapes once the sender has been idle for `expire`.
  timeScaleField: "expire",
  placementShapesCurve: () => false,
  // A sender without a live entry is dispatched by `balance`: roundrobin steps to the next index.
  relaysAlike: (spec) => spec.balance === "random",
  timeScale: (spec) => ({ kind: "stick-expire", seconds: spec.expire }),
  closedForm: (spec, { servers: N, listed: k, traffic }) =>
    traffic === undefined
      ? null
      : {
          label: "closed form (stick table: the pin survives the sender's idle gaps, else a fresh pick)",
          at: (d) => resendFailure(N, k, refreshRate(traffic), spec.expire, d),
          // The curve drops at `expire` (an idle gap that long ends the pin) and bends beyond it.
          kinks: (lo, hi) => [spec.expire * (1 - 1e-9), spec.expire].filter((d) => lo <= d && d <= hi),
        },
  words: (spec, format) => {
    const dispatch = spec.balance === "random" ? "a random relay" : "the next relay in turn";
    const wait = format.roundDuration(spec.expire);
    return `an HAProxy stick table pinning each sender to its relay until it has sent nothing for ${wait} (then ${dispatch}): a resend gets a new relay only after more than ${wait} with no other mail from that sender`;
  },
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
