// A growable Float64 column with a hard cap: evidence kept for estimation never outgrows it.

export class Column {
  data: Float64Array;
  length = 0;
  constructor(
    readonly cap: number,
    initial = 1024,
  ) {
    this.data = new Float64Array(Math.min(initial, cap));
  }
  /** Append; false (and nothing stored) once the cap is reached. */
  push(x: number): boolean {
    if (this.length >= this.cap) return false;
    if (this.length === this.data.length) {
      const next = new Float64Array(Math.min(this.cap, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
    return true;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
