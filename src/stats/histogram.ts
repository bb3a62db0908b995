// Log-bucketed histogram of non-negative values (delivery delays, seconds) that never stores
// the values: constant memory, allocation-free add() for the hot loop, mergeable across workers.
import { POWERS_OF_GAMMA } from "./log-edges.js";

/** Buckets per decade. γ = 10^(1/231) makes (γ − 1)/(γ + 1) = 0.4984 % ≤ 0.5 %. */
const PER_DECADE = 231;
/** Smallest value with relative accuracy: 1 ms. Values below go to the underflow bucket. */
const MIN_VALUE = 1e-3;
/** Values from 1e9 s (31.7 years) up go to the overflow bucket. */
const MAX_VALUE = 1e9;
const DECADES = 12;
const LOG_BUCKETS = PER_DECADE * DECADES;
/** Index layout: 0 = underflow [0, 1e-3), 1…LOG_BUCKETS = [1e-3·γ^(i−1), 1e-3·γ^i), last = overflow. */
const OVERFLOW = LOG_BUCKETS + 1;
const SIZE = LOG_BUCKETS + 2;
const LOG_MIN = Math.log(MIN_VALUE);
const INV_LOG_GAMMA = PER_DECADE / Math.LN10;
/** Layout tag stored in JSON so that histograms with different layouts are never merged. */
const LAYOUT = `log10/${PER_DECADE}/${MIN_VALUE}/${MAX_VALUE}`;

/** Upper edge of bucket i (1 ≤ i ≤ LOG_BUCKETS), computed from the decade so it is exact at powers of ten. */
function upperEdge(i: number): number {
  // 10 ** (i / PER_DECADE), from a table: engines differ in pow's last bits (log-edges.ts).
  return MIN_VALUE * POWERS_OF_GAMMA[i];
}

/**
 * a[i] += b[i] for every bucket. Its own function, with nothing after the loop, because V8 compiles
 * a loop this long on the stack (OSR) during the first call: inside merge, that code deoptimised
 * on every later merge in a thread that only merges (the main thread at 2 workers: 91 times in
 * one 31-point sweep).
 */
function addCounts(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/**
 * Relative accuracy of quantile(): the harmonic mean 2·lo·hi/(lo + hi) of a bucket is within
 * (γ − 1)/(γ + 1) of every value in [lo, hi) (the DDSketch construction, Masson et al. 2019).
 */
export const RELATIVE_ACCURACY = (10 ** (1 / PER_DECADE) - 1) / (10 ** (1 / PER_DECADE) + 1);

/** Compact JSON form: only non-empty buckets, as [index, count] pairs. */
export interface LogHistogramJSON {
  layout: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: Array<[number, number]>;
}

/**
 * Histogram with a fixed layout: an underflow bucket [0, 1 ms), 231 log-spaced buckets per
 * decade from 1 ms to 1e9 s, and an overflow bucket. It also keeps the count, the sum
 * (Neumaier-compensated, so the mean is exact to rounding), and the minimum and maximum.
 */
export class LogHistogram {
  readonly #counts = new Float64Array(SIZE);
  // The count, the sum and its compensation are declared with a fraction and set to 0 in the
  // constructor, so that they are doubles from construction on (see engine/simulator.ts's `now`): a
  // histogram's map must not change at its first fractional sum, nor when fromJSON() stores a count
  // summed from a JSON's buckets, which arrive as doubles once toJSON's bucket pairs are arrays of
  // doubles. That store deprecated the class's map in the middle of advise, and with it the code of
  // every loop that counts a delay (plainArrivals, conclude, startSession…; docs/performance.md,
  // section osr).
  #n = Number.NaN;
  #sum = Number.NaN;
  /** Neumaier compensation: the low-order bits lost by #sum. */
  #sumError = Number.NaN;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  #lastValue = Number.NaN;
  #lastIndex = 0;
  /** The value before the last one and its bucket: a run of equal values broken by one other comes back cheaply. */
  #otherValue = Number.NaN;
  #otherIndex = 0;

  constructor() {
    this.#n = 0;
    this.#sum = 0;
    this.#sumError = 0;
  }

  /** Records x ≥ 0 (finite). Allocation-free and branch-light: it runs once per delivery. */
  add(x: number): void {
    // Many delays repeat exactly (a fixed session time): the last value was checked, bucketed and
    // already lies within [min, max], so only the counts and the sum move.
    this.#count(x === this.#lastValue ? this.#lastIndex : this.#place(x), x);
  }

  /**
   * add(x) when x is the last value added (a fixed session time, added by most deliveries), and
   * true; false, and nothing added, otherwise. For a loop whose inlining budget is short
   * (capacity/arrivals.ts): this much is small enough to be inlined where add(), whose own code
   * holds #place, is not.
   */
  addRepeated(x: number): boolean {
    if (x !== this.#lastValue) return false;
    this.#count(this.#lastIndex, x);
    return true;
  }

  /** One more value x in bucket i: the counts and the compensated sum. */
  #count(i: number, x: number): void {
    this.#counts[i]++;
    this.#n++;
    const s = this.#sum;
    const t = s + x;
    // Neumaier (1974): recover the part of the smaller operand that the addition dropped. The
    // operands are chosen first and the one expression always runs (the same value as
    // `s >= x ? s - t + x : x - t + s`, signed zeros included: test/stats/histogram.test.ts): the
    // `s < x` side is taken only while the sum is small, at
    // a replication's first deliveries, which in the first replication come before V8 collects
    // type feedback here — the loops this is inlined into were deoptimised at the next start.
    this.#sumError += Math.max(s, x) - t + Math.min(s, x);
    this.#sum = t;
  }

  /**
   * The bucket of a value other than the last one. The last value and the one kept beside it (the
   * other) are the two cached: a new value is checked, bucketed and counted in [min, max] (#admit)
   * and takes the other's place, so that a value repeated by most deliveries (a fixed session
   * time) stays the last one through the single values between its runs (a queued attempt's
   * delay, a resend's); the other, met again, becomes the last one. Written as selects, every load
   * and store made on both paths: the other is met again at a replication's start (its first two
   * deliveries), which in the first replication comes before V8 collects type feedback here, and
   * a path without feedback deoptimised this code at the next replication's start.
   */
  #place(x: number): number {
    // `x − 0` is x (−0 included), but a double to the optimiser: with x itself, a tagged argument,
    // each select was a tagged value, and a new heap number when it took a field's double.
    const value = x - 0;
    const lastValue = this.#lastValue;
    const lastIndex = this.#lastIndex;
    const otherIndex = this.#otherIndex;
    const again = value === this.#otherValue;
    const i = again ? otherIndex : this.#admit(value);
    this.#lastValue = again ? value : lastValue;
    this.#lastIndex = again ? i : lastIndex;
    this.#otherValue = again ? lastValue : value;
    this.#otherIndex = again ? lastIndex : i;
    return i;
  }

  /** A value not cached: checked, its bucket found, [min, max] widened to it. */
  #admit(x: number): number {
    if (!(x >= 0 && x < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`LogHistogram.add: expected a finite value ≥ 0, got ${x}`);
    }
    let i: number;
    if (x < MIN_VALUE) i = 0;
    else if (x >= MAX_VALUE) i = OVERFLOW;
    else {
      // floor(log_γ(x/1e-3)) + 1, clamped because rounding of the log can step past an end.
      i = Math.floor((Math.log(x) - LOG_MIN) * INV_LOG_GAMMA) + 1;
      if (i < 1) i = 1;
      else if (i > LOG_BUCKETS) i = LOG_BUCKETS;
    }
    // Stored every time, not only when they move (they move at a replication's first values,
    // before V8 collects type feedback here; see add()).
    const min = this.#min;
    const max = this.#max;
    // biome-ignore lint/complexity/useMathMinMax: Math.min would take −0 over a minimum of 0.
    this.#min = x < min ? x : min;
    // biome-ignore lint/complexity/useMathMinMax: Math.max would take 0 over a maximum of −0.
    this.#max = x > max ? x : max;
    return i;
  }

  get count(): number {
    return this.#n;
  }

  /** Sum of the recorded values (not of bucket representatives); 0 when empty. */
  get sum(): number {
    return this.#sum + this.#sumError;
  }

  /** Mean of the recorded values; NaN when empty. */
  get mean(): number {
    return this.#n === 0 ? Number.NaN : this.sum / this.#n;
  }

  /** Smallest recorded value; NaN when empty. */
  get min(): number {
    return this.#n === 0 ? Number.NaN : this.#min;
  }

  /** Largest recorded value; NaN when empty. */
  get max(): number {
    return this.#n === 0 ? Number.NaN : this.#max;
  }

  /**
   * Approximates the ⌈q·n⌉-th smallest value (the first one when q·n ≤ 1; q·n as computed in
   * floating point). Within RELATIVE_ACCURACY of it when it lies in [1 ms, 1e9 s); within 1 ms
   * in absolute terms when it is below 1 ms; the maximum when it is in the overflow bucket.
   * The result is clamped to [min, max], which only moves it closer. NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`LogHistogram.quantile: q must be in [0, 1], got ${q}`);
    const n = this.#n;
    if (n === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * n));
    let cumulative = 0;
    let i = 0;
    for (; i < SIZE; i++) {
      cumulative += this.#counts[i];
      if (cumulative >= rank) break;
    }
    let value: number;
    if (i === 0) value = 0;
    else if (i >= OVERFLOW) value = this.#max;
    else {
      const lo = upperEdge(i - 1);
      const hi = upperEdge(i);
      value = (2 * lo * hi) / (lo + hi);
    }
    return Math.min(this.#max, Math.max(this.#min, value));
  }

  /** Adds other's counts into this histogram (other is unchanged); returns this. */
  merge(other: LogHistogram): this {
    addCounts(this.#counts, other.#counts);
    this.#n += other.#n;
    this.#addToSum(other.#sum);
    this.#addToSum(other.#sumError);
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    return this;
  }

  #addToSum(x: number): void {
    const s = this.#sum;
    const t = s + x;
    this.#sumError += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    this.#sum = t;
  }

  /**
   * Empirical CDF at bucket upper edges, where it is exact: each point is (edge, fraction of
   * values below edge); the last point is (max, 1). Thinned to at most maxPoints (≥ 2) points by
   * keeping the first and last non-empty buckets and, in between, a bucket whenever the
   * fraction has risen by ≥ 1/h or the log-value by ≥ 1/h of the span since the last kept
   * one, h = ⌊(maxPoints − 2)/2⌋; each rule can fire at most h times. Empty histogram → [].
   */
  cdf(maxPoints = 200): Array<{ value: number; fraction: number }> {
    if (!(Number.isInteger(maxPoints) && maxPoints >= 2)) {
      throw new RangeError(`LogHistogram.cdf: maxPoints must be an integer ≥ 2, got ${maxPoints}`);
    }
    const n = this.#n;
    const counts = this.#counts;
    if (n === 0) return [];
    let first = 0;
    while (counts[first] === 0) first++;
    let last = SIZE - 1;
    while (counts[last] === 0) last--;
    const h = Math.floor((maxPoints - 2) / 2);
    const span = last - first;
    const points: Array<{ value: number; fraction: number }> = [];
    const point = (i: number, cumulative: number) => {
      const edge = i === 0 ? MIN_VALUE : i === OVERFLOW ? this.#max : upperEdge(i);
      points.push({
        value: Math.min(edge, this.#max),
        fraction: cumulative / n,
      });
    };
    let cumulative = 0;
    let keptIndex = first;
    let keptCumulative = 0;
    for (let i = first; i <= last; i++) {
      const c = counts[i];
      if (c === 0) continue;
      cumulative += c;
      // Integer comparisons, so the bounds on the number of points hold exactly.
      const keep =
        i === first || i === last || (h > 0 && ((cumulative - keptCumulative) * h >= n || (i - keptIndex) * h >= span));
      if (keep) {
        point(i, cumulative);
        keptIndex = i;
        keptCumulative = cumulative;
      }
    }
    return points;
  }

  toJSON(): LogHistogramJSON {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < SIZE; i++) if (this.#counts[i] !== 0) buckets.push([i, this.#counts[i]]);
    return {
      layout: LAYOUT,
      count: this.#n,
      sum: this.sum,
      min: this.min,
      max: this.max,
      buckets,
    };
  }

  /** Inverse of toJSON(); throws on a different layout or inconsistent counts. */
  static fromJSON(json: LogHistogramJSON): LogHistogram {
    if (json.layout !== LAYOUT) {
      throw new RangeError(`LogHistogram.fromJSON: layout ${json.layout}, expected ${LAYOUT}`);
    }
    const h = new LogHistogram();
    let total = 0;
    for (const [i, c] of json.buckets) {
      if (!(Number.isInteger(i) && i >= 0 && i < SIZE && c > 0)) {
        throw new RangeError(`LogHistogram.fromJSON: bad bucket [${i}, ${c}]`);
      }
      h.#counts[i] += c;
      total += c;
    }
    if (total !== json.count) {
      throw new RangeError(`LogHistogram.fromJSON: buckets hold ${total} values, count says ${json.count}`);
    }
    h.#n = total;
    h.#sum = json.sum;
    // JSON turns NaN into null; an empty histogram keeps its infinite sentinels.
    if (total > 0) {
      h.#min = json.min;
      h.#max = json.max;
    }
    return h;
  }
}
