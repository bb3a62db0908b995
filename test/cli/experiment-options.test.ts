// The shared experiment flags: --shard I/N, --workers, --precision and --max-replications.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_REPLICATIONS,
  parseExperimentArgs,
  parsePrecision,
  parseShard,
  parseWorkers,
  precisionNote,
} from "../../src/cli/experiment-options.js";
import { UsageError } from "../../src/cli/main.js";
import { defaultWorkers } from "../../src/experiment/pool.js";

describe("parseShard", () => {
  it("reads I/N", () => {
    expect(parseShard("0/4")).toEqual({ index: 0, count: 4 });
    expect(parseShard(" 3 / 4 ")).toEqual({ index: 3, count: 4 });
  });
  it("refuses 3/3, -1/2, a/b and 0/0 with the rule", () => {
    expect(() => parseShard("3/3")).toThrow(UsageError);
    expect(() => parseShard("3/3")).toThrow(/between 0 and 2/);
    expect(() => parseShard("-1/2")).toThrow(/between 0 and 1/);
    expect(() => parseShard("a/b")).toThrow(/expected I\/N/);
    expect(() => parseShard("0/0")).toThrow(/N ≥ 1/);
    expect(() => parseShard("1.5/3")).toThrow(/expected I\/N/);
  });
});

describe("parseWorkers and parsePrecision", () => {
  it("defaults workers to the cores and refuses non-positive counts", () => {
    expect(parseWorkers(undefined)).toBe(defaultWorkers());
    expect(parseWorkers(3)).toBe(3);
    expect(() => parseWorkers(0)).toThrow(/--workers: expected a positive integer, got 0/);
    expect(() => parseWorkers(Number.NaN)).toThrow(UsageError);
  });

  it("reads METRIC=HALFWIDTH targets", () => {
    expect(parsePrecision(undefined, undefined)).toBeNull();
    expect(parsePrecision(["resendFailure=0.005", "deliveryDelayMean=10"], 300)).toEqual({
      targets: { resendFailure: 0.005, deliveryDelayMean: 10 },
      maxReplications: 300,
    });
    expect(parsePrecision(["resendFailure=0.01"], undefined)?.maxReplications).toBe(DEFAULT_MAX_REPLICATIONS);
    expect(() => parsePrecision(["resendFailure"], undefined)).toThrow(/METRIC=HALFWIDTH/);
    expect(() => parsePrecision(["resendFailures=0.1"], undefined)).toThrow(/unknown metric "resendFailures"/);
    expect(() => parsePrecision(["resendFailure=abc"], undefined)).toThrow(/half-width > 0/);
    expect(() => parsePrecision(["resendFailure=0.1", "resendFailure=0.2"], undefined)).toThrow(/twice/);
    expect(() => parsePrecision(["resendFailure=0.1"], 1)).toThrow(/--max-replications/);
    expect(() => parsePrecision(undefined, 50)).toThrow(/only meaningful with --precision/);
  });

  it("reads --min-replications (an integer ≥ 2, only with --precision)", () => {
    expect(parsePrecision(["resendFailure=0.01"], 100, 20)).toEqual({
      targets: { resendFailure: 0.01 },
      maxReplications: 100,
      minReplications: 20,
    });
    expect(parseExperimentArgs({ precision: ["resendFailure=0.01"], "min-replications": 12 }).precision).toMatchObject({
      minReplications: 12,
    });
    expect(() => parsePrecision(["resendFailure=0.01"], 100, 1)).toThrow(
      /--min-replications: expected an integer ≥ 2, got 1/,
    );
    expect(() => parsePrecision(undefined, undefined, 10)).toThrow(
      /--min-replications: only meaningful with --precision/,
    );
  });

  it("refuses shards with precision targets", () => {
    expect(() => parseExperimentArgs({ shard: "0/2", precision: ["resendFailure=0.1"] })).toThrow(/cannot be combined/);
    expect(parseExperimentArgs({ workers: 2, shard: "1/2" })).toEqual({
      workers: 2,
      shard: { index: 1, count: 2 },
      precision: null,
      allowLarge: false,
    });
    expect(parseExperimentArgs({ "allow-large": true }).allowLarge).toBe(true);
  });

  it("says how many replications a precision run used", () => {
    const note = precisionNote({
      targets: { resendFailure: 0.005 },
      replications: 137,
      reached: true,
      halfWidths: { resendFailure: 0.0049712 },
    });
    expect(note).toBe("precision: 137 replications to reach the targets; resendFailure ±0.00497 (target 0.005)");
    expect(
      precisionNote({
        targets: { resendFailure: 0.005 },
        replications: 9,
        reached: false,
        halfWidths: { resendFailure: null },
      }),
    ).toMatch(/NOT reached after 9/);
  });
});
