// PATH=VALUES parsing, ranges and lists, grids, and points re-validated through parseScenario.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/run.js";
import { summariseSweep, sweepGrid } from "../../src/experiment/sweep.js";
import {
  applyPoint,
  blockParameters,
  checkPaths,
  describePoint,
  gridValues,
  parseValues,
  parseVary,
  SweepError,
  valueAt,
  withoutSweep,
} from "../../src/experiment/sweep-values.js";
import { parseScenario, ScenarioError } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/schema.js";
import { smallScenario } from "../helpers/cli.js";

const base = parseScenario(smallScenario());

describe("parseValues", () => {
  it("expands duration ranges to seconds, inclusive of an end the step lands on", () => {
    expect(parseValues("0m..10m/2m")).toEqual([0, 120, 240, 360, 480, 600]);
    expect(parseValues("0m..9m/2m")).toEqual([0, 120, 240, 360, 480]);
    expect(parseValues("0m..30m/1m")).toHaveLength(31);
    expect(parseValues("90s..2m/15s")).toEqual([90, 105, 120]);
  });

  it("expands plain number ranges without binary noise", () => {
    expect(parseValues("10..30/10")).toEqual([10, 20, 30]);
    expect(parseValues("0..0.3/0.1")).toEqual([0, 0.1, 0.2, 0.3]);
    expect(parseValues("5..5/1")).toEqual([5]);
  });

  it("reads lists of durations, numbers and words, and JSON arrays", () => {
    expect(parseValues("0m,5m,10m")).toEqual(["0m", "5m", "10m"]);
    expect(parseValues("1, 2.5 ,3")).toEqual([1, 2.5, 3]);
    expect(parseValues("timer,sticky")).toEqual(["timer", "sticky"]);
    expect(parseValues('[{"uniform":["5m","15m"]},"10m"]')).toEqual([{ uniform: ["5m", "15m"] }, "10m"]);
  });

  it("names what is wrong", () => {
    expect(() => parseValues("")).toThrow(SweepError);
    expect(() => parseValues("5m..1m/1m")).toThrow(/end at or after the start/);
    expect(() => parseValues("0m..1m/0m")).toThrow(/step greater than zero/);
    expect(() => parseValues("0m..1m")).toThrow(/FROM\.\.TO\/STEP/);
    expect(() => parseValues("0x..1m/1m")).toThrow(/range start "0x"/);
    expect(() => parseValues("0..1e9/1")).toThrow(/at most/);
    expect(() => parseValues("1,,2")).toThrow(/empty value/);
    expect(() => parseValues("1,2,1")).toThrow(/appears twice/);
    expect(() => parseValues("[1,")).toThrow(/invalid JSON/);
    expect(() => parseValues('{"a":1}')).toThrow(SweepError);
  });

  it("refuses in a JSON array what scenario files refuse: deep nesting, 1e400, duplicate keys", () => {
    const deep = `[${"[".repeat(50_000)}${"]".repeat(50_000)}]`;
    expect(() => parseValues(deep)).toThrow(/^values: (0\.)+0: expected at most 64 levels of nesting$/);
    expect(() => parseValues("[1, 1e400]")).toThrow("values: 1: expected a finite number, got 1e400");
    expect(() => parseValues('[{"fixed": "5m", "fixed": "6m"}]')).toThrow(/values: 0\.fixed: duplicate key "fixed"/);
  });
});

describe("parseVary and sweep blocks", () => {
  it("splits PATH=VALUES at the first '='", () => {
    expect(parseVary("resend.after=0m..2m/1m")).toEqual({ path: "resend.after", values: [0, 60, 120] });
    expect(() => parseVary("resend.after")).toThrow(/PATH=VALUES/);
    expect(() => parseVary("=1,2")).toThrow(/scenario path/);
    expect(() => parseVary("resend..after=1")).toThrow(/empty segment/);
    expect(() => parseVary("seed=1,2")).toThrow(/--seed/);
    expect(() => parseVary("replications=1,2")).toThrow(/--replications/);
  });

  it("reads a scenario's sweep block, naming the bad entry", () => {
    expect(
      blockParameters([
        { path: "pool.servers", values: "5..7/1" },
        { path: "resend.after", values: ["1m", 300] },
      ]),
    ).toEqual([
      { path: "pool.servers", values: [5, 6, 7] },
      { path: "resend.after", values: ["1m", 300] },
    ]);
    expect(() => blockParameters([{ path: "pool.servers", values: [] }])).toThrow(/sweep\.0: .*at least one/);
  });
});

describe("points", () => {
  it("checks paths against the normalised scenario", () => {
    expect(() => checkPaths(base, [{ path: "resend.aftr", values: [1] }])).toThrow(
      /resend has no "aftr" \(it has after/,
    );
    expect(() => checkPaths(base, [{ path: "listed.4.servers", values: [1] }])).toThrow(/index below 1/);
    expect(() => checkPaths(base, [{ path: "pool.servers.x", values: [1] }])).toThrow(/pool\.servers is 5/);
    expect(() =>
      checkPaths(base, [
        { path: "pool.servers", values: [1] },
        { path: "pool.servers", values: [2] },
      ]),
    ).toThrow(/varied twice/);
    expect(() => checkPaths(base, [{ path: "listed.0.servers", values: [1] }])).not.toThrow();
  });

  it("re-parses each point, so durations, distributions and every check apply", () => {
    const p = [{ path: "resend.after", values: [] }];
    expect(applyPoint(base, p, ["5m"], "x").resend.after).toEqual({ fixed: 300 });
    expect(applyPoint(base, p, [{ uniform: ["1m", "2m"] }], "x").resend.after).toEqual({ uniform: [60, 120] });
    expect(applyPoint(base, [{ path: "listed.0.servers", values: [] }], [1], "x").listed[0].servers).toBe(1);
    expect(() => applyPoint(base, [{ path: "pool.servers", values: [] }], [1], "small (pool.servers=1)")).toThrow(
      ScenarioError,
    );
    expect(() => applyPoint(base, [{ path: "pool.servers", values: [] }], [1], "small (pool.servers=1)")).toThrow(
      /small \(pool\.servers=1\): listed\.0\.servers: expected at most 1/,
    );
    expect(() => applyPoint(base, p, ["soon"], "x")).toThrow(/resend\.after/);
    // The base is not modified, and points carry no sweep block.
    expect(base.resend.after).toEqual({ uniform: [300, 900] });
    const withBlock = parseScenario(smallScenario({ sweep: [{ path: "pool.servers", values: "5..6/1" }] }));
    expect("sweep" in applyPoint(withBlock, p, ["1m"], "x")).toBe(false);
  });

  it("switches policy with defaults for the new policy's fields, keeping the base's where they fit", () => {
    const policy = [{ path: "pool.balancer.policy", values: [] }];
    expect(applyPoint(base, policy, ["sticky"], "x").pool.balancer).toEqual({ policy: "sticky" });
    expect(applyPoint(base, policy, ["dns"], "x").pool.balancer).toEqual({ policy: "dns", ttl: 300 });
    expect(applyPoint(base, policy, ["timer"], "x").pool.balancer).toEqual(base.pool.balancer);
    const random = parseScenario(smallScenario({ pool: { servers: 5, balancer: { policy: "random" } } }));
    expect(applyPoint(random, policy, ["timer"], "x").pool.balancer).toEqual({
      policy: "timer",
      period: 600,
      phase: "global",
      assignment: "rotate",
    });
    // A grid of policy × period: the policy is set first, whatever the order given.
    const grid = [
      { path: "pool.balancer.period", values: [] },
      { path: "pool.balancer.policy", values: [] },
    ];
    expect(() => checkPaths(random, grid)).not.toThrow();
    expect(applyPoint(random, grid, ["2m", "timer"], "x").pool.balancer).toMatchObject({
      policy: "timer",
      period: 120,
    });
    expect(() => applyPoint(random, grid, ["2m", "sticky"], "x")).toThrow(/has no "period"/);
    expect(() => applyPoint(base, policy, ["bogus"], "x")).toThrow(/policy/);
  });

  it("makes grids with the first parameter varying slowest", () => {
    expect(
      gridValues([
        { path: "a", values: [1, 2] },
        { path: "b", values: ["x", "y", "z"] },
      ]),
    ).toEqual([
      [1, "x"],
      [1, "y"],
      [1, "z"],
      [2, "x"],
      [2, "y"],
      [2, "z"],
    ]);
  });

  it("reports normalised values, fixed distributions as their seconds", () => {
    const point = applyPoint(base, [{ path: "resend.after", values: [] }], ["5m"], "x");
    expect(valueAt(point, "resend.after")).toBe(300);
    expect(valueAt(base, "resend.after")).toEqual({ uniform: [300, 900] });
    expect(valueAt(base, "pool.balancer.period")).toBe(600);
    expect(valueAt(base, "listed.0.servers")).toBe(2);
    expect(
      describePoint(
        [
          { path: "a", values: [] },
          { path: "b", values: [] },
        ],
        ["5m", 3],
      ),
    ).toBe("a=5m, b=3");
  });
});

describe("a sweep point is the scenario with the value written into the file (DESIGN §2)", () => {
  // A small pool whose receivers answer 4xx: messages sit in the relay's queue until the MTA's
  // queue lifetime, so each MTA's own default lifetime shows in attempts per message.
  const tempfail = {
    name: "tempfail",
    seed: 11,
    replications: 2,
    horizon: "6h",
    pool: { servers: 4, balancer: { policy: "timer", period: "10m" } },
    blacklists: [{ name: "zen", subscribers: 0.6, reply: "4xx" }],
    listed: [{ servers: 1, on: ["zen"] }],
    recipients: { domains: 40 },
    traffic: { senders: 6, rate: "40/d" },
    resend: { maxAttempts: 2 },
  };

  /** summary.json's text for a scenario (replications 0 and 1). */
  function summaryText(scenario: Scenario): string {
    return JSON.stringify(runScenario(scenario, { replications: 2 }).summary);
  }

  /** The sweep's summary of its only point. */
  function sweepPointText(base: Scenario, path: string, value: unknown): string {
    const grid = sweepGrid(base, [{ path, values: [value] }]);
    const results = grid.scenarios.map((s) => runScenario(s, { replications: 2 }).results);
    return JSON.stringify(summariseSweep(grid, base.seed, results)[0]);
  }

  /** The written scenario with `value` at `path` (objects on the way created as a file would have them). */
  function writtenWith(input: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const copy = structuredClone(input);
    const segments = path.split(".");
    let node = copy as Record<string, unknown>;
    for (const key of segments.slice(0, -1)) {
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[segments[segments.length - 1]] = value;
    return copy;
  }

  it("gives each MTA its own default queue lifetime (the sweep kept qmail's 7 days for all three)", () => {
    const base = parseScenario(tempfail);
    const grid = sweepGrid(base, [{ path: "mta.retry", values: ["qmail", "postfix", "exim"] }]);
    expect(grid.scenarios.map((s) => s.mta.queueLifetime)).toEqual([7 * 86_400, 5 * 86_400, 4 * 86_400]);
    for (const [i, retry] of ["qmail", "postfix", "exim"].entries()) {
      const standalone = parseScenario({ ...tempfail, mta: { retry } });
      expect(grid.scenarios[i]).toEqual(standalone);
    }
    // An explicit lifetime in the file stays explicit.
    const explicit = parseScenario({ ...tempfail, mta: { retry: "qmail", queueLifetime: "7d" } });
    expect(applyPoint(explicit, [{ path: "mta.retry", values: [] }], ["exim"], "x").mta.queueLifetime).toBe(7 * 86_400);
    // Also through withoutSweep (what sweeps and advise start from).
    const withBlock = parseScenario({ ...tempfail, sweep: [{ path: "mta.retry", values: ["exim"] }] });
    const point = applyPoint(withoutSweep(withBlock), [{ path: "mta.retry", values: [] }], ["exim"], "x");
    expect(point.mta.queueLifetime).toBe(4 * 86_400);
  });

  it("gives a summary.json byte-identical to the standalone run, over generated paths and values", () => {
    const duration = fc.constantFrom("30s", "5m", "15m", "1h", 120, 900);
    const distribution = fc.oneof(
      duration,
      duration.map((d) => ({ exponential: d })),
      fc.constantFrom({ uniform: ["5m", "15m"] }, { uniform: [60, 3600] }, { empirical: ["1m", "10m", "1h"] }),
    );
    // Every path is tried, each with generated values (a single oneof over paths may skip some).
    const settings: Array<[string, fc.Arbitrary<unknown>]> = [
      ["mta.retry", fc.constantFrom("qmail", "postfix", "exim", ["10m", "1h"])],
      ["mta.queueLifetime", fc.constantFrom("1h", "1d", null)],
      ["resend.after", distribution],
      ["resend.maxAttempts", fc.integer({ min: 1, max: 4 })],
      ["resend.probability", fc.constantFrom(0, 0.5, 1)],
      ["pool.servers", fc.integer({ min: 1, max: 8 })],
      ["pool.balancer.period", duration],
      ["pool.balancer.assignment", fc.constantFrom("rotate", "shuffle")],
      ["pool.sessionTime", distribution],
      ["pool.capacity", fc.constantFrom(null, 1, 2)],
      ["pool.avoidListed", fc.constantFrom(null, { checkEvery: "5m" })],
      ["blacklists.0.reply", fc.constantFrom("4xx", "5xx")],
      ["blacklists.0.subscribers", fc.constantFrom(0, 0.3, 1)],
      ["listed.0.servers", fc.integer({ min: 0, max: 2 })],
      ["horizon", fc.constantFrom("3h", "6h", "8h")],
      ["warmup", fc.constantFrom("0s", "1h")],
      ["traffic.rate", fc.constantFrom("20/d", "60/d")],
      ["recipients.zipf", fc.constantFrom(0, 1.5)],
      ["output.delayBin", fc.constantFrom("30s", "5m")],
      ["compromise", fc.constantFrom(null, { ratePerServer: "1/2d", cleanup: { exponential: "6h" } })],
    ];
    const base = parseScenario(tempfail);
    for (const [path, values] of settings) {
      fc.assert(
        fc.property(values, (value) => {
          const standalone = parseScenario(writtenWith(tempfail, path, value));
          expect(sweepPointText(base, path, value), path).toBe(summaryText(standalone));
        }),
        { seed: 20130805, numRuns: 4 },
      );
    }
  });
});

describe("paths that lead out of the scenario (issue 10)", () => {
  it.each(["__proto__.toString", "constructor.prototype.hasOwnProperty", "pool.__proto__.valueOf", "constructor.name"])(
    "refuses %s and leaves Object.prototype alone",
    (path) => {
      const base = parseScenario(smallScenario());
      const before = Object.getOwnPropertyNames(Object.prototype).map((k) => [k, (Object.prototype as never)[k]]);
      expect(() => applyPoint(base, [{ path, values: [1] }], [1], "x")).toThrow(SweepError);
      expect(() => checkPaths(base, [{ path, values: [1] }])).toThrow(SweepError);
      const after = Object.getOwnPropertyNames(Object.prototype).map((k) => [k, (Object.prototype as never)[k]]);
      expect(after).toEqual(before);
    },
  );
});
