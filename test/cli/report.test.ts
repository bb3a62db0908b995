// `sim report DIR` and `sim run --no-charts`: charts and report.html re-rendered from the files
// a run (or a sweep) left behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseTimeseriesCsv } from "../../src/cli/commands/report.js";
import { main } from "../../src/cli/main.js";
import { timeseriesCsv } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { VERSION } from "../../src/version.js";
import { smallRun, twoParameterSweep } from "../report/fixtures.js";

const root = mkdtempSync(join(tmpdir(), "relaysim-cli-report-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function io() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: (t: string) => {
      out.stdout += t;
    },
    stderr: (t: string) => {
      out.stderr += t;
    },
  };
  return { out, io };
}

/** A one-day, two-replication 18of20 scenario file. */
function scenarioFile(): string {
  const scenario = JSON.parse(readFileSync(new URL("../../scenarios/18of20.json", import.meta.url), "utf8"));
  delete scenario.$schema;
  const file = join(root, "small.json");
  writeFileSync(file, JSON.stringify({ ...scenario, horizon: "1d", replications: 2 }));
  return file;
}

describe("parseTimeseriesCsv", () => {
  it("reads back what timeseriesCsv wrote", () => {
    const { series } = smallRun();
    const parsed = parseTimeseriesCsv(timeseriesCsv(series));
    expect(parsed).toHaveLength(series.length);
    parsed.forEach((row, i) => {
      expect(row.time).toBe(series[i].time);
      expect(row.listedServers).toBeCloseTo(series[i].listedServers, 12);
      expect(row.attempts).toBeCloseTo(series[i].attempts, 12);
      expect(row.rejections).toBeCloseTo(series[i].rejections, 12);
    });
  });

  it("names the file and line of a bad value", () => {
    expect(() => parseTimeseriesCsv("time,listedServers,attempts,rejections\n0,x,1,1\n", "t.csv")).toThrow(
      /t.csv: line 2/,
    );
    expect(() => parseTimeseriesCsv("a,b\n1,2\n", "t.csv")).toThrow(/expected columns/);
  });
});

describe("sim run and sim report", () => {
  const file = scenarioFile();

  it("run writes charts and report.html by default, and --no-charts skips them", async () => {
    const withCharts = join(root, "with");
    const a = io();
    expect(await main(["run", file, "--out", withCharts], a.io)).toBe(0);
    expect(existsSync(join(withCharts, "report.html"))).toBe(true);
    expect(readdirSync(join(withCharts, "charts"))).toContain("resend-failure-vs-delay.png");

    const without = join(root, "without");
    const b = io();
    expect(await main(["run", file, "--out", without, "--no-charts"], b.io)).toBe(0);
    expect(existsSync(join(without, "summary.json"))).toBe(true);
    expect(existsSync(join(without, "charts"))).toBe(false);
    expect(existsSync(join(without, "report.html"))).toBe(false);

    // sim report fills in what --no-charts left out, from summary.json and timeseries.csv.
    const c = io();
    expect(await main(["report", without], c.io)).toBe(0);
    expect(c.out.stdout).toMatch(/Wrote 5 charts and report.html/);
    const charts = readdirSync(join(without, "charts")).sort();
    expect(charts).toEqual(readdirSync(join(withCharts, "charts")).sort());
    expect(readFileSync(join(without, "charts", "listings-over-time.vl.json"), "utf8")).toBe(
      readFileSync(join(withCharts, "charts", "listings-over-time.vl.json"), "utf8"),
    );
    // Nothing hidden is left but the folder's manifest (no staging, lock or aside folders).
    expect(readdirSync(without).filter((f) => f.startsWith("."))).toEqual([".relaysim-output.json"]);
  });

  it("renders sweep charts from sweep.json", async () => {
    const dir = join(root, "sweep");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    // As sim sweep writes it: with the tool's version and the whole normalised scenario.
    const scenario = parseScenario({ ...JSON.parse(readFileSync(scenarioFile(), "utf8")), name: "18of20" });
    const sweepFile = { tool: { name: "relaysim", version: VERSION }, ...twoParameterSweep(), scenario };
    writeFileSync(join(dir, "sweep.json"), JSON.stringify(sweepFile));
    // sim report replaces only folders sim wrote: mark this one as a sweep's output.
    writeFileSync(
      join(dir, ".relaysim-output.json"),
      JSON.stringify({ tool: "relaysim", version: VERSION, command: "sweep", files: ["sweep.json"] }),
    );
    const r = io();
    expect(await main(["report", dir], r.io)).toBe(0);
    expect(readdirSync(join(dir, "charts"))).toContain("sweep-heatmap-resend-failure.svg");
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("6 scenario variants");
  });

  it("exits 2 for a folder without results", async () => {
    const r = io();
    expect(await main(["report", join(root, "nothing-here")], r.io)).toBe(2);
    expect(r.out.stderr).toMatch(/no such folder/);
    const empty = join(root, "empty");
    mkdirSync(empty, { recursive: true });
    expect(await main(["report", empty], io().io)).toBe(2);
  });

  it("exits 2 for a crafted summary.json, naming the field, and leaves the folder as it was", async () => {
    const dir = join(root, "crafted");
    mkdirSync(dir, { recursive: true });
    const summary = JSON.parse(readFileSync(new URL("../golden/18of20.summary.json", import.meta.url), "utf8"));
    summary.replications = '<img src=x onerror="alert(1)">';
    summary.totals.messages = -5;
    writeFileSync(join(dir, "summary.json"), JSON.stringify(summary));
    const r = io();
    expect(await main(["report", dir], r.io)).toBe(2);
    expect(r.out.stderr).toMatch(/summary\.json: replications: expected a positive integer, got "<img/);
    expect(readdirSync(dir)).toEqual(["summary.json"]);
    // Fix the header: the next problem is named the same way.
    summary.replications = 20;
    writeFileSync(join(dir, "summary.json"), JSON.stringify(summary));
    const again = io();
    expect(await main(["report", dir], again.io)).toBe(2);
    expect(again.out.stderr).toMatch(/summary\.json: totals\.messages: expected a non-negative integer, got -5/);
  });
});
