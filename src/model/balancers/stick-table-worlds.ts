// A stick table dispatching by round-robin (StickTableBalancer over RoundRobinBalancer,
// stick-table.ts) in every shadow world of advise at once (model/shadow-resends.ts): each world's
// pins and their last uses sender-major (a first attempt reads one sender's row, every world side
// by side) in flat arrays walked by one loop, and the dispatch's pointers as RoundRobinWorlds
// (a world alone moves its pointer, as its own dispatch does). The same picks as a
// StickTableBalancer per world (test/model/balancers/stick-table-worlds.test.ts).
import type { Random } from "../../engine/index.js";
import { anyEligible, type BalancerWorlds } from "./balancer.js";
import { RoundRobinWorlds } from "./round-robin-worlds.js";

export class StickTableWorlds implements BalancerWorlds {
  private readonly worlds: number;
  /** Sender s's entry in world w at pinned[s·worlds + w], live while time − lastUsed[…] < expire. */
  private readonly pinned: Int32Array;
  private readonly lastUsed: Float64Array;
  private readonly dispatch: RoundRobinWorlds;
  /** Whether the pinned relay's exclusion counts: not when every relay is excluded. */
  private excluding = false;

  /** `random` is a fresh "balancer" stream: its first draw places the dispatch's pointer, as the run's does. */
  constructor(
    servers: number,
    senders: number,
    worlds: number,
    random: Random,
    private readonly expire: number,
    private readonly eligible: Uint8Array,
  ) {
    this.worlds = worlds;
    this.pinned = new Int32Array(senders * worlds);
    this.lastUsed = new Float64Array(senders * worlds).fill(Number.NEGATIVE_INFINITY);
    this.dispatch = new RoundRobinWorlds(servers, worlds, random, eligible);
    this.eligibilityChanged();
  }

  /** A first attempt: each world follows the sender's live entry to a relay still in service, or dispatches. */
  firstPicks(sender: number, time: number, _end: number, picked: Int32Array): boolean {
    const worlds = this.worlds;
    const row = sender * worlds;
    for (let w = 0; w < worlds; w++) picked[w] = this.pickAt(w, row + w, time);
    // Whether the worlds agree is not tracked here: false, so each world's outcome is looked up.
    return false;
  }

  /**
   * A first attempt, as firstPicks, answering only which worlds picked one of `servers` (bit v for
   * relay v), tested as each world picks: no array of picks, no outcome looked up per world.
   * -1 (nothing moved) for more than 31 worlds.
   */
  firstPicksIn(sender: number, time: number, _end: number, servers: number): number {
    const worlds = this.worlds;
    if (worlds > 31) return -1;
    const row = sender * worlds;
    let bounced = 0;
    for (let w = 0; w < worlds; w++) bounced |= ((servers >>> this.pickAt(w, row + w, time)) & 1) << w;
    return bounced;
  }

  /** World w's pick for a resend (StickTableBalancer.pick; round-robin dispatch draws nothing). */
  resendPick(w: number, sender: number, time: number): number {
    return this.pickAt(w, sender * this.worlds + w, time);
  }

  /** World w's pick through its entry i for the sender (StickTableBalancer.pick). */
  private pickAt(w: number, i: number, time: number): number {
    if (time - this.lastUsed[i] < this.expire) {
      const server = this.pinned[i];
      if (!this.excluding || this.eligible[server] === 1) {
        this.lastUsed[i] = time;
        return server;
      }
    }
    const server = this.dispatch.pickInWorld(w);
    this.pinned[i] = server;
    this.lastUsed[i] = time;
    return server;
  }

  eligibilityChanged(): void {
    this.excluding = anyEligible(this.eligible);
    this.dispatch.eligibilityChanged();
  }
}
