// Streaming mean and variance without storing values, mergeable across workers, for
// per-replication metrics that are accumulated one message at a time.

/**
 * Welford's (1962) one-pass mean and sum of squared deviations; merge() combines two
 * accumulators by the pairwise formula of Chan, Golub & LeVeque (1979).
 */
export class RunningStats {
  #n = 0;
  #mean = 0;
  /** Sum of squared deviations from the current mean (Welford's M2). */
  #m2 = 0;

  add(x: number): void {
    this.#n++;
    const delta = x - this.#mean;
    this.#mean += delta / this.#n;
    this.#m2 += delta * (x - this.#mean);
  }

  get count(): number {
    return this.#n;
  }

  /** NaN when empty. */
  get mean(): number {
    return this.#n === 0 ? Number.NaN : this.#mean;
  }

  /** Sample variance (divisor n − 1); NaN for fewer than two values. */
  get variance(): number {
    return this.#n < 2 ? Number.NaN : this.#m2 / (this.#n - 1);
  }

  /** Adds other's values into this accumulator (other is unchanged); returns this. */
  merge(other: RunningStats): this {
    const nb = other.#n;
    if (nb === 0) return this;
    const na = this.#n;
    const n = na + nb;
    const delta = other.#mean - this.#mean;
    // Chan et al.: M2 = M2a + M2b + δ²·na·nb/n, mean = meanA + δ·nb/n.
    this.#mean = na === 0 ? other.#mean : this.#mean + (delta * nb) / n;
    this.#m2 += other.#m2 + ((delta * delta * na) / n) * nb;
    this.#n = n;
    return this;
  }
}
