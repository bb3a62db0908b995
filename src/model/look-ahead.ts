// The plain arrival loop's draws taken ahead, in blocks, for pools whose per-message tables do not
// stay in the cache (MailModel.plainArrivalsAhead). A message reads three tables at indices drawn
// at random: its sender's entry of the balancer's per-sender array (2 MB for a million senders),
// its recipient's alias column (0.8 MB for 100 000 domains) and the domain's list mask. Read one
// message at a time, each read waits for memory before the next message's can start. Here the
// arrival gaps, senders and recipient uniforms of the next BLOCK messages are drawn first (pure
// arithmetic), then one pass turns the uniforms into domains (alias columns) and reads the senders'
// entries, and one more reads the domains' masks: within a pass the loads are independent of each
// other, so the processor keeps many in flight; the loop then finds them in the cache.
//
// The draws are the ones the loop itself would make, in the same order within each stream: the
// arrival stream's gap (with the ziggurat's rare extra uniforms) then sender, the recipient
// stream's domain. No other code draws from these two streams (replication.ts), so drawing them
// early changes nothing but when; draws left over at the horizon are never used.
//
// The worlds' run (shadow-worlds.ts) takes its arrivals' draws from here too, with no reading pass
// (`domainLists` null): its pools' tables stay in the cache, so the domains are drawn in the drawing
// loop itself, as the plain loop draws them. A pass of their own cost the worlds' run ~5 % a
// replication (docs/performance.md, section la).
import {
  ALEA_MULTIPLIER,
  ALEA_UNIT,
  type AleaRandom,
  type AliasTable,
  exponentialFast,
  exponentialRest,
} from "../engine/index.js";

/** Messages drawn ahead at a time: enough loads in flight to cover memory's latency, a few KB of buffers. */
export const BLOCK = 256;

export class LookAhead {
  /** Standard exponential draws (the gap times the arrival rate) of the next messages. */
  readonly gaps = new Float64Array(BLOCK);
  readonly senders = new Int32Array(BLOCK);
  readonly domains = new Int32Array(BLOCK);
  /** The recipient stream's draws of the block, turned into domains by a pass of their own. */
  private readonly uniforms = new Float64Array(BLOCK);
  /** The next entry the loop takes; BLOCK when the block is used up. */
  position = BLOCK;
  /** A sum of the entries read ahead, kept so that the reads are not optimised away. */
  private touched = 0;

  constructor(
    private readonly arrivals: AleaRandom,
    private readonly recipients: AleaRandom,
    private readonly domainTable: AliasTable,
    private readonly senderCount: number,
    /** The balancer's per-sender array (Balancer.senderTable), or null when it keeps none. */
    private readonly senderTable: Uint16Array | Int32Array | null,
    /**
     * Each domain's list mask (the listing board's), read ahead; null for no reading pass at all
     * (small tables): the domains are then drawn in the drawing loop.
     */
    private readonly domainLists: Int32Array | null,
  ) {}

  /** Draws the next BLOCK messages' gaps, senders and domains, reads their table entries, and starts the block. */
  fill(): void {
    const gaps = this.gaps;
    const senders = this.senders;
    const domains = this.domains;
    const arrivals = this.arrivals;
    const uniforms = this.uniforms;
    const senderCount = this.senderCount;
    const domainTable = this.domainTable;
    // No reading pass: each domain at once (one predictable test a message, not a loop of its own).
    const inline = this.domainLists === null;
    // Both streams stepped in locals, as plainArrivals steps them (engine/random.ts's AleaState).
    const aState = arrivals.state;
    const rState = this.recipients.state;
    let a0 = aState.s0;
    let a1 = aState.s1;
    let a2 = aState.s2;
    let ac = aState.c;
    let r0 = rState.s0;
    let r1 = rState.s1;
    let r2 = rState.s2;
    let rc = rState.c;
    let t = 0;
    const multiplier = ALEA_MULTIPLIER;
    const unit = ALEA_UNIT;
    const fastExponential = exponentialFast;
    for (let j = 0; j < BLOCK; j++) {
      t = multiplier * a0 + ac * unit;
      a0 = a1;
      a1 = a2;
      ac = t | 0;
      a2 = t - ac;
      let gap = fastExponential(a2);
      if (!(gap >= 0)) {
        aState.s0 = a0;
        aState.s1 = a1;
        aState.s2 = a2;
        aState.c = ac;
        gap = +exponentialRest(a2, arrivals);
        a0 = aState.s0;
        a1 = aState.s1;
        a2 = aState.s2;
        ac = aState.c;
      }
      gaps[j] = gap;
      t = multiplier * a0 + ac * unit;
      a0 = a1;
      a1 = a2;
      ac = t | 0;
      a2 = t - ac;
      senders[j] = Math.floor(a2 * senderCount);
      t = multiplier * r0 + rc * unit;
      r0 = r1;
      r1 = r2;
      rc = t | 0;
      r2 = t - rc;
      if (inline) domains[j] = domainTable.atAlea(r2);
      else uniforms[j] = r2;
    }
    aState.s0 = a0;
    aState.s1 = a1;
    aState.s2 = a2;
    aState.c = ac;
    rState.s0 = r0;
    rState.s1 = r1;
    rState.s2 = r2;
    rState.c = rc;
    const lists = this.domainLists;
    if (lists === null) {
      this.position = 0;
      return;
    }
    const table = this.senderTable;
    let touched = this.touched;
    if (table === null) {
      for (let j = 0; j < BLOCK; j++) domains[j] = domainTable.atAlea(uniforms[j]);
    } else {
      for (let j = 0; j < BLOCK; j++) {
        domains[j] = domainTable.atAlea(uniforms[j]);
        touched = (touched + table[senders[j]]) | 0;
      }
    }
    for (let j = 0; j < BLOCK; j++) touched = (touched + lists[domains[j]]) | 0;
    this.touched = touched;
    this.position = 0;
  }
}
