// Plain round-robin (no weights, no idle reset) in every shadow world of advise at once
// (model/shadow-resends.ts): world w's pointer is the run's shared count of first attempts plus
// an offset of its own, so a first attempt moves one shared position instead of a pointer per
// world, and only a world's own resends (and steps over excluded relays) move its offset.
// The same picks as a RoundRobinBalancer per world (test/model/balancers/round-robin-worlds.test.ts):
// every world starts at the pointer the "balancer" stream's first draw gives, and each pick takes
// the first candidate (an eligible relay, or any when none is) at or after the world's pointer.
import type { Random } from "../../engine/index.js";
import { anyEligible, type BalancerWorlds } from "./balancer.js";

export class RoundRobinWorlds implements BalancerWorlds {
  private readonly servers: number;
  /** The pointer of a world whose offset is 0: the start plus every first attempt so far, mod servers. */
  private base: number;
  /** World w's pointer is base + offset[w] (mod servers); integers, so no floating modulo. */
  private readonly offset: Int32Array;
  /** 1 for each relay the rotation runs over: the eligible ones, or all when none is (RoundRobinBalancer). */
  private readonly candidates: Uint8Array;
  /** firstPass's picks when it must make them (some relay is not a candidate). */
  private readonly unread: Int32Array;
  /** Whether every relay is a candidate: then a pick never steps over one, and offsets stay put. */
  private everyServer = true;
  /**
   * Bit w of atOffset[o] set while world w's offset is o, for firstPicksIn: the worlds whose pick
   * is relay v are then atOffset[v − base]. Only for up to 31 worlds and 32 relays (masks in
   * int32s); null otherwise.
   */
  private readonly atOffset: Int32Array | null;

  /** `random` is a fresh "balancer" stream: its first draw places the pointer, as the run's balancer's does. */
  constructor(
    servers: number,
    worlds: number,
    random: Random,
    private readonly eligible: Uint8Array,
  ) {
    this.servers = servers;
    this.base = Math.floor(random.next() * servers);
    this.offset = new Int32Array(worlds);
    this.unread = new Int32Array(worlds);
    this.candidates = new Uint8Array(servers);
    this.atOffset = worlds <= 31 && servers <= 32 ? new Int32Array(servers) : null;
    if (this.atOffset !== null) this.atOffset[0] = (1 << worlds) - 1;
    this.eligibilityChanged();
  }

  /** A first attempt: every world picks the first candidate at or after its pointer. */
  firstPicks(_sender: number, _time: number, _end: number, picked: Int32Array): boolean {
    const n = this.servers;
    const base = this.base;
    const offset = this.offset;
    const worlds = offset.length;
    if (this.everyServer) {
      for (let w = 0; w < worlds; w++) {
        const p = base + offset[w];
        picked[w] = p >= n ? p - n : p;
      }
    } else {
      const candidates = this.candidates;
      for (let w = 0; w < worlds; w++) {
        let p = base + offset[w];
        if (p >= n) p -= n;
        while (candidates[p] === 0) p = p + 1 === n ? 0 : p + 1;
        picked[w] = p;
        // The world's pointer is now p + 1, and base moves on by one below: the offset is p − base.
        this.moveOffset(w, p >= base ? p - base : p - base + n);
      }
    }
    this.base = base + 1 === n ? 0 : base + 1;
    // Whether the worlds agree is not tracked here: false, so each world's outcome is looked up.
    return false;
  }

  /**
   * A first attempt: with every relay a candidate, every world's pointer moves by moving base, and
   * the worlds that picked one of `servers` are those whose offset is one of them less base.
   */
  firstPicksIn(_sender: number, _time: number, _end: number, servers: number): number {
    const atOffset = this.atOffset;
    if (atOffset === null || !this.everyServer) return -1;
    const n = this.servers;
    const base = this.base;
    let worlds = 0;
    let rest = servers;
    while (rest !== 0) {
      const bit = rest & -rest;
      rest ^= bit;
      const v = 31 - Math.clz32(bit);
      worlds |= atOffset[v >= base ? v - base : v - base + n];
    }
    this.base = base + 1 === n ? 0 : base + 1;
    return worlds;
  }

  /** A first attempt nobody reads: with every relay a candidate, every world's pointer moves by moving base. */
  firstPass(sender: number, time: number, end: number): void {
    if (this.everyServer) this.base = this.base + 1 === this.servers ? 0 : this.base + 1;
    else this.firstPicks(sender, time, end, this.unread);
  }

  /** World w's pick for a resend (it draws nothing). */
  resendPick(w: number): number {
    return this.pickInWorld(w);
  }

  /** World w alone picks (a resend, or a stick table's dispatch): only its offset moves. */
  pickInWorld(w: number): number {
    const n = this.servers;
    const base = this.base;
    let p = base + this.offset[w];
    if (p >= n) p -= n;
    const candidates = this.candidates;
    while (candidates[p] === 0) p = p + 1 === n ? 0 : p + 1;
    const next = p + 1 === n ? 0 : p + 1;
    this.moveOffset(w, next >= base ? next - base : next - base + n);
    return p;
  }

  /** World w's offset becomes `to` (atOffset follows it). */
  private moveOffset(w: number, to: number): void {
    const atOffset = this.atOffset;
    if (atOffset !== null) {
      atOffset[this.offset[w]] &= ~(1 << w);
      atOffset[to] |= 1 << w;
    }
    this.offset[w] = to;
  }

  eligibilityChanged(): void {
    const all = !anyEligible(this.eligible);
    let every = true;
    for (let v = 0; v < this.servers; v++) {
      this.candidates[v] = all || this.eligible[v] === 1 ? 1 : 0;
      if (this.candidates[v] === 0) every = false;
    }
    this.everyServer = every;
  }
}
