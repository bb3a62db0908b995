// The scenario format's building blocks (DESIGN §1): durations, rates, distributions,
// probabilities, counts and weights, each validated with the error a user reads and
// normalised to seconds. The scenario schema and each balancer policy's fragment
// (scenario/policies/) are made of them.
import * as z from "zod";
import { parseDuration, parseRate } from "./units.js";

const DURATION_HINT = 'a duration such as "90s", "15m", "2h", "7d" or a number of seconds';

/** A duration: a string with a unit or a non-negative number of seconds; normalised to seconds. */
export const duration = z
  .union([z.number(), z.string()], { error: `expected ${DURATION_HINT}` })
  .transform((value, ctx) => {
    const seconds = typeof value === "number" ? value : parseDuration(value);
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
      ctx.addIssue({
        code: "custom",
        message: `expected ${DURATION_HINT}`,
        input: value,
      });
      return z.NEVER;
    }
    return seconds;
  })
  .meta({ description: DURATION_HINT });

export const positiveDuration = duration
  .refine((s) => s > 0, { error: "expected a duration greater than zero" })
  .meta({ description: `${DURATION_HINT}, greater than zero` });

/** A rate "N/unit" ("20/d", "1/90d") or a number per second; normalised to events per second. */
export const rate = z
  .union([z.number(), z.string()], {
    error: 'expected a rate such as "20/d" or "1/90d"',
  })
  .transform((value, ctx) => {
    const perSecond = typeof value === "number" ? value : parseRate(value);
    if (perSecond === undefined || !Number.isFinite(perSecond) || perSecond < 0) {
      ctx.addIssue({
        code: "custom",
        message: 'expected a rate such as "20/d" or "1/90d" (or a number per second)',
        input: value,
      });
      return z.NEVER;
    }
    return perSecond;
  })
  .meta({
    description: 'events per unit of time: "20/d", "1/90d", or a number per second',
  });

const DIST_HINT =
  'a distribution: a duration ("15m"), {"fixed": d}, {"uniform": [a, b]}, {"exponential": mean}, {"lognormal": {"median": d, "sigma": s}} or {"empirical": [d, ...]}';

/** A distribution of durations in its normalised (object, seconds) form. */
export type Dist =
  | { fixed: number }
  | { uniform: [number, number] }
  | { exponential: number }
  | { lognormal: { median: number; sigma: number } }
  | { empirical: number[] };

const fixedDist = z.strictObject({ fixed: duration });
const uniformDist = z
  .strictObject({ uniform: z.tuple([duration, duration]) })
  .refine((d) => d.uniform[0] <= d.uniform[1], {
    error: "expected uniform bounds [low, high] with low <= high",
  });
const exponentialDist = z.strictObject({ exponential: duration });
const lognormalDist = z.strictObject({
  lognormal: z.strictObject({
    median: positiveDuration,
    sigma: z.number({ error: "expected a non-negative number" }).nonnegative({
      error: "expected a non-negative number",
    }),
  }),
});
const empiricalDist = z.strictObject({
  empirical: z.array(duration).min(1, { error: "expected at least one value" }),
});

/** A distribution as written in a scenario, normalised to {@link Dist}. */
export const distribution = z
  .union([duration, fixedDist, uniformDist, exponentialDist, lognormalDist, empiricalDist], {
    error: `expected ${DIST_HINT}`,
  })
  .transform((d): Dist => (typeof d === "number" ? { fixed: d } : d))
  .meta({ description: DIST_HINT });

export const probability = z
  .number({ error: "expected a probability between 0 and 1" })
  .min(0, { error: "expected a probability between 0 and 1" })
  .max(1, { error: "expected a probability between 0 and 1" });

export const positiveInt = (what = "a positive integer") =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .positive({
      error: `expected ${what}`,
    });
export const nonNegativeInt = z
  .number({ error: "expected a non-negative integer" })
  .int({ error: "expected a non-negative integer" })
  .nonnegative({ error: "expected a non-negative integer" });

/** A relative weight per server (a policy checks there is one per server, some positive). */
export const weights = z
  .array(
    z.number({ error: "expected a non-negative weight" }).nonnegative({
      error: "expected a non-negative weight",
    }),
  )
  .meta({ description: "relative weight of each server, one per server" });
