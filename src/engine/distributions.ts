// Samplers for the distributions of DESIGN §1, compiled once from their normalised
// (seconds) form so that a draw in the hot loop is one virtual call and no allocation.
import { exponential } from "./exponential.js";
import type { Random } from "./random.js";

export type DistributionSpec =
  | { fixed: number }
  | { uniform: [number, number] }
  | { exponential: number }
  | { lognormal: { median: number; sigma: number } }
  | { empirical: number[] };

export interface Sampler {
  /** One draw, in the spec's unit. */
  sample(random: Random): number;
  /** The distribution's mean. */
  readonly mean: number;
  /** True when every draw is the same value (no random number is consumed). */
  readonly constant: boolean;
}

class Fixed implements Sampler {
  readonly constant = true;
  constructor(readonly mean: number) {}
  sample(): number {
    return this.mean;
  }
}

class Uniform implements Sampler {
  readonly constant = false;
  readonly mean: number;
  private readonly width: number;
  constructor(
    private readonly low: number,
    high: number,
  ) {
    this.width = high - low;
    this.mean = (low + high) / 2;
  }
  sample(random: Random): number {
    return this.low + this.width * random.next();
  }
}

class Exponential implements Sampler {
  readonly constant = false;
  constructor(readonly mean: number) {}
  sample(random: Random): number {
    return this.mean * exponential(random);
  }
}

class Lognormal implements Sampler {
  readonly constant = false;
  readonly mean: number;
  private readonly mu: number;
  constructor(
    median: number,
    private readonly sigma: number,
  ) {
    this.mu = Math.log(median);
    this.mean = median * Math.exp((sigma * sigma) / 2);
  }
  sample(random: Random): number {
    // Box–Muller with one of the pair: two uniforms per draw, no state between draws.
    const u1 = 1 - random.next();
    const u2 = random.next();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.exp(this.mu + this.sigma * normal);
  }
}

class Empirical implements Sampler {
  readonly constant = false;
  readonly mean: number;
  private readonly values: Float64Array;
  constructor(values: number[]) {
    this.values = Float64Array.from(values);
    this.mean = values.reduce((a, b) => a + b, 0) / values.length;
  }
  sample(random: Random): number {
    return this.values[Math.floor(random.next() * this.values.length)];
  }
}

export function sampler(spec: DistributionSpec): Sampler {
  if ("fixed" in spec) return new Fixed(spec.fixed);
  if ("uniform" in spec) {
    return spec.uniform[0] === spec.uniform[1]
      ? new Fixed(spec.uniform[0])
      : new Uniform(spec.uniform[0], spec.uniform[1]);
  }
  if ("exponential" in spec) return new Exponential(spec.exponential);
  if ("lognormal" in spec) {
    return spec.lognormal.sigma === 0
      ? new Fixed(spec.lognormal.median)
      : new Lognormal(spec.lognormal.median, spec.lognormal.sigma);
  }
  return spec.empirical.every((v) => v === spec.empirical[0])
    ? new Fixed(spec.empirical[0])
    : new Empirical(spec.empirical);
}

/** The support's upper end (Infinity for unbounded distributions). */
export function supremum(spec: DistributionSpec): number {
  if ("fixed" in spec) return spec.fixed;
  if ("uniform" in spec) return spec.uniform[1];
  if ("empirical" in spec) {
    // A loop, not Math.max(...): an empirical list may hold more values than the stack has room for.
    let max = Number.NEGATIVE_INFINITY;
    for (const v of spec.empirical) if (v > max) max = v;
    return max;
  }
  return Number.POSITIVE_INFINITY;
}
