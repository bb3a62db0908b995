// A chart that fails to render (the renderer mocked to throw) never loses the results: the data
// files are committed, the failure is one line, exit 1; the previous output is replaced whole.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { MANIFEST } from "../../src/cli/output-folder.js";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

vi.mock("../../src/report/render.js", () => ({
  renderChart: async () => {
    throw new RangeError("Maximum call stack size exceeded");
  },
}));

const dir = tempDir("relaysim-charts-fail-");
const scenario = writeScenario(dir, "small.json", smallScenario({ replications: 2 }));

describe("a chart failure after the simulation", () => {
  it("repro: keeps summary.json and the CSV files, says so in one line, exits 1", async () => {
    const out = join(dir, "out");
    const r = await sim("run", scenario, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^sim: the charts could not be rendered \(Maximum call stack size exceeded\); the results are in .*out\/ without charts/,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    // The results were printed and written.
    expect(r.stdout).toMatch(/Wrote /);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.scenario.name).toBe("small");
    for (const f of ["replications.csv", "timeseries.csv", "run.json"]) expect(existsSync(join(out, f))).toBe(true);
    expect(existsSync(join(out, "charts"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST), "utf8"));
    expect([...manifest.files, MANIFEST].sort()).toEqual(readdirSync(out).sort());
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("sim report leaves the folder as it was when the charts fail", async () => {
    const out = join(dir, "out2");
    expect((await sim("run", scenario, "--out", out, "--no-charts")).code).toBe(0);
    const before = readdirSync(out).sort();
    const r = await sim("report", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/charts could not be rendered.*unchanged/);
    expect(readdirSync(out).sort()).toEqual(before);
  });
});
