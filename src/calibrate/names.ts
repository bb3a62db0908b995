// Names (senders, recipient domains) numbered from their bytes, lower-cased, without a string per
// look-up: the reading thread numbers them (batch.ts) so that the thread keeping the evidence
// translates a number instead of hashing a fresh string per line. An open-addressing table of
// FNV-1a hashes over an arena of the names' bytes. Browser-safe.

/** ASCII bytes lower-cased (A–Z → a–z), as String.prototype.toLowerCase does for ASCII. */
function lowerByte(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

export class ByteNames {
  /** Slot → name number + 1 (0: empty). */
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  /** Name number → [start, end) in the arena. */
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  count = 0;
  /** Was the last `number` a name not seen before? */
  added = false;

  constructor(
    /** Names numbered at most; past it `number` answers −1. */
    readonly cap: number,
  ) {}

  /** The number of the ASCII name bytes[from, to) lower-cased (new names get the next number), or −1 past the cap. */
  number(bytes: Uint8Array, from: number, to: number): number {
    // (| 0: the hash as the Int32Array keeps it, also for an empty name.)
    let hash = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ lowerByte(bytes[i]), 0x01000193);
    const mask = this.slots.length - 1;
    let s = hash & mask;
    const length = to - from;
    for (;;) {
      const id = this.slots[s] - 1;
      if (id < 0) break;
      if (this.hashes[s] === hash && this.ends[id] - this.starts[id] === length && this.same(id, bytes, from, to)) {
        this.added = false;
        return id;
      }
      s = (s + 1) & mask;
    }
    if (this.count >= this.cap) {
      this.added = false;
      return -1;
    }
    const id = this.count++;
    this.store(id, bytes, from, to);
    this.slots[s] = id + 1;
    this.hashes[s] = hash;
    if (this.count * 2 > this.slots.length) this.grow();
    this.added = true;
    return id;
  }

  private same(id: number, bytes: Uint8Array, from: number, to: number): boolean {
    const arena = this.arena;
    for (let i = from, j = this.starts[id]; i < to; i++, j++) if (lowerByte(bytes[i]) !== arena[j]) return false;
    return true;
  }

  private store(id: number, bytes: Uint8Array, from: number, to: number): void {
    const length = to - from;
    if (this.used + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    if (id >= this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const ends = new Int32Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.starts[id] = this.used;
    for (let i = from; i < to; i++) this.arena[this.used++] = lowerByte(bytes[i]);
    this.ends[id] = this.used;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const hashes = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let s = 0; s < this.slots.length; s++) {
      const v = this.slots[s];
      if (v === 0) continue;
      let t = this.hashes[s] & mask;
      while (slots[t] !== 0) t = (t + 1) & mask;
      slots[t] = v;
      hashes[t] = this.hashes[s];
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}
