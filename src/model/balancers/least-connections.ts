// `least-connections`: the server with the fewest SMTP sessions in progress, ties broken
// uniformly at random (HAProxy `balance leastconn`). It reads the session counts the model
// keeps, so a busy pool spreads attempts and an idle one behaves like `random`. It chooses:
// only among the servers the health check left eligible (DESIGN §2) — an excluded server has
// no sessions, so counting it would name it for every attempt.
import type { Random } from "../../engine/index.js";
import { anyEligible, type Balancer, type BalancerReads, type PoolView } from "./balancer.js";

export class LeastConnectionsBalancer implements Balancer {
  /** It reads the sessions in progress (the model keeps them current at each pick). */
  static readonly reads: BalancerReads = { sessions: true, picksKeepState: false };

  /** 1 for each server this policy chooses among: the eligible ones, or all when none is. */
  private readonly candidates: Uint8Array;

  constructor(private readonly pool: PoolView) {
    this.candidates = new Uint8Array(pool.servers);
    this.eligibilityChanged();
  }

  pick(_sender: number, _time: number, random: Random = this.pool.random): number {
    // The fewest sessions and the servers tied at it come from the counts' own index
    // (session-counts.ts): one random draw per pick when several tie, the j-th tie in index order.
    const sessions = this.pool.sessions;
    const ties = sessions.ties;
    return sessions.nthLeast(ties === 1 ? 0 : Math.floor(random.next() * ties));
  }

  eligibilityChanged(): void {
    const eligible = this.pool.eligible;
    const all = !anyEligible(eligible);
    for (let v = 0; v < eligible.length; v++) this.candidates[v] = all || eligible[v] === 1 ? 1 : 0;
    this.pool.sessions.chooseAmong(this.candidates);
  }
}
