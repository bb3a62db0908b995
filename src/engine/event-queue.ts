// The pending-event set: a binary min-heap on typed arrays keyed by (time, order number), the
// number push()'s count or the caller's (insert: the Simulator's two heaps share one order), so
// events at equal times leave in the order they were scheduled (FIFO), as SimPy's do.
// Struct-of-arrays and no allocation per event: the heap only grows, by doubling.

export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private payloads: Int32Array;
  private count = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.payloads = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.times[0];
  }

  /** Payload of the earliest event (undefined behaviour when empty). */
  peekPayload(): number {
    return this.payloads[0];
  }

  /** Order of an earliest event among its equal times (undefined behaviour when empty). */
  peekSeq(): number {
    return this.seqs[0];
  }

  push(time: number, payload: number): void {
    this.insert(time, this.nextSeq++, payload);
  }

  /**
   * Push with an order number from the caller, for several queues that share one order
   * (Simulator): among equal times the smaller `seq` leaves first. Numbers must not repeat.
   */
  insert(time: number, seq: number, payload: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    let i = this.count++;
    // Sift up: move parents down until the new key is not smaller than its parent's.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** Remove the earliest event; read it first with peekTime/peekPayload. */
  pop(): void {
    const n = --this.count;
    if (n === 0) return;
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const time = times[n];
    const seq = seqs[n];
    const payload = payloads[n];
    let i = 0;
    // Sift down the former last element from the root.
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (times[right] < times[child] || (times[right] === times[child] && seqs[right] < seqs[child]))) {
        child = right;
      }
      const ct = times[child];
      if (time < ct || (time === ct && seq < seqs[child])) break;
      times[i] = ct;
      seqs[i] = seqs[child];
      payloads[i] = payloads[child];
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  clear(): void {
    this.count = 0;
    this.nextSeq = 0;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const payloads = new Int32Array(capacity);
    times.set(this.times);
    seqs.set(this.seqs);
    payloads.set(this.payloads);
    this.times = times;
    this.seqs = seqs;
    this.payloads = payloads;
  }
}
