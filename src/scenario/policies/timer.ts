// `timer`'s descriptor: the period, the phase (one clock or one per sender) and the assignment
// (rotate or shuffle), with DESIGN §5's closed forms. The balancer itself is ../timer.ts.
import * as z from "zod";
import { rotateResendFailure, rotateResendFailureFixed, shuffleResendFailure } from "../../analytic/timer.js";
import { positiveDuration } from "../fields.js";
import { type BalancerPolicy, checkNothing } from "./policy.js";

const schema = z.strictObject({
  policy: z.literal("timer"),
  period: positiveDuration,
  phase: z
    .enum(["global", "per-sender"], {
      error: 'expected "global" or "per-sender"',
    })
    .default("global"),
  assignment: z
    .enum(["rotate", "shuffle"], {
      error: 'expected "rotate" or "shuffle"',
    })
    .default("rotate"),
});

export const timerPolicy = {
  name: "timer",
  schema,
  check: checkNothing,
  // A 10-minute timer: the middle of the "wait 5–15 minutes" advice, as in scenarios/18of20.json.
  sweepDefaults: { period: 600, phase: "global", assignment: "rotate" },
  // The resend-failure curve bends at each multiple of the period.
  timeScaleField: "period",
  placementShapesCurve: (spec) => spec.assignment === "rotate",
  // shuffle names a uniform relay each slot; rotate steps to the next index.
  relaysAlike: (spec) => spec.assignment === "shuffle",
  timeScale: (spec) => ({ kind: "timer-period", seconds: spec.period }),
  closedForm: (spec, { servers: N, listed: k, indices }) => {
    const T = spec.period;
    // The curve bends at each slot boundary, multiples of the period.
    const kinks = (lo: number, hi: number) => {
      const out: number[] = [];
      for (let m = Math.ceil(lo / T); m * T <= hi && out.length < 10_000; m++) out.push(m * T);
      return out;
    };
    if (spec.assignment === "shuffle") {
      return { label: "closed form (timer, shuffle)", at: (d) => shuffleResendFailure(N, k, T, d), kinks };
    }
    if (indices) {
      return {
        label: "closed form (timer, rotate, these relays)",
        at: (d) => rotateResendFailureFixed(N, indices, T, d),
        kinks,
      };
    }
    return {
      label: "closed form (timer, rotate, average placement)",
      at: (d) => rotateResendFailure(N, k, T, d),
      kinks,
    };
  },
  words: (spec, format) => {
    const how =
      spec.assignment === "shuffle" ? "a fresh random relay each period" : "moving to the next relay each period";
    const phase = spec.phase === "per-sender" ? ", each sender on its own clock" : "";
    return `timer balancing with a ${format.durationWords(spec.period, true)} period (${how}${phase})`;
  },
} as const satisfies BalancerPolicy<z.output<typeof schema>>;
