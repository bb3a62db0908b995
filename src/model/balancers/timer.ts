// `timer`: the support desk's "servers rotate on a timer" (DOMAIN.md, the 2013 story; HAProxy
// stick-table expiry is the nearest documented mechanism). Time is cut into slots of `period`,
// offset by a phase φ ~ U[0, period) drawn once per replication (`global`) or per sender.
// `rotate` sends sender s in slot j to (b_s + j) mod N; `shuffle` to an independent uniform
// server per (sender, slot), drawn by hashing so every attempt in a slot agrees without state.
// It names a server: when the health check excluded it, the next eligible one in index order.

import { rotateResendFailure, rotateResendFailureFixed, shuffleResendFailure } from "../../analytic/timer.js";
import { hashKey, hashUniform } from "../../engine/index.js";
import { type Balancer, type BalancerReads, nextEligible, type PoolView, READS_NOTHING } from "./balancer.js";
import type { BalancerPolicy } from "./policy.js";

export interface TimerOptions {
  period: number;
  phase: "global" | "per-sender";
  assignment: "rotate" | "shuffle";
}

export class TimerBalancer implements Balancer {
  static readonly reads: BalancerReads = READS_NOTHING;

  private readonly servers: number;
  private readonly period: number;
  private readonly phases: Float64Array;
  private readonly base: Int32Array;
  private readonly perSender: boolean;
  private readonly shuffle: boolean;
  private readonly key: number;
  private readonly eligible: Uint8Array;

  constructor(pool: PoolView, options: TimerOptions) {
    const { servers, senders, random } = pool;
    this.servers = servers;
    this.period = options.period;
    this.perSender = options.phase === "per-sender";
    this.shuffle = options.assignment === "shuffle";
    this.phases = new Float64Array(this.perSender ? senders : 1);
    for (let i = 0; i < this.phases.length; i++) this.phases[i] = random() * options.period;
    this.base = new Int32Array(senders);
    for (let s = 0; s < senders; s++) this.base[s] = Math.floor(random() * servers);
    this.key = hashKey(random);
    this.eligible = pool.eligible;
  }

  /** The slot index j of `sender` at `time`. */
  slot(sender: number, time: number): number {
    const phase = this.phases[this.perSender ? sender : 0];
    return Math.floor((time + phase) / this.period);
  }

  pick(sender: number, time: number): number {
    const slot = this.slot(sender, time);
    const named = this.shuffle
      ? Math.floor(hashUniform(this.key, sender, slot) * this.servers)
      : (this.base[sender] + slot) % this.servers;
    return nextEligible(this.eligible, named);
  }

  eligibilityChanged(): void {}
}

export const timerPolicy: BalancerPolicy<"timer"> = {
  name: "timer",
  reads: TimerBalancer.reads,
  create: (spec, pool) => new TimerBalancer(pool, spec),
  // A 10-minute timer: the middle of the "wait 5–15 minutes" advice, as in scenarios/18of20.json.
  sweepDefaults: { period: 600, phase: "global", assignment: "rotate" },
  // The resend-failure curve bends at each multiple of the period.
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
};
