// Sweeps: grid points with common random numbers, sweep.json's shape (the charts read it) and
// sweep.csv's rows; byte-identical for any number of workers.
import { describe, expect, it } from "vitest";
import { sweep as builtSweep } from "../../dist/experiment/sweep.js";
import { sweepTable } from "../../src/cli/commands/sweep.js";
import { RECIPIENT_METRICS } from "../../src/experiment/recipient-metrics.js";
import { METRICS } from "../../src/experiment/result.js";
import { runScenario } from "../../src/experiment/run.js";
import { sweep, sweepCsv, sweepGrid, sweepJson } from "../../src/experiment/sweep.js";
import { SweepError } from "../../src/experiment/sweep-values.js";
import { jsonText } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

/** Rows of a CSV without quoted fields, keyed by the header. */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .trimEnd()
    .split("\n")
    .map((l) => l.split(","));
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

const base = parseScenario(smallScenario({ replications: 3 }));
const parameters = [
  { path: "resend.after", values: ["1m", 600] },
  { path: "listed.0.servers", values: [1, 2, 3] },
];

describe("sweepGrid", () => {
  it("builds and validates every point before running", () => {
    const grid = sweepGrid(base, parameters);
    expect(grid.scenarios).toHaveLength(6);
    expect(grid.scenarios[4].resend.after).toEqual({ fixed: 600 });
    expect(grid.scenarios[4].listed[0].servers).toBe(2);
    expect(() => sweepGrid(base, [])).toThrow(/nothing to vary/);
    expect(() => sweepGrid(base, [{ path: "listed.0.servers", values: [1, 9] }], "f.json")).toThrow(
      /f\.json \(listed\.0\.servers=9\): listed\.0\.servers: expected at most 5/,
    );
    expect(() => sweepGrid(base, [{ path: "nope", values: [1] }])).toThrow(SweepError);
  });
});

describe("sweep", () => {
  it("runs every point with the same seed and replication indices (common random numbers)", async () => {
    const result = await sweep(base, parameters, { workers: 1 });
    expect(result.replications).toBe(3);
    // A point equals a plain run of its scenario under the sweep's seed: nothing else differs.
    const point = result.grid.scenarios[1];
    expect(jsonText(result.summaries[1])).toBe(jsonText(runScenario(point, { seed: base.seed }).summary));
    // The mail is the same at every point.
    const messages = result.summaries.map((s) => s.totals.messages);
    expect(new Set(messages).size).toBe(1);
  });

  it("is byte-identical for 1 and 2 workers", async () => {
    const one = sweepJson(await sweep(base, parameters, { workers: 1 }));
    const two = sweepJson(await builtSweep(base, parameters, { workers: 2 }));
    expect(jsonText(two)).toBe(jsonText(one));
    expect(sweepCsv(two)).toBe(sweepCsv(one));
  });

  it("writes sweep.json in the shape the charts read, durations in seconds", async () => {
    const json = sweepJson(await sweep(base, parameters, { workers: 1, seed: 3, replications: 2 }));
    expect(Object.keys(json)).toEqual(["tool", "scenario", "seed", "replications", "parameters", "points"]);
    expect(json.seed).toBe(3);
    expect(json.replications).toBe(2);
    expect(json.parameters).toEqual([
      { path: "resend.after", values: [60, 600] },
      { path: "listed.0.servers", values: [1, 2, 3] },
    ]);
    expect(json.points.map((p) => p.values)).toEqual([
      { "resend.after": 60, "listed.0.servers": 1 },
      { "resend.after": 60, "listed.0.servers": 2 },
      { "resend.after": 60, "listed.0.servers": 3 },
      { "resend.after": 600, "listed.0.servers": 1 },
      { "resend.after": 600, "listed.0.servers": 2 },
      { "resend.after": 600, "listed.0.servers": 3 },
    ]);
    for (const point of json.points) {
      expect(Object.keys(point.metrics)).toEqual([...METRICS]);
      expect(Object.keys(point.metrics.resendFailure)).toEqual(["mean", "ci95", "n", "method"]);
      expect(Array.isArray(point.resendFailureByDelay)).toBe(true);
    }
    expect("sweep" in json.scenario).toBe(false);

    const rows = csvRows(sweepCsv(json));
    expect(Object.keys(rows[0])).toEqual([
      "resend.after",
      "listed.0.servers",
      "metric",
      "mean",
      "ci95_low",
      "ci95_high",
      "replications",
    ]);
    expect(rows).toHaveLength(6 * METRICS.length);
    const row = rows.find(
      (r) => r["resend.after"] === "600" && r["listed.0.servers"] === "3" && r.metric === "firstAttemptFailure",
    );
    const m = json.points[5].metrics.firstAttemptFailure;
    expect(Number(row?.mean)).toBe(m.mean);
    expect(Number(row?.ci95_low)).toBe(m.ci95?.[0]);
    expect(Number(row?.replications)).toBe(m.n);
  });

  it("carries the per-recipient metrics into sweep.json, sweep.csv and the table when messages have several", async () => {
    const lists = parseScenario(
      smallScenario({ replications: 3, recipients: { domains: 200, perMessage: { uniform: [2, 6] } } }),
    );
    const result = await sweep(lists, [{ path: "listed.0.servers", values: [1, 3] }], { workers: 1 });
    const json = sweepJson(result);
    json.points.forEach((point, p) => {
      expect(Object.keys(point)).toEqual(["values", "metrics", "recipients", "resendFailureByDelay"]);
      expect(point.recipients).toEqual(result.summaries[p].recipients?.metrics);
    });
    const rows = csvRows(sweepCsv(json));
    expect(rows).toHaveLength(2 * (METRICS.length + RECIPIENT_METRICS.length));
    const row = rows.find((r) => r["listed.0.servers"] === "3" && r.metric === "recipientFailure");
    const m = json.points[1].recipients?.recipientFailure;
    expect(Number(row?.mean)).toBe(m?.mean);
    expect(Number(row?.replications)).toBe(m?.n);
    // More listed relays lose more recipients (same mail, common random numbers).
    expect(json.points[1].recipients?.recipientFirstFailure.mean).toBeGreaterThan(
      json.points[0].recipients?.recipientFirstFailure.mean as number,
    );
    expect(sweepTable(json)).toMatch(/recipientFailure/);
    // One recipient per message: none of it.
    const plain = sweepJson(await sweep(base, [{ path: "listed.0.servers", values: [1] }], { workers: 1 }));
    expect("recipients" in plain.points[0]).toBe(false);
    expect(sweepTable(plain)).not.toMatch(/recipientFailure/);
  });

  it("with precision targets, every point gets the same number of replications", async () => {
    const result = await sweep(base, [{ path: "listed.0.servers", values: [1, 2] }], {
      workers: 1,
      precision: { targets: { firstAttemptFailure: 0.05 }, maxReplications: 40 },
    });
    expect(result.precision).not.toBeNull();
    expect(result.summaries.map((s) => s.replications)).toEqual([result.replications, result.replications]);
  });
});
