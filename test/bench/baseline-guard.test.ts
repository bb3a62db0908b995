// npm run bench keeps bench/baseline.json when the static loop runs below two thirds of its
// baseline figure (bench/baseline-guard.mjs): a throttled machine's figures must not replace the
// committed ones.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a bench script, plain JavaScript without declarations
import { SLOW_MACHINE, slowMachine } from "../../bench/baseline-guard.mjs";

describe("slowMachine", () => {
  it("writes at or above two thirds of the baseline's loop, and without a baseline loop", () => {
    expect(SLOW_MACHINE).toBeCloseTo(2 / 3, 12);
    expect(slowMachine(24.6, 24.6)).toBeNull();
    expect(slowMachine(30, 24.6)).toBeNull();
    expect(slowMachine(24.6 * SLOW_MACHINE, 24.6)).toBeNull();
    expect(slowMachine(4.5, undefined)).toBeNull();
  });

  it("keeps the baseline below two thirds, and says why with both figures", () => {
    expect(slowMachine(16.3, 24.6)).toBe(
      "the loop ran at 16.30 M messages/s against the baseline's 24.60 (below two thirds): " +
        "a loaded or throttled machine, or a regression to look at; --write-anyway writes it",
    );
    expect(slowMachine(4.5, 24.6)).toMatch(/^the loop ran at 4\.50 M messages\/s/);
    // A run whose loop failed to give a speed (NaN) is no evidence of a normal machine.
    expect(slowMachine(Number.NaN, 24.6)).not.toBeNull();
  });
});
