// Files relaysim reads back (summary.json, sweep.json, partials) are checked field by field:
// every golden summary passes, and each kind of damage is named by its JSON path (issue 10).
import { readdirSync, readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  acceptsSweepResult,
  checked,
  checkSummary,
  checkSweepFile,
  FileCheckError,
  items,
  type ListItem,
  list,
  metricItem,
  sweepResultCheck,
  sweepResultSchema,
} from "../../src/experiment/file-schemas.js";
import { METRICS } from "../../src/experiment/result.js";
import { sweepShard } from "../../src/experiment/shard.js";
import { sweep, sweepJson } from "../../src/experiment/sweep.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

const goldenDir = new URL("../golden/", import.meta.url);
const goldens = readdirSync(goldenDir).filter((f) => f.endsWith(".summary.json"));
// biome-ignore lint/suspicious/noExplicitAny: summaries are plain JSON here, damaged by hand
type Json = any;
const golden = (name: string): Json => JSON.parse(readFileSync(new URL(name, goldenDir), "utf8"));

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FileCheckError);
    return (error as FileCheckError).problems;
  }
  throw new Error("expected a FileCheckError");
}

describe("checkSummary", () => {
  it.each(goldens)("accepts %s", (name) => {
    const value = golden(name);
    expect(checkSummary(value, name)).toEqual(value);
  });

  const base = () => golden("18of20.summary.json");
  it.each([
    [
      "a proportion of 5",
      (s: Json) => (s.metrics.resendFailure.mean = 5),
      "metrics.resendFailure.mean: expected a probability between 0 and 1, got 5",
    ],
    [
      "a negative count",
      (s: Json) => (s.totals.messages = -1),
      "totals.messages: expected a non-negative integer, got -1",
    ],
    [
      "a string count",
      (s: Json) => (s.replications = "<script>"),
      'replications: expected a positive integer, got "<script>"',
    ],
    [
      "another version",
      (s: Json) => (s.tool.version = "9.9.9"),
      'tool.version: expected relaysim version 0.1.0 (this one); re-run with it, got "9.9.9"',
    ],
    [
      "a path as the name",
      (s: Json) => (s.scenario.name = "../../h/victim"),
      `scenario.name: expected a name of lower-case letters, digits, '.', '_' and '-', got "../../h/victim"`,
    ],
    ["a missing field", (s: Json) => delete s.servers, "servers: expected array, got nothing"],
    [
      "a server too many",
      (s: Json) => s.servers.push(s.servers[0]),
      expect.stringMatching(/^servers: expected 20 servers, as the scenario's pool, got \[\{"server":0/),
    ],
    [
      "n above the replications",
      (s: Json) => (s.metrics.bounceRate.n = 1e9),
      "metrics.bounceRate.n: expected at most the 20 replications, got 1000000000",
    ],
    [
      "a reversed interval",
      (s: Json) => (s.metrics.bounceRate.ci95 = [0.2, 0.1]),
      "metrics.bounceRate.ci95: expected low ≤ high, got [0.2,0.1]",
    ],
    [
      "a short perReplication",
      (s: Json) => s.perReplication.bounceRate.pop(),
      expect.stringMatching(/^perReplication\.bounceRate: expected 20 values, got \[/),
    ],
  ])("refuses %s with its path", (_name, damage, problem) => {
    const s = base();
    damage(s);
    expect(problemsOf(() => checkSummary(s, "summary.json"))).toContainEqual(problem);
  });

  it("allows a time share a rounding above 1, not more", () => {
    const s = base();
    s.servers[0].listedFraction = 1 + 2 ** -52;
    s.metrics.listedFraction.mean = 1 + 2 ** -52;
    expect(() => checkSummary(s, "summary.json")).not.toThrow();
    s.servers[0].listedFraction = 1.1;
    expect(problemsOf(() => checkSummary(s, "summary.json"))).toEqual([
      "servers.0.listedFraction: expected a share between 0 and 1, got 1.1",
    ]);
  });

  it("lists at most a dozen problems", () => {
    const s = base();
    for (const server of s.servers) server.attempts = -1;
    const problems = problemsOf(() => checkSummary(s, "summary.json"));
    expect(problems).toHaveLength(13);
    expect(problems[12]).toBe("... and 8 more problems");
  });
});

describe("checkSweepFile", () => {
  it("accepts what sweepJson writes and refuses a point too many", async () => {
    const scenario = parseScenario(smallScenario({ replications: 2, horizon: "2h" }));
    const result = await sweep(scenario, [{ path: "pool.servers", values: [3, 4] }], { workers: 1 });
    const file = JSON.parse(JSON.stringify(sweepJson(result)));
    expect(checkSweepFile(file, "sweep.json")).toEqual(file);
    file.points.push(file.points[0]);
    expect(problemsOf(() => checkSweepFile(file, "sweep.json"))).toEqual([
      "points: expected 2 points (the product of the parameters' value counts), got 3",
    ]);
  });
});

describe("list: a plain loop for lists that pass, zod for those that fail", () => {
  const kinds: Array<[string, ListItem]> = [
    ["count", items.count],
    ["nonNegative", items.nonNegative],
    ["listedSeconds(3600)", items.listedSeconds(3600)],
    ...METRICS.map((m): [string, ListItem] => [`metric ${m}`, metricItem(m)]),
  ];
  // Values at every edge the schemas draw: signs, zero, integers, the bounds, doubles, non-numbers.
  const edge = fc.constantFrom<unknown>(
    0,
    -0,
    1,
    -1,
    0.5,
    1 + 1e-9,
    1 + 2e-9,
    1 - 1e-16,
    3600,
    3600 * (1 + 1e-9),
    3600.001,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53),
    1e308,
    Number.MIN_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    null,
    undefined,
    "1",
    true,
    [],
    {},
    1n,
  );
  const value = fc.oneof(edge, fc.double(), fc.integer(), fc.nat(), fc.anything());

  it.each(kinds)("%s: accepts exactly what the item's schema accepts", (_name, item) => {
    fc.assert(
      fc.property(value, (x) => {
        expect(item.accepts(x)).toBe(item.schema.safeParse(x).success);
      }),
      { numRuns: 1000, seed: 20261203 },
    );
  });

  it.each(kinds)("%s: a list passes or fails as zod's array does, with zod's problems", (_name, item) => {
    const length = 3;
    const fast = list(item, length);
    const precise = z.array(item.schema).length(length, { error: `expected ${length} values` });
    const problems = (schema: z.ZodType, v: unknown) => {
      try {
        checked(schema, { l: v }, "f.json");
        return [];
      } catch (error) {
        return (error as FileCheckError).problems;
      }
    };
    fc.assert(
      fc.property(fc.oneof(fc.array(value, { maxLength: 5 }), value), (v) => {
        const wrap = (schema: z.ZodType) => z.looseObject({ l: schema });
        expect(problems(wrap(fast), v)).toEqual(problems(wrap(precise), v));
      }),
      { numRuns: 1000, seed: 20261203 },
    );
  });

  it("keeps a list that passes as read, without zod's copy", () => {
    const values = [1, 2, 3];
    expect(list(items.count).parse(values)).toBe(values);
    expect(z.array(items.count.schema).parse(values)).not.toBe(values);
  });
});

describe("acceptsSweepResult: sweepResultSchema in plain code", () => {
  const replications = 3;
  /** A sweep's results as a partial holds them, with and without per-recipient blocks. */
  async function results(recipients: boolean): Promise<Json[]> {
    const extra = recipients ? { recipients: { domains: 200, perMessage: { uniform: [2, 6] } } } : {};
    const scenario = parseScenario(smallScenario({ replications, ...extra }));
    const parameters = [{ path: "resend.after", values: ["1m", "30m"] }];
    const partial = await sweepShard(scenario, parameters, { index: 0, count: 1 }, { workers: 1 });
    return JSON.parse(JSON.stringify(partial.results.map((r) => r.result)));
  }
  /** Every path into a value: its objects, arrays and leaves. */
  const paths = (v: Json, at: Array<string | number> = []): Array<Array<string | number>> =>
    typeof v === "object" && v !== null
      ? [at, ...Object.keys(v).flatMap((k) => paths(v[k], [...at, Array.isArray(v) ? Number(k) : k]))]
      : [at];
  const edge = fc.constantFrom<unknown>(0, -0, 1, -1, 0.5, 2, 1 + 1e-9, 2 ** 53, 1e308, Number.NaN, null, "1", [], {});
  type Damage = { kind: "set" | "delete" | "extra" | "above" | "replication"; at: number; value: unknown; by: number };
  const damage = fc.record({
    kind: fc.constantFrom<Damage["kind"]>("set", "delete", "extra", "above", "replication"),
    at: fc.nat(),
    value: fc.oneof(edge, fc.integer({ min: -5, max: 100 }), fc.double()),
    by: fc.integer({ min: 0, max: 2 }),
  });
  const COUNT_PAIRS = [
    ["firstRejected", "messages"],
    ["resendRejected", "resends"],
    ["bounced", "messages"],
    ["resendFailuresByDelay", "resendsByDelay"],
    ["laterResendFailuresByDelay", "laterResendsByDelay"],
  ];
  function damaged(result: Json, damages: Damage[]): Json {
    const copy = structuredClone(result);
    for (const d of damages) {
      const all = paths(copy).filter((p) => p.length > 0);
      const path = all[d.at % all.length];
      const parent = path.slice(0, -1).reduce((v: Json, k) => v[k], copy);
      const key = path[path.length - 1];
      if (d.kind === "set") parent[key] = d.value;
      else if (d.kind === "delete") delete parent[key];
      else if (d.kind === "replication") copy.replication = replications - 1 + d.by;
      else if (d.kind === "extra") {
        const target = typeof parent[key] === "object" && parent[key] !== null ? parent[key] : parent;
        if (Array.isArray(target)) target.push(d.value);
        else target[`extra${d.by}`] = d.value;
      } else {
        // A count just above what bounds it, or a bin's failures above its resends.
        const [part, whole] = COUNT_PAIRS[d.at % COUNT_PAIRS.length];
        const lists = Array.isArray(copy[part]) && Array.isArray(copy[whole]);
        if (lists && copy[part].length > 0) copy[part][0] = copy[whole][0] + d.by;
        else if (typeof copy.counts === "object" && copy.counts !== null) copy.counts[part] = copy.counts[whole] + d.by;
      }
    }
    return copy;
  }

  it.each([false, true])(
    "with recipients %s: true exactly when the schema accepts a result unchanged",
    async (withRecipients) => {
      const read = await results(withRecipients);
      expect(read.every((r) => "recipients" in r === withRecipients)).toBe(true);
      const schema = sweepResultSchema(replications);
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(fc.nat(read.length - 1), fc.array(damage, { minLength: 0, maxLength: 2 }), (i, damages) => {
          const value = damaged(read[i], damages);
          const parsed = schema.safeParse(value);
          const unchanged = parsed.success && isDeepStrictEqual(parsed.data, value);
          expect(acceptsSweepResult(value, replications)).toBe(unchanged);
          if (unchanged) accepted++;
          if (!parsed.success) refused++;
        }),
        { numRuns: 3000, seed: 20261203 },
      );
      // Both sides were drawn often: results taken as read, and results the schema refuses.
      expect(accepted).toBeGreaterThan(300);
      expect(refused).toBeGreaterThan(1000);
    },
  );

  it("sweepResultCheck takes a result the plain test accepts as read, and gives the schema's output or problems otherwise", async () => {
    const [result] = await results(false);
    const check = sweepResultCheck(replications);
    expect(check(result, "p.json", ["r"])).toBe(result);
    const older = { ...result, timeseries: { listed: [0] } };
    const stripped = check(older, "p.json", ["r"]);
    expect(stripped).not.toBe(older);
    expect(stripped).toEqual(result);
    expect(problemsOf(() => check({ ...result, events: -1 }, "p.json", ["r"]))).toEqual([
      "r.events: expected a non-negative integer, got -1",
    ]);
  });
});
