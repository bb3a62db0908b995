// End times of the sessions in progress on each server, as one small binary min-heap per
// server. Least-connections needs every server's count of sessions in progress at each pick;
// releasing the ended ones lazily at the pick replaces one session-end event per attempt.

export class SessionEnds {
  private heaps: Float64Array[];
  readonly sizes: Int32Array;
  /** Earliest end per server (Infinity when none is in progress): a scan of this finds the servers to release. */
  readonly earliest: Float64Array;

  constructor(servers: number) {
    this.heaps = Array.from({ length: servers }, () => new Float64Array(8));
    this.sizes = new Int32Array(servers);
    this.earliest = new Float64Array(servers).fill(Number.POSITIVE_INFINITY);
  }

  push(server: number, end: number): void {
    let heap = this.heaps[server];
    let i = this.sizes[server]++;
    if (i === heap.length) {
      const grown = new Float64Array(heap.length * 2);
      grown.set(heap);
      this.heaps[server] = grown;
      heap = grown;
    }
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= end) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = end;
    this.earliest[server] = heap[0];
  }

  /** Remove the sessions of `server` that ended by `time`; returns how many. */
  releaseBy(server: number, time: number): number {
    const heap = this.heaps[server];
    let released = 0;
    while (this.sizes[server] > 0 && heap[0] <= time) {
      const n = --this.sizes[server];
      const last = heap[n];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap[child + 1] < heap[child]) child++;
        if (last <= heap[child]) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
      released++;
    }
    this.earliest[server] = this.sizes[server] === 0 ? Number.POSITIVE_INFINITY : heap[0];
    return released;
  }
}
