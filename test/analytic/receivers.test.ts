// Closed forms of the receiver side (src/analytic/receivers.ts): values by hand, limits, and the
// first-lookup form against numerical integration of the uniform-time one.
import { describe, expect, it } from "vitest";
import {
  mailShareOutsideTop,
  staleAnswerFraction,
  staleFirstLookupAfter,
  subscribedMailShare,
} from "../../src/analytic/receivers.js";

describe("mailShareOutsideTop", () => {
  it("is Σ_{i≥k} w_i / Σ w_i by hand", () => {
    expect(mailShareOutsideTop(3, 0, 1)).toBeCloseTo(2 / 3, 15);
    expect(mailShareOutsideTop(2, 1, 1)).toBeCloseTo(0.5 / 1.5, 15);
    expect(mailShareOutsideTop(4, 2, 2)).toBeCloseTo((1 / 9 + 1 / 16) / (1 + 1 / 4 + 1 / 9 + 1 / 16), 15);
    expect(mailShareOutsideTop(10, 1, 0)).toBe(1);
    expect(mailShareOutsideTop(10, 1, 10)).toBe(0);
  });

  it("rejects bad arguments", () => {
    expect(() => mailShareOutsideTop(0, 1, 0)).toThrow(RangeError);
    expect(() => mailShareOutsideTop(10, -1, 0)).toThrow(RangeError);
    expect(() => mailShareOutsideTop(10, 1, 1.5)).toThrow(RangeError);
  });
});

describe("subscribedMailShare", () => {
  it("is p for a plain share, p·(outside share) for a rank rule and m for a mail rule", () => {
    expect(subscribedMailShare(0.3, 5000, 1)).toBe(0.3);
    expect(subscribedMailShare({ share: 0.3, exceptTop: 0 }, 5000, 1)).toBeCloseTo(0.3, 15);
    expect(subscribedMailShare({ share: 0.5, exceptTop: 1 }, 3, 0)).toBeCloseTo(1 / 3, 15);
    expect(subscribedMailShare({ mailShare: 0.2, exceptTop: 5 }, 5000, 1)).toBe(0.2);
  });
});

describe("staleAnswerFraction", () => {
  it("starts at rT/(1 + rT), falls linearly and is 0 from the TTL on", () => {
    expect(staleAnswerFraction(0, 600, 1 / 600)).toBeCloseTo(0.5, 15);
    expect(staleAnswerFraction(300, 600, 1 / 600)).toBeCloseTo(0.25, 15);
    expect(staleAnswerFraction(600, 600, 1 / 600)).toBe(0);
    expect(staleAnswerFraction(900, 600, 1 / 600)).toBe(0);
    expect(staleAnswerFraction(0, 0, 1)).toBe(0);
  });

  it("tends to 1 − t/T as lookups get frequent (the entry is almost always valid)", () => {
    expect(staleAnswerFraction(150, 600, 1e6)).toBeCloseTo(0.75, 5);
  });
});

describe("staleFirstLookupAfter", () => {
  it("equals ∫ staleAnswerFraction(t + e)·r·e^{−re} de (midpoint rule)", () => {
    for (const [t, T, r] of [
      [0, 600, 1 / 600],
      [120, 600, 1 / 300],
      [450, 900, 1 / 600],
      [0, 60, 1 / 3600],
    ]) {
      const steps = 200_000;
      const h = T / steps;
      let integral = 0;
      for (let i = 0; i < steps; i++) {
        const e = (i + 0.5) * h;
        integral += staleAnswerFraction(t + e, T, r) * r * Math.exp(-r * e) * h;
      }
      expect(staleFirstLookupAfter(t, T, r)).toBeCloseTo(integral, 8);
    }
  });

  it("is 0 once the TTL has passed and for no lookups", () => {
    expect(staleFirstLookupAfter(600, 600, 1)).toBe(0);
    expect(staleFirstLookupAfter(0, 600, 0)).toBe(0);
  });
});
