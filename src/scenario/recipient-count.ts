// `recipients.perMessage` (DESIGN §1–2): a distribution of the number of recipients of one
// message — counts, not durations, so it has its own small set of forms. Absent means one
// recipient per message, today's model exactly; the normalised scenario then has no such key.
import * as z from "zod";

/**
 * At most this many recipients per message: Postfix's `smtpd_recipient_limit` default
 * (postconf(5)), the number a Postfix relay accepts in one submission.
 */
const MAX_RECIPIENTS = 1000;

/** A recipient-count distribution in its normalised form. */
export type RecipientCount =
  | { fixed: number }
  | { uniform: [number, number] }
  | { empirical: number[] }
  | { shares: number[] };

const HINT = `a number of recipients per message: an integer 1–${MAX_RECIPIENTS}, {"fixed": n}, {"uniform": [a, b]} (integers a ≤ b, each equally likely), {"empirical": [n, ...]} (one of the values, equally likely) or {"shares": [s1, s2, ...]} (relative shares of 1, 2, … recipients)`;

const recipients = z
  .number({ error: `expected an integer from 1 to ${MAX_RECIPIENTS}` })
  .int({ error: `expected an integer from 1 to ${MAX_RECIPIENTS}` })
  .min(1, { error: `expected an integer from 1 to ${MAX_RECIPIENTS}` })
  .max(MAX_RECIPIENTS, { error: `expected an integer from 1 to ${MAX_RECIPIENTS}` });

const share = z
  .number({ error: "expected a non-negative share" })
  .nonnegative({ error: "expected a non-negative share" });

/** `recipients.perMessage` as written, normalised to {@link RecipientCount}. */
export const recipientCount = z
  .union(
    [
      recipients,
      z.strictObject({ fixed: recipients }),
      z
        .strictObject({ uniform: z.tuple([recipients, recipients]) })
        .refine((d) => d.uniform[0] <= d.uniform[1], { error: "expected uniform bounds [low, high] with low <= high" }),
      z.strictObject({ empirical: z.array(recipients).min(1, { error: "expected at least one value" }) }),
      z.strictObject({
        shares: z
          .array(share)
          .min(1, { error: "expected at least one share" })
          .max(MAX_RECIPIENTS, { error: `expected at most ${MAX_RECIPIENTS} shares` })
          .refine((s) => s.some((x) => x > 0), { error: "expected at least one positive share" }),
      }),
    ],
    { error: `expected ${HINT}` },
  )
  .transform((d): RecipientCount => (typeof d === "number" ? { fixed: d } : d))
  .meta({ description: HINT });
