// `least-connections`'s descriptor: no fields. The balancer itself is ../least-connections.ts.
import * as z from "zod";
import { type BalancerPolicy, checkNothing } from "./policy.js";

const schema = z.strictObject({ policy: z.literal("least-connections") });

export const leastConnectionsPolicy = {
  name: "least-connections",
  schema,
  check: checkNothing,
  sweepDefaults: {},
  timeScaleField: null,
  placementShapesCurve: () => false,
  // The fewest sessions, ties broken uniformly at random.
  relaysAlike: () => true,
  timeScale: () => null,
  closedForm: () => null,
  words: () => "least-connections balancing",
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
