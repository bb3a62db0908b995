// The fitted grid of `sim advise`: where the waits fall for each kind of pool, and how given
// waits and distributions are read.
import { describe, expect, it } from "vitest";
import {
  COARSE,
  distributionMean,
  distributionRange,
  FINE,
  fittedGrid,
  givenGrid,
  listingDuration,
  timeScale,
} from "../../src/experiment/advise-grid.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

const scenario = (patch: Record<string, unknown> = {}) => parseScenario(smallScenario(patch), "test");
const minutes = (delays: number[]) => delays.map((d) => d / 60);

describe("fittedGrid", () => {
  it("samples a 10-minute timer every minute to 15 min, then every 5 min to 30 min", () => {
    const grid = fittedGrid(scenario());
    expect(grid.scale).toEqual({ kind: "timer-period", seconds: 600 });
    expect(grid.step).toBe(60);
    expect(minutes(grid.delays)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 25, 30]);
    expect(minutes(fittedGrid(scenario(), COARSE).delays)).toEqual([0, 2.5, 5, 7.5, 10, 12.5, 15, 20, 25, 30]);
  });

  it("uses the DNS TTL and reaches the end of the scenario's own resend window", () => {
    const grid = fittedGrid(scenario({ pool: { servers: 5, balancer: { policy: "dns", ttl: "2m" } } }));
    expect(grid.scale).toEqual({ kind: "dns-ttl", seconds: 120 });
    // Every 12 s up to 15 min (the end of uniform 5–15 min) would be 76 points: a round step instead.
    expect(grid.step).toBe(15);
    expect(grid.delays[0]).toBe(0);
    expect(grid.delays.at(-1)).toBe(900);
    expect(grid.delays.length).toBeLessThanOrEqual(FINE.maxPoints + 1);
  });

  it("gives pools without a time scale 0–30 min, and sticky pools their listing duration", () => {
    const random = fittedGrid(scenario({ pool: { servers: 5, balancer: { policy: "random" } } }));
    expect(random.scale.kind).toBe("none");
    expect(random.delays.at(-1)).toBe(1800);
    const forever = fittedGrid(scenario({ pool: { servers: 5, balancer: { policy: "sticky" } } }));
    expect(forever.scale.kind).toBe("none");
    const sticky = scenario({
      pool: { servers: 5, balancer: { policy: "sticky" } },
      listed: [{ servers: 2, on: ["spamcop"], from: "1h", until: "3d" }],
    });
    expect(listingDuration(sticky)).toBe(3 * 86_400 - 3600);
    const grid = fittedGrid(sticky);
    expect(grid.scale.kind).toBe("listing-duration");
    expect(grid.delays.at(-1)).toBeCloseTo(3 * (3 * 86_400 - 3600));
  });

  it("takes a listing's length from the compromise lifecycle", () => {
    const s = scenario({
      blacklists: [{ name: "spamcop", subscribers: 0.5, listingDelay: { exponential: "2h" }, delistAfter: "24h" }],
      listed: [],
      compromise: { ratePerServer: "1/90d", cleanup: { exponential: "3d" } },
    });
    expect(listingDuration(s)).toBe(3 * 86_400 + 86_400 - 7200);
  });
});

describe("timeScale", () => {
  it("is the timer period whatever the assignment", () => {
    const s = scenario({ pool: { servers: 5, balancer: { policy: "timer", period: "3m", assignment: "shuffle" } } });
    expect(timeScale(s)).toEqual({ kind: "timer-period", seconds: 180 });
  });
});

describe("givenGrid", () => {
  it("sorts, drops duplicates and always includes 0", () => {
    expect(givenGrid(scenario(), [600, 300, 600]).delays).toEqual([0, 300, 600]);
    expect(() => givenGrid(scenario(), [-1])).toThrow(RangeError);
  });
});

describe("distributions", () => {
  it("has the mean and the band the chart shades", () => {
    expect(distributionMean({ uniform: [300, 900] })).toBe(600);
    expect(distributionRange({ uniform: [300, 900] })).toEqual([300, 900]);
    expect(distributionRange({ fixed: 60 })).toEqual([60, 60]);
    const [lo, hi] = distributionRange({ exponential: 600 });
    expect(lo).toBeCloseTo(-600 * Math.log(0.95));
    expect(hi).toBeCloseTo(-600 * Math.log(0.05));
  });
});
