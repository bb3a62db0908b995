// First attempts waiting for a session under Channels, held by the arrivals loop (arrivals.ts)
// instead of the simulator's heaps: in order of (start, order number) — the order number the
// simulator gave the wait (Simulator.nextSeq), so that among equal times it leaves exactly where
// its ATTEMPT_START event would have — and, per wait, what its start needs (the message's fields a
// first attempt has), without a message slot. A wait that is rejected at its start takes a slot
// then; the waits still held when the loop stops are handed to the simulator as slots and
// ATTEMPT_START events with their own order numbers (Simulator.scheduleSoonAt).
//
// The order is a sorted ring, not a heap: few waits are held at once (a busy pool's queue), a new
// wait's start is mostly later than most held ones (insertion from the tail moves few), and the
// earliest leaves from the head in one step. Order numbers grow with each push, so a new wait
// goes after every held one of an equal start.
import { grown } from "../grown.js";

export class FirstWaits {
  /** Waits held. */
  size = 0;
  /** The earliest start held (Infinity when none) and its order number. */
  nextTime = Number.POSITIVE_INFINITY;
  nextSeq = Number.POSITIVE_INFINITY;
  // The ring, sorted by (start, order number) from `head`: keys and the record of each entry.
  private times = new Float64Array(16);
  private seqs = new Float64Array(16);
  private records = new Int32Array(16);
  private head = 0;
  // Records, by index: what the wait's start needs.
  submitted = new Float64Array(16);
  id = new Float64Array(16);
  sender = new Int32Array(16);
  domain = new Int32Array(16);
  server = new Int32Array(16);
  counted = new Uint8Array(16);
  /** Free record indices (a stack) and how many records were ever used. */
  private free = new Int32Array(16);
  private freeCount = 0;
  private used = 0;

  /**
   * Hold a wait with order number `seq` (greater than every held one's), its start in `lanes[13]`
   * and its submission time in `lanes[12]` (the arrivals loop's lanes): doubles passed in memory,
   * not as arguments (a call that is not inlined boxes each double argument, a heap number per wait).
   */
  pushFrom(
    lanes: Float64Array,
    seq: number,
    id: number,
    sender: number,
    domain: number,
    server: number,
    counted: boolean,
  ): void {
    const start = lanes[13];
    const submitted = lanes[12];
    let r: number;
    if (this.freeCount > 0) r = this.free[--this.freeCount];
    else {
      if (this.used === this.submitted.length) this.grow();
      r = this.used++;
    }
    this.submitted[r] = submitted;
    this.id[r] = id;
    this.sender[r] = sender;
    this.domain[r] = domain;
    this.server[r] = server;
    this.counted[r] = counted ? 1 : 0;
    const times = this.times;
    const seqs = this.seqs;
    const records = this.records;
    const mask = times.length - 1;
    const head = this.head;
    let i = this.size++;
    // From the tail: move the held waits that start later one place on.
    while (i > 0) {
      const from = (head + i - 1) & mask;
      const t = times[from];
      if (t <= start) break;
      const to = (head + i) & mask;
      times[to] = t;
      seqs[to] = seqs[from];
      records[to] = records[from];
      i--;
    }
    const at = (head + i) & mask;
    times[at] = start;
    seqs[at] = seq;
    records[at] = r;
    if (i === 0) {
      this.nextTime = start;
      this.nextSeq = seq;
    }
  }

  /** Remove the earliest wait and return its record (read it, then release it). */
  pop(): number {
    const head = this.head;
    const top = this.records[head];
    const next = (head + 1) & (this.times.length - 1);
    this.head = next;
    if (--this.size === 0) {
      this.nextTime = Number.POSITIVE_INFINITY;
      this.nextSeq = Number.POSITIVE_INFINITY;
    } else {
      this.nextTime = this.times[next];
      this.nextSeq = this.seqs[next];
    }
    return top;
  }

  /** A popped record is no longer needed. */
  release(record: number): void {
    this.free[this.freeCount++] = record;
  }

  private grow(): void {
    const n = 2 * this.submitted.length;
    // The ring keeps its order from index 0.
    const old = this.times.length;
    const times = new Float64Array(n);
    const seqs = new Float64Array(n);
    const records = new Int32Array(n);
    for (let k = 0; k < this.size; k++) {
      const from = (this.head + k) & (old - 1);
      times[k] = this.times[from];
      seqs[k] = this.seqs[from];
      records[k] = this.records[from];
    }
    this.times = times;
    this.seqs = seqs;
    this.records = records;
    this.head = 0;
    this.submitted = grown(this.submitted, n);
    this.id = grown(this.id, n);
    this.sender = grown(this.sender, n);
    this.domain = grown(this.domain, n);
    this.server = grown(this.server, n);
    this.counted = grown(this.counted, n);
    this.free = grown(this.free, n);
  }
}
