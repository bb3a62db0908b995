// `dns`'s descriptor: the TTL an answer is cached for (default 5 minutes); optionally how many
// shared caching resolvers the senders ask (default: one per sender) and how many address
// records an answer carries (default 1). The balancers are ../dns.ts (the default) and
// ../dns-resolvers.ts.
import * as z from "zod";
import { positiveDuration, positiveInt } from "../fields.js";
import type { BalancerPolicy } from "./policy.js";

const schema = z.strictObject({
  policy: z.literal("dns"),
  ttl: positiveDuration.prefault("5m"),
  resolvers: positiveInt("a positive number of resolvers").optional().meta({
    description:
      "shared caching resolvers the senders ask (sender s asks resolver s mod resolvers); absent: each sender caches its own answer",
  }),
  recordsPerAnswer: positiveInt("a positive number of address records").optional().meta({
    description:
      "address records in each answer, in rotated order; a client skips a record whose relay is out of service (excluded by the health check)",
  }),
});

export const dnsPolicy = {
  name: "dns",
  schema,
  check: (spec, { servers, senders }, issue) => {
    if (spec.resolvers !== undefined && spec.resolvers > senders) {
      issue(["resolvers"], `expected at most ${senders} (the number of senders)`, spec.resolvers);
    }
    if (spec.recordsPerAnswer !== undefined && spec.recordsPerAnswer > servers) {
      issue(["recordsPerAnswer"], `expected at most ${servers} (the pool's size)`, spec.recordsPerAnswer);
    }
  },
  // The schema's default TTL, 5 minutes.
  sweepDefaults: { ttl: 300, resolvers: undefined, recordsPerAnswer: undefined },
  // A resend escapes once the cached answer expires.
  timeScaleField: "ttl",
  placementShapesCurve: () => false,
  // Resolutions take the relays in turn (a shared pointer): what follows a listed relay matters.
  relaysAlike: () => false,
  timeScale: (spec) => ({ kind: "dns-ttl", seconds: spec.ttl }),
  closedForm: () => null,
  words: (spec, format) => {
    const ttl = format.roundDuration(spec.ttl);
    const parts = [`DNS round-robin with a ${ttl} TTL`];
    if (spec.resolvers !== undefined) {
      parts.push(
        `answers cached by ${spec.resolvers} shared resolver${spec.resolvers === 1 ? "" : "s"} (a resend may get another relay before ${ttl}, when another sender's lookup renewed the answer)`,
      );
    }
    if (spec.recordsPerAnswer !== undefined && spec.recordsPerAnswer > 1) {
      parts.push(
        `${spec.recordsPerAnswer} addresses per answer (a client skips a relay taken out of service and tries the next)`,
      );
    }
    return parts.join(", ");
  },
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
