// `round-robin`'s descriptor: optional weights. The balancer itself is ../round-robin.ts.
import * as z from "zod";
import { weights } from "../../../scenario/fields.js";
import { type BalancerPolicy, checkWeights } from "../policy.js";

const schema = z.strictObject({
  policy: z.literal("round-robin"),
  weights: weights.optional(),
});

export const roundRobinPolicy = {
  name: "round-robin",
  schema,
  check: (spec, pool, issue) => checkWeights(spec.weights, pool, issue),
  sweepDefaults: { weights: undefined },
  timeScale: () => null,
  closedForm: () => null,
  words: (spec) => (spec.weights ? "weighted round-robin balancing" : "round-robin balancing"),
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
