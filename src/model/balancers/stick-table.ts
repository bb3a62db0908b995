// `stick-table`: HAProxy's `stick-table type ip … expire <E>` with `stick on src` in front of the
// relays (DOMAIN.md, "How pools pick"). A sender's entry names the relay its last attempt went
// through; an attempt that finds the entry (younger than `expire` since it was last matched or
// stored) goes there and refreshes it, one that finds none is dispatched by the backend's
// `balance` (round-robin or random, the same balancer objects as those policies) and stored.
// HAProxy follows an entry only while its server is up (stream.c, sticking_rule_find_target):
// when the health check excluded the pinned relay, the attempt is dispatched afresh among the
// eligible ones and the entry now names the new relay (DESIGN §2).
import type { Random } from "../../engine/index.js";
import { anyEligible, type Balancer, type BalancerReads, KEEPS_STATE, type PoolView } from "./balancer.js";

export class StickTableBalancer implements Balancer {
  static readonly reads: BalancerReads = KEEPS_STATE;

  /** The relay each sender's entry names (valid while `lastUsed + expire > time`). */
  private readonly pinned: Int32Array;
  /** When each sender's entry was last stored or matched; −∞ for no entry. */
  private readonly lastUsed: Float64Array;
  private readonly eligible: Uint8Array;
  /** Whether the pinned relay's exclusion counts: not when every relay is excluded. */
  private excluding: boolean;

  /**
   * `dispatch` is the backend's `balance` for attempts without a live entry; it must be built on
   * the same pool (its own eligibility handling applies to the dispatch).
   */
  constructor(
    pool: PoolView,
    private readonly expire: number,
    private readonly dispatch: Balancer,
  ) {
    this.pinned = new Int32Array(pool.senders);
    this.lastUsed = new Float64Array(pool.senders).fill(Number.NEGATIVE_INFINITY);
    this.eligible = pool.eligible;
    this.excluding = false;
    this.eligibilityChanged();
  }

  pick(sender: number, time: number, random?: Random): number {
    // The entry expires `expire` after it was last used: an idle sender's pin lapses.
    if (time - this.lastUsed[sender] < this.expire) {
      const server = this.pinned[sender];
      if (!this.excluding || this.eligible[server] === 1) {
        this.lastUsed[sender] = time;
        return server;
      }
    }
    const server = this.dispatch.pick(sender, time, random);
    this.pinned[sender] = server;
    this.lastUsed[sender] = time;
    return server;
  }

  eligibilityChanged(): void {
    this.excluding = anyEligible(this.eligible);
    this.dispatch.eligibilityChanged();
  }
}
