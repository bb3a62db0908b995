// The bundled CLI (dist/bundle/, scripts/build-cli.mjs), which bin/sim.js runs, against the
// compiled modules it was bundled from (dist/cli/sim.js): same files, same messages.
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeProcess as node, SIM_BIN, smallScenario, tempDir } from "../helpers/cli.js";

const BUNDLED = fileURLToPath(new URL("../../dist/bundle/sim.js", import.meta.url));
const COMPILED = fileURLToPath(new URL("../../dist/cli/sim.js", import.meta.url));

describe("the bundled CLI", () => {
  const dir = tempDir();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 4 })));

  it("is built by npm run build, after the compiled modules (bin/sim.js runs it only then)", () => {
    expect(statSync(BUNDLED).mtimeMs).toBeGreaterThanOrEqual(statSync(COMPILED).mtimeMs);
  });

  it("writes sweep.json and sweep.csv byte-identical to the compiled CLI's, with its own worker threads", () => {
    const files = ["sweep.json", "sweep.csv"];
    const args = ["sweep", file, "--vary", "resend.after=0m..20m/10m", "--no-charts"];
    const outputs = [
      [BUNDLED, 2],
      [BUNDLED, 1],
      [COMPILED, 1],
    ].map(([entry, workers]) => {
      const out = join(dir, `sweep-${entry === BUNDLED ? "bundled" : "compiled"}-${workers}`);
      const r = node(dir, String(entry), [...args, "--workers", String(workers), "--out", out]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      return files.map((f) => readFileSync(join(out, f), "utf8"));
    });
    expect(outputs[0]).toEqual(outputs[2]);
    expect(outputs[1]).toEqual(outputs[2]);
  });

  it("draws a run's charts with vega bundled, byte-identical to the compiled CLI's", () => {
    const outputs = [BUNDLED, COMPILED].map((entry) => {
      const out = join(dir, `charts-${entry === BUNDLED ? "bundled" : "compiled"}`);
      const r = node(dir, entry, ["run", file, "--workers", "1", "--out", out]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const charts = readdirSync(join(out, "charts")).sort();
      return { charts, bytes: charts.map((f) => readFileSync(join(out, "charts", f))), out };
    });
    expect(outputs[0].charts.some((f) => f.endsWith(".png"))).toBe(true);
    expect(outputs[0].charts).toEqual(outputs[1].charts);
    expect(outputs[0].bytes).toEqual(outputs[1].bytes);
    expect(readFileSync(join(outputs[0].out, "report.html"), "utf8")).toContain("vega");
  });

  /** The bundle's files that `entries` load: their static imports, and theirs. */
  const staticallyLoaded = (...entries: string[]) => {
    const dir = dirname(BUNDLED);
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const text = readFileSync(join(dir, file), "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gm)) {
        visit(m[1] ?? m[2]);
      }
    };
    for (const entry of entries) visit(entry);
    return loaded;
  };

  it("loads vega only with the report writer: not one of the chunks every command loads", () => {
    const dir = dirname(BUNDLED);
    const main = readdirSync(dir).find((f) => f.startsWith("main-") && f.endsWith(".js"));
    expect(main).toBeDefined();
    // What sim.js loads before any command runs.
    const loaded = staticallyLoaded("sim.js", main as string);
    const vegaIn = (f: string) => /node_modules\/vega(-lite)?\//.test(readFileSync(join(dir, f), "utf8"));
    expect([...loaded].filter(vegaIn)).toEqual([]);
    // ...but the renderer loads it from one script with V8's code cache (report/vega-script.ts),
    // not from node_modules module by module, nor from an ES module chunk V8 cannot cache.
    expect(readdirSync(dir).filter((f) => f.endsWith(".js") && vegaIn(f))).toEqual([]);
    expect(vegaIn("vega-libs.cjs")).toBe(true);
    expect(statSync(join(dir, "vega-libs.cache")).size).toBeGreaterThan(100_000);
  });

  it("loads no zod in the replication worker: it simulates, and never parses a scenario", () => {
    const dir = dirname(BUNDLED);
    const zodIn = (f: string) => /node_modules\/zod\//.test(readFileSync(join(dir, f), "utf8"));
    const loaded = staticallyLoaded("worker.js");
    expect(loaded.size).toBeGreaterThan(1);
    expect([...loaded].filter(zodIn)).toEqual([]);
    // ...while the CLI itself does (it parses the scenario): the check can see zod.
    expect(readdirSync(dir).some((f) => f.endsWith(".js") && zodIn(f))).toBe(true);
  });

  it("starts calibrate's reading thread (bundled beside it) and prints what one thread prints", () => {
    const log = fileURLToPath(new URL("../fixtures/maillogs/postfix.log", import.meta.url));
    const args = ["calibrate", log, "--year", "2026", "--json"];
    const threaded = node(dir, BUNDLED, [...args, "--thread"]);
    // The thread falling back to one reads the same, so only this says the thread started.
    expect(threaded.stderr).toBe("");
    expect(threaded.code).toBe(0);
    const one = node(dir, BUNDLED, [...args, "--no-thread"]);
    expect(one.code).toBe(0);
    expect(threaded.stdout).toBe(one.stdout);
  });

  it("has chunks that all load, the lazy ones too (the report writer, advise's charts)", async () => {
    const dir = dirname(BUNDLED);
    const entries = ["sim.js", "worker.js", "read-worker.js"];
    const chunks = readdirSync(dir).filter((f) => f.endsWith(".js") && !entries.includes(f));
    expect(chunks.some((f) => f.startsWith("write-report-"))).toBe(true);
    for (const chunk of chunks) await import(pathToFileURL(join(dir, chunk)).href);
  });

  it("keeps yargs' messages in the user's language (its locale files are found from the bundle)", () => {
    const bundled = node(dir, BUNDLED, ["sweep"], { LANG: "de_DE.UTF-8", LC_ALL: "" });
    const compiled = node(dir, COMPILED, ["sweep"], { LANG: "de_DE.UTF-8", LC_ALL: "" });
    expect(compiled.stderr).toMatch(/Nicht genügend Argumente/);
    expect(bundled.stderr).toBe(compiled.stderr);
    expect(bundled.code).toBe(2);
  });
});

describe("bin/sim.js", () => {
  const root = tempDir();
  mkdirSync(join(root, "bin"));
  mkdirSync(join(root, "dist/bundle"), { recursive: true });
  mkdirSync(join(root, "dist/cli"), { recursive: true });
  copyFileSync(SIM_BIN, join(root, "bin/sim.js"));
  const bundled = join(root, "dist/bundle/sim.js");
  const compiled = join(root, "dist/cli/sim.js");
  writeFileSync(bundled, 'process.stdout.write("bundle");\n');
  writeFileSync(compiled, 'process.stdout.write("tsc");\n');
  writeFileSync(join(root, "package.json"), '{"type": "module"}\n');
  const entry = () => node(root, join(root, "bin/sim.js"), []).stdout;
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it("runs the bundle when it is at least as new as tsc's output, else the tsc output", () => {
    at(compiled, 1_000_000);
    at(bundled, 1_000_010);
    expect(entry()).toBe("bundle");
    // A tsc-only build after the last bundle: the bundle is stale.
    at(compiled, 1_000_020);
    expect(entry()).toBe("tsc");
    // No bundle at all.
    rmSync(bundled);
    expect(entry()).toBe("tsc");
  });
});
