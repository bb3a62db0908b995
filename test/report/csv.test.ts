// CSV outputs never hand a spreadsheet a formula (OWASP "CSV Injection"): a text cell starting
// with = + - @, a tab or a carriage return (or their full-width forms) is written with a leading
// '. Checked on every CSV relaysim writes: replications.csv, timeseries.csv, attempts.csv,
// sweep.csv and advice.csv.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Advice } from "../../src/experiment/advise.js";
import { adviceCsv } from "../../src/experiment/advise.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { csvText } from "../../src/report/csv.js";
import { AttemptsCsv, replicationsCsv } from "../../src/report/files.js";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

/** The cells of a CSV text (RFC 4180 quoting), row by row. */
function cells(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      rows.push([...row, cell]);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Cells a spreadsheet would evaluate: a formula character first, unless the cell is a number. */
function formulaCells(csv: string): string[] {
  return cells(csv)
    .flat()
    .filter((c) => /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(c) && !Number.isFinite(Number(c)));
}

const FORMULAS = ['=HYPERLINK("http://x";"y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\uFF1D1"];

describe("csvText", () => {
  it("writes formula-like text with a leading ' and numbers, negative ones too, as they are", () => {
    const csv = csvText([[...FORMULAS, -1.5, "text"]], {
      header: true,
      columns: ["=h", "b", "c", "d", "e", "f", "g", "h"],
    });
    expect(formulaCells(csv)).toEqual([]);
    const [header, row] = cells(csv);
    expect(header[0]).toBe("'=h");
    expect(row).toEqual([...FORMULAS.map((f) => `'${f}`), "-1.5", "text"]);
  });

  it("(the check itself) finds formula cells and lets numbers through", () => {
    expect(formulaCells('"=1+2",x\n')).toEqual(["=1+2"]);
    expect(formulaCells("-1.5,-x\n")).toEqual(["-x"]);
  });
});

describe("CSV outputs", () => {
  const dir = tempDir("relaysim-csv-");

  it("sweep.csv: a swept text value opens as text", async () => {
    const file = writeScenario(dir, "small.json", smallScenario({ replications: 2, horizon: "6h" }));
    const out = join(dir, "sweep");
    const result = await sim(
      "sweep",
      file,
      "--vary",
      `description=${FORMULAS[0]},@SUM(1)`,
      "--out",
      out,
      "--no-charts",
    );
    expect(result.code, result.stderr).toBe(0);
    const csv = readFileSync(join(out, "sweep.csv"), "utf8");
    expect(formulaCells(csv)).toEqual([]);
    expect(cells(csv)[1][0]).toBe(`'${FORMULAS[0]}`);
  }, 30_000);

  it("replications.csv and attempts.csv: text that a crafted partial puts in a number's place", () => {
    const crafted = { replication: "=1+2", metrics: { resendFailure: "@SUM(1)" } } as unknown as ReplicationResult;
    const csv = replicationsCsv([crafted]);
    expect(formulaCells(csv)).toEqual([]);
    expect(csv).toContain("'=1+2,resendFailure,'@SUM(1)");

    const file = join(dir, "attempts.csv");
    const attempts = new AttemptsCsv(file);
    attempts.sinkFor(0).attempt({ time: 1, message: 2, sender: "=cmd", domain: 3, server: 4 } as never);
    attempts.close();
    const text = readFileSync(file, "utf8");
    expect(formulaCells(text)).toEqual([]);
    expect(text).toContain("'=cmd");
  });

  it("advice.csv: a policy name opens as text", () => {
    const advice = {
      policies: [{ policy: "=cmd", points: [{ delay: 0, mean: 0.5, ci95: [-0.1, 1.1], n: 4 }] }],
    } as unknown as Advice;
    const csv = adviceCsv(advice);
    expect(formulaCells(csv)).toEqual([]);
    expect(cells(csv)[1]).toEqual(["'=cmd", "0", "0.5", "-0.1", "1.1", "4"]);
  });
});
