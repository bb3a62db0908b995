// Recipient domains: Zipf popularity 1/(i+1)^s, and per-domain list subscriptions drawn once.
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/engine/random.js";
import { drawSubscriptions, zipfTable } from "../../src/model/recipients.js";
import { expectFrequencies, expectProportion } from "../helpers/stats.js";

function domainCounts(domains: number, exponent: number, n: number): number[] {
  const table = zipfTable(domains, exponent);
  const random = randomStream(4, 0, "recipients");
  const counts = new Array(domains).fill(0);
  for (let i = 0; i < n; i++) counts[table.sample(random)]++;
  return counts;
}

describe("zipfTable", () => {
  it.each([1, 0.7, 1.5])("draws domain i with weight 1/(i+1)^%s", (s) => {
    const domains = 40;
    const counts = domainCounts(domains, s, 300_000);
    const weights = Array.from({ length: domains }, (_, i) => (i + 1) ** -s);
    expectFrequencies(counts, weights, `zipf ${s}`);
  });

  it("is uniform with exponent 0", () => {
    expectFrequencies(domainCounts(25, 0, 100_000), new Array(25).fill(1), "zipf 0");
  });

  it("has one entry per domain", () => {
    expect(zipfTable(5000, 1).size).toBe(5000);
  });
});

describe("drawSubscriptions", () => {
  it("subscribes about `subscribers` of the domains to each list, independently", () => {
    const domains = 50_000;
    const subscribers = [0.3, 0.05, 0.8];
    const masks = drawSubscriptions(domains, subscribers, randomStream(6, 0, "subscriptions"));
    expect(masks).toHaveLength(domains);
    const perList = [0, 0, 0];
    let both01 = 0;
    for (const mask of masks) {
      expect(mask & ~0b111).toBe(0);
      for (let b = 0; b < 3; b++) if (mask & (1 << b)) perList[b]++;
      if ((mask & 0b11) === 0b11) both01++;
    }
    subscribers.forEach((p, b) => {
      expectProportion(perList[b], domains, p, `list ${b}`);
    });
    expectProportion(both01, domains, 0.3 * 0.05, "lists 0 and 1 together");
  });

  it("subscribes nobody at 0 and everybody at 1", () => {
    const masks = drawSubscriptions(1000, [0, 1], randomStream(7, 0, "subscriptions"));
    for (const mask of masks) expect(mask).toBe(0b10);
  });

  it("is fixed by the stream: the same stream gives the same subscriptions", () => {
    const a = drawSubscriptions(100, [0.5], randomStream(8, 0, "subscriptions"));
    const b = drawSubscriptions(100, [0.5], randomStream(8, 0, "subscriptions"));
    const c = drawSubscriptions(100, [0.5], randomStream(8, 1, "subscriptions"));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
