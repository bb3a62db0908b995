// The ziggurat exponential (engine/exponential.ts) against the exponential distribution of mean 1:
// 4 million draws from a fixed stream, tested where the method could go wrong — a χ² over the
// x-ranges of its 255 wedges and over the tail beyond R (a wrong wedge test or tail moves mass
// between exactly these cells), the largest gap to the distribution function (DKW bound), and
// the mean. Every bound fails a correct sampler with probability below 1e-6 (test/helpers/stats.ts).
// Then the tail and a wedge on hand-made uniforms.
import { describe, expect, it } from "vitest";
import { exponential, exponentialFast, exponentialRest, ZIGGURAT_EDGES } from "../../src/engine/exponential.js";
import { type Random, randomStream } from "../../src/engine/random.js";
import { expectFrequencies, expectMeanNear, FALSE_ALARM } from "../helpers/stats.js";

const N = 4_000_000;
const X = ZIGGURAT_EDGES;
const R = X[1];
/** Cells: [X[k+1], X[k]) for k = 255 … 1 (increasing x), then the tail cut at R + 0.5, R + 1, R + 2. */
const edges = [...Array.from({ length: 256 }, (_, i) => X[256 - i]), R + 0.5, R + 1, R + 2, Number.POSITIVE_INFINITY];

function cellOf(x: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  // edges[lo] <= x < edges[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** The same draw for the uniforms `us` in turn (a Random that fails when they run out). */
function scripted(us: number[]): Random {
  let i = 0;
  return {
    next() {
      if (i >= us.length) throw new Error("drew more uniforms than scripted");
      return us[i++];
    },
  };
}

describe("exponential (ziggurat)", () => {
  it("takes its layers' edges from a table equal to Node's −log of the heights' recursion, every one", () => {
    // X[k+1] = −log(F[k+1]), F[k+1] = F[k] + V/X[k] from F[1] = e^−R, V = X[0]·e^−R (exponential.ts).
    const f1 = Math.exp(-R);
    const v = X[0] * f1;
    let f = f1;
    const differing: number[][] = [];
    for (let k = 1; k < 255; k++) {
      f += v / X[k];
      if (-Math.log(f) !== X[k + 1]) differing.push([k + 1, X[k + 1], -Math.log(f)]);
    }
    expect(differing).toEqual([]);
    expect(X[256]).toBe(0);
  });

  const random = randomStream(20261130, 0, "exponential-test");
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = exponential(random);

  it("puts the right mass in each wedge's x-range and in the tail", () => {
    const counts = new Array(edges.length - 1).fill(0);
    let invalid = 0;
    for (const x of xs) {
      if (!(x >= 0 && x < Number.POSITIVE_INFINITY)) invalid++;
      else counts[cellOf(x)]++;
    }
    expect(invalid).toBe(0);
    const p = counts.map(
      (_, i) => Math.exp(-edges[i]) - (edges[i + 1] === Number.POSITIVE_INFINITY ? 0 : Math.exp(-edges[i + 1])),
    );
    expectFrequencies(counts, p, "ziggurat cells");
  });

  it("stays within the DKW bound of the exponential distribution function", () => {
    const sorted = Float64Array.from(xs).sort();
    let d = 0;
    for (let i = 0; i < N; i++) {
      const f = 1 - Math.exp(-sorted[i]);
      d = Math.max(d, (i + 1) / N - f, f - i / N);
    }
    // Dvoretzky–Kiefer–Wolfowitz (Massart's constant): P(sup |F_n − F| > ε) ≤ 2·exp(−2nε²).
    const epsilon = Math.sqrt(Math.log(2 / FALSE_ALARM) / (2 * N));
    expect(d, `sup |F_n − F| = ${d}`).toBeLessThan(epsilon);
  });

  it("has mean 1", () => {
    expectMeanNear(xs.reduce((a, b) => a + b, 0) / N, 1, 1, N);
  });

  it("is exponentialFast of its first uniform, or exponentialRest from there: the same draws", () => {
    const one = randomStream(20261130, 0, "exponential-test");
    const split = randomStream(20261130, 0, "exponential-test");
    let rests = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = split.next();
      let x = exponentialFast(u);
      if (!(x >= 0)) {
        rests++;
        x = exponentialRest(u, split);
      }
      if (x !== exponential(one)) throw new Error(`draw ${i}: ${x} against ${exponential(one)}`);
    }
    // About 2.2 % of draws leave the inner rectangles.
    expect(rests).toBeGreaterThan(2000);
    expect(one.next()).toBe(split.next());
  });

  it("takes the tail as R plus a fresh exponential", () => {
    // Layer 0 (top byte 0) with U = 1 − 2^−24: x = 8.697… > R, so the tail: R − log(1 − 0.5).
    const u0 = 0xffffff / 4294967296;
    expect(exponential(scripted([u0, 0.5]))).toBe(R + Math.log(2));
  });

  it("accepts a wedge point under the curve and draws again above it", () => {
    // Layer 255 (the top one, X[256] = 0): every point is in its wedge [0, X[255]).
    const top = 255 * 16777216;
    const half = (top + 0x800000) / 4294967296;
    const x = 0x800000 * (X[255] / 16777216);
    // A height at the bottom of the layer is under the curve: x itself.
    expect(exponential(scripted([half, 0]))).toBe(x);
    // At the very top (height 1) it is above e^−x: a new layer and point, here layer 1 at U = 0 → 0.
    expect(exponential(scripted([half, 1 - 2 ** -32, 1 / 256]))).toBe(0);
  });
});
