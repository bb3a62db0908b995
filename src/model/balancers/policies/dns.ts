// `dns`'s descriptor: the TTL clients cache an answer for (default 5 minutes). The balancer
// itself is ../dns.ts.
import * as z from "zod";
import { positiveDuration } from "../../../scenario/fields.js";
import { type BalancerPolicy, checkNothing } from "../policy.js";

const schema = z.strictObject({
  policy: z.literal("dns"),
  ttl: positiveDuration.prefault("5m"),
});

export const dnsPolicy = {
  name: "dns",
  schema,
  check: checkNothing,
  // The schema's default TTL, 5 minutes.
  sweepDefaults: { ttl: 300 },
  // A resend escapes once the sender's cached answer expires.
  timeScale: (spec) => ({ kind: "dns-ttl", seconds: spec.ttl }),
  closedForm: () => null,
  words: (spec, format) => `DNS round-robin with a ${format.roundDuration(spec.ttl)} TTL`,
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
