// timeseries.csv is built without csv-stringify (report/files.ts): its bytes must be csvText's
// for every number a bucket can hold, the empty rate of a bucket without attempts included; and
// when it is written straight from the summed columns (no row objects), the rows' bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/run.js";
import { type TimeseriesRow, type TimeseriesSums, timeseries, timeseriesRow } from "../../src/experiment/summary.js";
import { csvText } from "../../src/report/csv.js";
import { timeseriesCsv, timeseriesCsvFromSums, writeRunFiles } from "../../src/report/files.js";
import { storyScenario } from "./fixtures.js";

function throughCsvStringify(rows: readonly TimeseriesRow[]): string {
  return csvText(
    rows.map((r) => [
      r.time,
      r.listedServers,
      r.attempts,
      r.rejections,
      r.attempts > 0 ? r.rejections / r.attempts : "",
    ]),
    { header: true, columns: ["time", "listedServers", "attempts", "rejections", "rejectionRate"] },
  );
}

describe("timeseriesCsv", () => {
  it("writes the bytes csv-stringify writes", () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 1e9 }),
      fc.constantFrom(0, -0, 1e-7, 1.5e21, 2 / 3, Number.NaN),
    );
    const row = fc.record({ time: value, listedServers: value, attempts: value, rejections: value });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        expect(timeseriesCsv(rows)).toBe(throughCsvStringify(rows));
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  it("writes the header alone for no buckets and an empty rate where there were no attempts", () => {
    expect(timeseriesCsv([])).toBe("time,listedServers,attempts,rejections,rejectionRate\n");
    expect(timeseriesCsv([{ time: 3600, listedServers: 0.5, attempts: 0, rejections: 0 }])).toBe(
      "time,listedServers,attempts,rejections,rejectionRate\n3600,0.5,0,0,\n",
    );
  });
});

describe("timeseriesCsvFromSums", () => {
  const rowsOf = (sums: TimeseriesSums) => sums.listed.map((_, b) => timeseriesRow(sums, b));
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  it("writes the bytes of timeseriesCsv of the same sums' rows", () => {
    // Up to 3000 buckets, so that the text spans several of its pieces (1024 buckets each); a
    // horizon that ends inside the last bucket; counts summed over up to 7 replications.
    const sums = fc
      .record({
        width: fc.integer({ min: 1, max: 86_400 }),
        buckets: fc.integer({ min: 0, max: 3000 }),
        cut: fc.double({ min: 0.01, max: 1, noNaN: true }),
        replications: fc.integer({ min: 1, max: 7 }),
        seed: fc.integer(),
      })
      .map(({ width, buckets, cut, replications, seed }): TimeseriesSums => {
        let x = seed | 1;
        const next = () => {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          return (x >>> 0) / 2 ** 32;
        };
        const column = (scale: number) =>
          Array.from({ length: buckets }, () => (next() < 0.2 ? 0 : Math.floor(next() * scale * replications)));
        const attempts = column(400);
        return {
          width,
          horizon: Math.max(0, buckets - 1) * width + cut * width,
          replications,
          listed: Array.from({ length: buckets }, () => next() * 20 * width * replications),
          attempts,
          rejections: attempts.map((a) => Math.floor(next() * (a + 1))),
        };
      });
    fc.assert(
      fc.property(sums, (s) => {
        expect(text(timeseriesCsvFromSums(s))).toBe(timeseriesCsv(rowsOf(s)));
      }),
      { seed: 14, numRuns: 60 },
    );
  });

  it("writes the header alone for no buckets", () => {
    const empty = { width: 3600, horizon: 0, replications: 1, listed: [], attempts: [], rejections: [] };
    expect(text(timeseriesCsvFromSums(empty))).toBe("time,listedServers,attempts,rejections,rejectionRate\n");
  });
});

describe("writeRunFiles", () => {
  it("writes the same timeseries.csv from the results' sums (sim run) as from rows (sim advise)", () => {
    // Three replications; 5 h buckets, so the day's last bucket is cut short by the horizon.
    const scenario = storyScenario({ horizon: "1d", replications: 3, output: { timeseries: "5h" } });
    const { summary, results } = runScenario(scenario);
    const written = (series?: readonly TimeseriesRow[]) => {
      const files = new Map<string, string | Uint8Array>();
      writeRunFiles({ write: (name, content) => files.set(name, content) }, summary, results, series);
      const csv = files.get("timeseries.csv") ?? "";
      return typeof csv === "string" ? csv : new TextDecoder().decode(csv);
    };
    const fromSums = written();
    expect(fromSums.split("\n")).toHaveLength(5 + 2);
    expect(fromSums).toBe(written(timeseries(summary.scenario, results)));
  });
});
