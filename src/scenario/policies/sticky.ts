// `sticky`'s descriptor: no fields; a resend always meets the same relay (DESIGN §5).
// The balancer itself is ../sticky.ts.
import * as z from "zod";
import { resendFailure } from "../../analytic/sticky.js";
import { type BalancerPolicy, checkNothing } from "./policy.js";

const schema = z.strictObject({ policy: z.literal("sticky") });

export const stickyPolicy = {
  name: "sticky",
  schema,
  check: checkNothing,
  sweepDefaults: {},
  // A sticky sender's resend only escapes when the listing ends.
  timeScaleField: null,
  placementShapesCurve: () => false,
  // Each sender's relay is drawn uniformly.
  relaysAlike: () => true,
  timeScale: (_spec, listingDuration) => {
    const lasts = listingDuration();
    return lasts === null ? null : { kind: "listing-duration", seconds: lasts };
  },
  closedForm: (_spec, { servers: N, listed: k }) => ({
    label: "closed form: always the same relay",
    at: () => resendFailure(N, k),
    kinks: () => [],
  }),
  words: () => "sticky balancing (each sender always uses the same relay)",
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
