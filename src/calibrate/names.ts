// Names (senders) numbered from their bytes, lower-cased, without a string per
// look-up: the reading thread numbers them (batch.ts) so that the thread keeping the evidence
// translates a number instead of hashing a fresh string per line. An open-addressing table of
// FNV-1a hashes over an arena of the names' bytes. Browser-safe.

/** ASCII bytes lower-cased (A–Z → a–z), as String.prototype.toLowerCase does for ASCII. */
function lowerByte(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

export class ByteNames {
  /** Open addressing, two numbers a slot: the name's hash, its number + 1 (0: empty). */
  private table = new Int32Array(2 << 12);
  /** Name number → its start and length in the arena. */
  private spans = new Int32Array(2 * 1024);
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
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let s = hash & mask;
    const length = to - from;
    for (;;) {
      const id = table[2 * s + 1] - 1;
      if (id < 0) break;
      if (table[2 * s] === hash && this.spans[2 * id + 1] === length && this.same(id, bytes, from, to)) {
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
    table[2 * s] = hash;
    table[2 * s + 1] = id + 1;
    if (this.count * 4 > table.length) this.grow();
    this.added = true;
    return id;
  }

  private same(id: number, bytes: Uint8Array, from: number, to: number): boolean {
    const arena = this.arena;
    for (let i = from, j = this.spans[2 * id]; i < to; i++, j++) if (lowerByte(bytes[i]) !== arena[j]) return false;
    return true;
  }

  private store(id: number, bytes: Uint8Array, from: number, to: number): void {
    const length = to - from;
    if (this.used + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    if (2 * id + 1 >= this.spans.length) {
      const spans = new Int32Array(this.spans.length * 2);
      spans.set(this.spans);
      this.spans = spans;
    }
    this.spans[2 * id] = this.used;
    this.spans[2 * id + 1] = length;
    for (let i = from; i < to; i++) this.arena[this.used++] = lowerByte(bytes[i]);
  }

  /** Double the slots (kept at most half full). */
  private grow(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const mask = (table.length >> 1) - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let t = old[s] & mask;
      while (table[2 * t + 1] !== 0) t = (t + 1) & mask;
      table[2 * t] = old[s];
      table[2 * t + 1] = old[s + 1];
    }
    this.table = table;
  }
}
