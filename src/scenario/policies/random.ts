// `random`'s descriptor: optional weights; its closed form k/N when unweighted (DESIGN §5).
// The balancer itself is ../random.ts.
import * as z from "zod";
import { resendFailure } from "../../analytic/random.js";
import { weights } from "../fields.js";
import { type BalancerPolicy, checkWeights } from "./policy.js";

const schema = z.strictObject({
  policy: z.literal("random"),
  weights: weights.optional(),
});

export const randomPolicy = {
  name: "random",
  schema,
  check: (spec, pool, issue) => checkWeights(spec.weights, pool, issue),
  sweepDefaults: { weights: undefined },
  timeScaleField: null,
  placementShapesCurve: () => false,
  // Each attempt draws uniformly among the relays; weights tell them apart.
  relaysAlike: (spec) => spec.weights === undefined,
  timeScale: () => null,
  // Unweighted: a resend is rejected again when it lands on a listed relay, k/N (DESIGN §5).
  closedForm: (spec, { servers: N, listed: k }) =>
    spec.weights ? null : { label: `closed form: k/N = ${k}/${N}`, at: () => resendFailure(N, k), kinks: () => [] },
  words: (spec) =>
    spec.weights ? "weighted random balancing" : "random balancing (each attempt picks a relay at random)",
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
