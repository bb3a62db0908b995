// Names (senders) numbered from their bytes, lower-cased, without a string per
// look-up: the reading thread numbers them (batch.ts) so that the thread keeping the evidence
// translates a number instead of hashing a fresh string per line. An open-addressing table
// over an arena of the names' bytes, hashed and compared four bytes at a time. Browser-safe.

/** ASCII bytes lower-cased (A–Z → a–z), as String.prototype.toLowerCase does for ASCII. */
function lowerByte(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

/** Numbers per slot of the table: the name's hash, its number + 1 (0: empty), its start in the arena, its length. */
const SLOT = 4;

export class ByteNames {
  /** Open addressing, SLOT numbers a slot (one cache line holds a slot's hash, number and span). */
  private table = new Int32Array(SLOT << 12);
  private arena = new Uint8Array(1 << 16);
  private arenaView: DataView = new DataView(this.arena.buffer);
  private used = 0;
  /** A view of the bytes last looked up in (a chunk), and those bytes. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;
  /** A name with upper-case letters, lower-cased here before it is hashed. */
  private scratch = new Uint8Array(256);
  private scratchView: DataView = new DataView(this.scratch.buffer);
  count = 0;
  /** Was the last `number` a name not seen before? */
  added = false;

  constructor(
    /** Names numbered at most; past it `number` answers −1. */
    readonly cap: number,
  ) {}

  /**
   * The number of the ASCII name bytes[from, to) lower-cased (new names get the next number), or
   * −1 past the cap. `lower`: the caller knows the bytes hold no upper-case letter (A–Z).
   */
  number(bytes: Uint8Array, from: number, to: number, lower = false): number {
    let view: DataView;
    let src = bytes;
    let at = from;
    const length = to - from;
    if (!lower) {
      // Lower-case a copy (names are short; a long one grows the scratch buffer).
      if (length > this.scratch.length) {
        this.scratch = new Uint8Array(Math.max(2 * this.scratch.length, length));
        this.scratchView = new DataView(this.scratch.buffer);
      }
      const scratch = this.scratch;
      for (let i = 0; i < length; i++) scratch[i] = lowerByte(bytes[from + i]);
      src = scratch;
      at = 0;
      view = this.scratchView;
    } else {
      if (bytes !== this.viewOf) {
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.viewOf = bytes;
      }
      view = this.view;
    }
    const hash = byteHash(view, src, at, at + length);
    const table = this.table;
    const mask = table.length / SLOT - 1;
    let s = hash & mask;
    for (;;) {
      const t = SLOT * s;
      const id = table[t + 1] - 1;
      if (id < 0) break;
      if (table[t] === hash && table[t + 3] === length && this.same(table[t + 2], view, src, at, length)) {
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
    const t = SLOT * s;
    table[t] = hash;
    table[t + 1] = id + 1;
    table[t + 2] = this.store(src, at, length);
    table[t + 3] = length;
    if (this.count * 2 * SLOT > table.length) this.grow();
    this.added = true;
    return id;
  }

  /** Do the arena's bytes from `start` equal src[at, at + length) (`view` is a view of src)? */
  private same(start: number, view: DataView, src: Uint8Array, at: number, length: number): boolean {
    const arena = this.arenaView;
    let i = 0;
    for (; i + 4 <= length; i += 4) if (view.getUint32(at + i, true) !== arena.getUint32(start + i, true)) return false;
    const bytes = this.arena;
    for (; i < length; i++) if (src[at + i] !== bytes[start + i]) return false;
    return true;
  }

  /** Copy a (lower-case) name into the arena; its start there. */
  private store(src: Uint8Array, at: number, length: number): number {
    if (this.used + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
      this.arenaView = new DataView(grown.buffer);
    }
    const start = this.used;
    this.arena.set(src.subarray(at, at + length), start);
    this.used += length;
    return start;
  }

  /** Double the slots (kept at most half full: a smaller table, fewer cache misses). */
  private grow(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const mask = table.length / SLOT - 1;
    for (let s = 0; s < old.length; s += SLOT) {
      if (old[s + 1] === 0) continue;
      let t = old[s] & mask;
      while (table[SLOT * t + 1] !== 0) t = (t + 1) & mask;
      for (let k = 0; k < SLOT; k++) table[SLOT * t + k] = old[s + k];
    }
    this.table = table;
  }
}

/**
 * A hash of bytes[from, to) (`view` is a view of the same bytes), four bytes at a time, mixed at
 * the end so every byte reaches the low bits: the key of ByteNames' table and of PostfixBytes'
 * table of hosts and programs.
 */
export function byteHash(view: DataView, bytes: Uint8Array, from: number, to: number): number {
  let h = (to - from) | 0;
  let i = from;
  for (; i + 4 <= to; i += 4) h = Math.imul(h ^ view.getUint32(i, true), 0x9e3779b1);
  for (; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
