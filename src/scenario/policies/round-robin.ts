// `round-robin`'s descriptor: optional weights, and optionally KumoMTA's reset of the rotation
// after an idle spell (`resetAfterIdle`, about 10 minutes in KumoMTA). The balancer itself is
// ../round-robin.ts.
import * as z from "zod";
import { positiveDuration, weights } from "../fields.js";
import { type BalancerPolicy, checkWeights } from "./policy.js";

const schema = z.strictObject({
  policy: z.literal("round-robin"),
  weights: weights.optional(),
  resetAfterIdle: positiveDuration.optional().meta({
    description:
      "start the rotation over (from the same relay) after this long without a pick, as KumoMTA's egress pools do after about 10 minutes idle",
  }),
});

export const roundRobinPolicy = {
  name: "round-robin",
  schema,
  check: (spec, pool, issue) => checkWeights(spec.weights, pool, issue),
  sweepDefaults: { weights: undefined, resetAfterIdle: undefined },
  timeScaleField: null,
  placementShapesCurve: () => true,
  relaysAlike: () => false,
  timeScale: () => null,
  closedForm: () => null,
  words: (spec, format) => {
    const kind = spec.weights ? "weighted round-robin balancing" : "round-robin balancing";
    if (spec.resetAfterIdle === undefined) return kind;
    const idle = format.roundDuration(spec.resetAfterIdle);
    return `${kind} that starts over from the same relay after ${idle} without mail (as KumoMTA's egress pools do): in a quiet pool that relay carries the most mail, and a resend after a quiet spell goes back to it`;
  },
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
