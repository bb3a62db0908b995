// timeseries.csv is built without csv-stringify (report/files.ts): its bytes must be csvText's
// for every number a bucket can hold, the empty rate of a bucket without attempts included.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TimeseriesRow } from "../../src/experiment/summary.js";
import { csvText } from "../../src/report/csv.js";
import { timeseriesCsv } from "../../src/report/files.js";

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
