// `timer`: the support desk's "servers rotate on a timer" (DOMAIN.md, the 2013 story; HAProxy
// stick-table expiry is the nearest documented mechanism). Time is cut into slots of `period`,
// offset by a phase φ ~ U[0, period) drawn once per replication (`global`) or per sender.
// `rotate` sends sender s in slot j to (b_s + j) mod N; `shuffle` to an independent uniform
// server per (sender, slot), drawn by hashing so every attempt in a slot agrees without state.
// It names a server: when the health check excluded it, the next eligible one in index order.

import { hashKey, hashUniform } from "../../engine/index.js";
import { type Balancer, type BalancerReads, nextEligible, type PoolView, READS_NOTHING } from "./balancer.js";
import { serverIndexArray } from "./server-index.js";

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
  /** Each sender's base server b_s (server-index.ts: 2 bytes a sender in pools of up to 65 536 relays). */
  private readonly base: Uint16Array | Int32Array;
  private readonly perSender: boolean;
  private readonly shuffle: boolean;
  private readonly key: number;
  private readonly eligible: Uint8Array;

  /** Balancer.senderTable: the senders' base servers. */
  get senderTable(): Uint16Array | Int32Array {
    return this.base;
  }

  constructor(pool: PoolView, options: TimerOptions) {
    const { servers, senders, random } = pool;
    this.servers = servers;
    this.period = options.period;
    this.perSender = options.phase === "per-sender";
    this.shuffle = options.assignment === "shuffle";
    this.phases = new Float64Array(this.perSender ? senders : 1);
    for (let i = 0; i < this.phases.length; i++) this.phases[i] = random.next() * options.period;
    this.base = serverIndexArray(senders, servers);
    for (let s = 0; s < senders; s++) this.base[s] = Math.floor(random.next() * servers);
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
    // The named server is nearly always eligible: nextEligible only when it is not.
    return this.eligible[named] === 1 ? named : nextEligible(this.eligible, named);
  }

  eligibilityChanged(): void {}
}
