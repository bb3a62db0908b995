// Closed forms for several recipients per message (DESIGN §5): exact values worked by hand,
// and their limits (one recipient gives the one-recipient random forms).
import { describe, expect, it } from "vitest";
import { random, recipients } from "../../src/analytic/index.js";

describe("recipients closed forms", () => {
  it("rejects a message when its relay is listed and any domain consults the list", () => {
    // k/N = 0.1, p = 0.3, R = 3 on many equal domains: 0.1·(1 − 0.7³) = 0.0657.
    expect(recipients.messageFirstFailureUniform(20, 2, 0.3, [0, 0, 1])).toBeCloseTo(0.0657, 12);
    expect(recipients.recipientFirstFailure(20, 2, 0.7)).toBeCloseTo(0.03, 12);
    // R = 1 or 2 equally likely: 0.1·(1 − (0.7 + 0.49)/2).
    expect(recipients.messageFirstFailure(20, 2, 0.7, [0.5, 0.5])).toBeCloseTo(0.1 * (1 - 0.595), 12);
  });

  it("is the one-recipient random form with one recipient", () => {
    expect(recipients.messageFirstFailureUniform(10, 3, 0.4, [1])).toBeCloseTo(
      random.firstAttemptFailure(10, 3, 0.4),
      15,
    );
  });

  it("counts distinct domains", () => {
    // Two equally popular domains, two recipients: 1 + P(different) = 1.5.
    expect(recipients.distinctDomains([0.5, 0.5], [0, 1])).toBeCloseTo(1.5, 15);
    expect(recipients.distinctDomains([1], [0, 0, 0, 1])).toBe(1);
  });

  it("refuses what is not a pool or a probability", () => {
    expect(() => recipients.messageFirstFailure(2, 3, 0.5, [1])).toThrow(RangeError);
    expect(() => recipients.recipientFirstFailure(2, 1, 1.5)).toThrow(RangeError);
  });
});
