// bootstrapQuantile keeps its last quantiles by the bits of their inputs (`sim advise` asks for many
// twice): a quantile found there must be the one computed afresh, and inputs that differ in any
// bit — one value, the x's, the length, the ratio — must not find another's.
import { describe, expect, it, vi } from "vitest";
import { mulberry32 } from "../../src/stats/interval.js";

type Module = typeof import("../../src/stats/interval.js");
/** A fresh instance of the module: nothing kept yet. */
async function fresh(): Promise<Module> {
  vi.resetModules();
  return import("../../src/stats/interval.js");
}

interface Case {
  y: number[];
  x: number[];
  ratio: number;
  se: number;
}

/** Cases that differ from one another in one small way each. */
function cases(): Case[] {
  const next = mulberry32(11);
  const base = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 40));
  const out: Case[] = [];
  const add = (y: number[], x: number[], ratio = 0.3, se = 0.05) => out.push({ y, x, ratio, se });
  for (const n of [12, 30, 57, 100]) {
    const y = base(n);
    const ones = new Array(n).fill(1);
    const x = y.map((v) => v + 1 + Math.floor(next() * 20));
    add(y, ones); // a mean
    add(y, x); // the same y, a ratio
    add(
      y,
      x.map((v, i) => (i === n - 1 ? v + 1 : v)),
    ); // one x moved
    add(
      y.map((v, i) => (i === 3 ? v + 2 ** -40 : v)),
      x,
    ); // one y moved by a little
    add(y.slice(0, n - 1), x.slice(0, n - 1)); // one replication fewer
    add(y, x, 0.3 + 2 ** -50); // another ratio
    add(y, x, 0.3, 0.06); // another standard error
  }
  return out;
}

describe("bootstrapQuantile's kept quantiles", () => {
  it("are the quantiles computed afresh, whatever was asked before and however often", async () => {
    const all = cases();
    const reference = await fresh();
    const expected = all.map((c) => reference.bootstrapQuantile(c.y, c.x, c.ratio, c.se));
    // Inputs that differ give different quantiles here, so a wrong hit cannot pass unseen.
    expect(new Set(expected).size).toBeGreaterThan(all.length * 0.8);
    const subject = await fresh();
    const order = [...all.keys(), ...[...all.keys()].reverse(), ...all.keys()];
    for (const i of order) {
      const c = all[i];
      // Arrays and typed arrays alike: the key is the values, not the container.
      const y = i % 2 === 0 ? c.y : Float64Array.from(c.y);
      expect(Object.is(subject.bootstrapQuantile(y, c.x, c.ratio, c.se), expected[i]), `case ${i}`).toBe(true);
    }
  });

  it("stay within their bound of values, forgetting the oldest", async () => {
    const m = await fresh();
    const next = mulberry32(5);
    const n = 11_000;
    // 12 means of 11 000 values (22 000 with their x's): one more than KEPT_VALUES holds.
    const many = Array.from({ length: 12 }, () => Array.from({ length: n }, () => next()));
    const ones = new Array(n).fill(1);
    const first = many.map((y) => m.bootstrapQuantile(y, ones, 0.5, 0.01));
    expect(m.keptQuantileValues()).toBe(11 * 2 * n);
    expect(m.keptQuantileValues()).toBeLessThanOrEqual(m.KEPT_VALUES);
    // The first was forgotten and is computed again: the same.
    expect(m.bootstrapQuantile(many[0], ones, 0.5, 0.01)).toBe(first[0]);
    expect(m.keptQuantileValues()).toBe(11 * 2 * n);
  });
});
