// PATH=VALUES parsing, ranges and lists, grids, and points re-validated through parseScenario.
import { describe, expect, it } from "vitest";
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
} from "../../src/experiment/sweep-values.js";
import { parseScenario, ScenarioError } from "../../src/scenario/load.js";
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
