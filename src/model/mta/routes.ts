// Where a deferred message's next attempt goes (DESIGN §2 "Where retries go", DOMAIN.md): from
// the relay that holds it (the default), or re-picked by the balancer from the pool
// (`mta.retryFrom: "pool"`, a shared queue behind the balancer); a blocklist 5xx requeued on
// another relay instead of bounced (`mta.onBlocklist: "requeue"`, as PowerMTA/KumoMTA bounce
// rules can be set to); and the health check handing an excluded relay's deferred queue to
// eligible relays (`pool.avoidListed.moveDeferred`). Built only when one of them is on.
// Queue ages keep counting from the message's first arrival in the relays' queues: moving a
// queue file keeps its arrival time, so the retry schedule and the queue lifetime go on.
import type { Random } from "../../engine/index.js";
import type { Scenario } from "../../scenario/schema.js";
import { nextEligible } from "../balancers/index.js";
import { grown } from "../grown.js";
import type { MessageTable } from "../messages.js";

/** The balancer's pick for an attempt of `sender` at `time`, with its capacity regime brought up to date. */
export type Pick = (sender: number, time: number, random: Random) => number;

/** Whether a scenario turns any of the routes on (else the model keeps none: today's flow). */
export function routesOn(s: Scenario): boolean {
  return s.mta.retryFrom === "pool" || s.mta.onBlocklist === "requeue" || s.pool.avoidListed?.moveDeferred === true;
}

export class RetryRoutes {
  /** MTA retries are re-picked by the balancer. */
  readonly fromPool: boolean;
  /** A blocklist 5xx is deferred and the next attempt goes through another relay. */
  readonly requeue: boolean;
  readonly moveDeferred: boolean;
  /** Per message slot: 1 while a RETRY is pending; 2 when it must also leave its relay (a requeue). */
  private pending = new Uint8Array(64);
  /** Deferred messages moved off excluded relays so far (for tests and the report). */
  moved = 0;

  constructor(
    s: Scenario,
    private readonly messages: MessageTable,
    private readonly eligible: Uint8Array,
    private readonly pick: Pick,
    /** The "balancer.retry" stream: picks for retries, requeues and moves. */
    private readonly random: Random,
  ) {
    this.fromPool = s.mta.retryFrom === "pool";
    this.requeue = s.mta.onBlocklist === "requeue";
    this.moveDeferred = s.pool.avoidListed?.moveDeferred === true;
  }

  /** A RETRY of the message in `slot` is scheduled; `leave` when it was a requeued blocklist 5xx. */
  deferred(slot: number, leave: boolean): void {
    if (slot >= this.pending.length) {
      this.pending = grown(this.pending, Math.max(slot + 1, this.pending.length * 2));
    }
    this.pending[slot] = leave ? 2 : 1;
  }

  /** The relay for the pending retry of the message in `slot` at `time`; records it as the holder. */
  retryServer(slot: number, time: number): number {
    const m = this.messages;
    const current = m.server[slot];
    const leave = this.pending[slot] === 2;
    this.pending[slot] = 0;
    let server = current;
    if (this.fromPool || leave) server = this.pick(m.sender[slot], time, this.random);
    if (leave && server === current) server = this.other(current);
    m.server[slot] = server;
    return server;
  }

  /**
   * The health check excluded some relays: hand their deferred messages to relays the balancer
   * picks among eligible ones (their retry times stay as scheduled). Returns how many moved.
   */
  moveOffExcluded(time: number): number {
    if (!this.moveDeferred) return 0;
    const eligible = this.eligible;
    let any = false;
    for (let v = 0; v < eligible.length; v++) if (eligible[v] === 0) any = true;
    if (!any) return 0;
    const m = this.messages;
    const pending = this.pending;
    let moved = 0;
    for (let slot = 0; slot < pending.length; slot++) {
      if (pending[slot] === 0 || eligible[m.server[slot]] === 1) continue;
      let server = this.pick(m.sender[slot], time, this.random);
      if (eligible[server] === 0) server = this.other(m.server[slot]);
      if (eligible[server] === 0) continue;
      m.server[slot] = server;
      // It has left its relay: a requeue's "another relay" is satisfied.
      pending[slot] = 1;
      moved++;
    }
    this.moved += moved;
    return moved;
  }

  /** The next eligible relay after `server` in index order (another one when there is one). */
  private other(server: number): number {
    const n = this.eligible.length;
    if (n === 1) return server;
    const next = nextEligible(this.eligible, (server + 1) % n);
    return next === server ? (server + 1) % n : next;
  }
}
