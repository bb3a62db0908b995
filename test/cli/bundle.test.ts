// The bundled CLI (dist/bundle/sim.cjs with V8's code cache sim.cache, scripts/build-cli.mjs), which
// bin/sim.js runs, against the compiled modules it was bundled from (dist/cli/sim.js): same files,
// same messages, with the cache, without it, and with a cache V8 refuses.

import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runCachedScript } from "../../src/cached-script.js";
import { nodeProcess as node, SIM_BIN, smallScenario, tempDir } from "../helpers/cli.js";

/** bin/sim.js runs the bundled script when it is at least as new as tsc's output (the first test). */
const BUNDLED = SIM_BIN;
const COMPILED = fileURLToPath(new URL("../../dist/cli/sim.js", import.meta.url));
const SCRIPT = fileURLToPath(new URL("../../dist/bundle/sim.cjs", import.meta.url));
const CACHE = fileURLToPath(new URL("../../dist/bundle/sim.cache", import.meta.url));

describe("the bundled CLI", () => {
  const dir = tempDir();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 4 })));

  it("is built by npm run build, after the compiled modules (bin/sim.js runs it only then)", () => {
    expect(statSync(SCRIPT).mtimeMs).toBeGreaterThanOrEqual(statSync(COMPILED).mtimeMs);
  });

  it("runs with the code cache the build made (V8 refuses a cache of other code, or made under other V8 flags)", () => {
    const run = runCachedScript<{ sim: unknown }>(SCRIPT, CACHE);
    expect(run.cache).toBe("accepted");
    expect(typeof run.exports.sim).toBe("function");
  });

  it("is ASCII only: one other character and node decodes the whole script as two-byte text, every command", () => {
    const bytes = readFileSync(SCRIPT);
    const other = bytes.findIndex((byte) => byte > 0x7f);
    expect(other === -1 ? "" : bytes.subarray(Math.max(0, other - 60), other + 4).toString("utf8")).toBe("");
  });

  /**
   * A copy of the built CLI (bin/ and the bundle), `change`d, next to a tsc output that only says
   * "tsc": a command that printed the bundle's output ran the bundle.
   */
  const copyOfBuild = (name: string, change: (bundle: string) => void) => {
    const root = join(dir, name);
    cpSync(dirname(SIM_BIN), join(root, "bin"), { recursive: true });
    cpSync(dirname(SCRIPT), join(root, "dist/bundle"), { recursive: true });
    copyFileSync(
      fileURLToPath(new URL("../../dist/cached-script.js", import.meta.url)),
      join(root, "dist/cached-script.js"),
    );
    mkdirSync(join(root, "dist/cli"));
    writeFileSync(join(root, "dist/cli/sim.js"), 'process.stdout.write("tsc");\n');
    const older = statSync(SCRIPT).mtime;
    utimesSync(join(root, "dist/cli/sim.js"), older, older);
    writeFileSync(join(root, "package.json"), '{"type": "module"}\n');
    // yargs' locale files and the report's libraries are found from the installed packages.
    symlinkSync(fileURLToPath(new URL("../../node_modules", import.meta.url)), join(root, "node_modules"));
    change(join(root, "dist/bundle"));
    return join(root, "bin/sim.js");
  };

  it("runs as it does with its cache when V8 refuses the cache (a script changed after it) or there is none", () => {
    const changed = copyOfBuild("changed", (bundle) => appendFileSync(join(bundle, "sim.cjs"), "\n// changed\n"));
    const uncached = copyOfBuild("uncached", (bundle) => rmSync(join(bundle, "sim.cache")));
    const changedScript = join(dirname(dirname(changed)), "dist/bundle/sim.cjs");
    expect(runCachedScript(changedScript, join(dirname(changedScript), "sim.cache")).cache).toBe("rejected");
    const args = ["run", file, "--workers", "1", "--no-charts", "--json"];
    const outputs = [BUNDLED, changed, uncached].map((entry, i) => {
      const r = node(dir, entry, [...args, "--out", join(dir, `cache-${i}`)]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      return [r.stdout, readFileSync(join(dir, `cache-${i}`, "replications.csv"), "utf8")];
    });
    expect(outputs[0][0]).toContain('"replications"');
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    for (const entry of [changed, uncached]) {
      expect(node(dir, entry, ["validate", file])).toEqual(node(dir, BUNDLED, ["validate", file]));
    }
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

  it("loads resvg without a diagnostic report (whose worker reports stop the replications' thread)", () => {
    // process.report.getReport() throws here: resvg-js's own loader calls it to tell musl from glibc.
    const preload = join(dir, "no-report.mjs");
    writeFileSync(preload, 'process.report.getReport = () => { throw new Error("getReport called"); };\n');
    const out = join(dir, "charts-no-report");
    const r = node(dir, BUNDLED, ["run", file, "--workers", "2", "--out", out], {
      NODE_OPTIONS: `--import=${preload}`,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, "charts")).filter((f) => f.endsWith(".png")).length).toBeGreaterThan(0);
  });

  /** The bundle's files that `entries` load: their static imports, and theirs. */
  const staticallyLoaded = (...entries: string[]) => {
    const dir = dirname(SCRIPT);
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

  it("loads vega only for charts, from its own script: not with the CLI every command loads", () => {
    const dir = dirname(SCRIPT);
    const vegaIn = (f: string) => /node_modules\/vega(-lite)?\//.test(readFileSync(join(dir, f), "utf8"));
    // The CLI's script holds the report writer, not vega...
    expect(readFileSync(SCRIPT, "utf8")).toMatch(/renderCharts/);
    expect(vegaIn("sim.cjs")).toBe(false);
    // ...but the renderer loads it from one script with V8's code cache (report/vega-script.ts),
    // not from node_modules module by module, nor from an ES module chunk V8 cannot cache.
    expect(readdirSync(dir).filter((f) => /\.c?js$/.test(f) && f !== "vega-libs.cjs" && vegaIn(f))).toEqual([]);
    expect(vegaIn("vega-libs.cjs")).toBe(true);
    expect(statSync(join(dir, "vega-libs.cache")).size).toBeGreaterThan(100_000);
  });

  it("loads no zod in the replication worker: it simulates, and never parses a scenario", () => {
    const dir = dirname(SCRIPT);
    const zodIn = (f: string) => /node_modules\/zod\//.test(readFileSync(join(dir, f), "utf8"));
    const loaded = staticallyLoaded("worker.js");
    expect(loaded.size).toBeGreaterThan(1);
    expect([...loaded].filter(zodIn)).toEqual([]);
    // ...while the CLI itself does (it parses the scenario): the check can see zod.
    expect(zodIn("sim.cjs")).toBe(true);
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

  it("has worker chunks that all load", async () => {
    const dir = dirname(SCRIPT);
    const entries = ["worker.js", "read-worker.js", "summary-worker.js"];
    const chunks = readdirSync(dir).filter((f) => f.endsWith(".js") && !entries.includes(f));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) await import(pathToFileURL(join(dir, chunk)).href);
  });

  it("lays out help text as the compiled CLI does (the bundled string-widths, their segmenter made on first use)", () => {
    for (const command of ["advise", "sweep"]) {
      const bundled = node(dir, BUNDLED, [command, "--help"]);
      const compiled = node(dir, COMPILED, [command, "--help"]);
      expect(compiled.stdout).toMatch(/[^ -~\n]/); // text beyond ASCII, measured cluster by cluster
      expect(bundled.stdout).toBe(compiled.stdout);
      expect(bundled.code).toBe(0);
    }
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
  copyFileSync(
    fileURLToPath(new URL("../../dist/cached-script.js", import.meta.url)),
    join(root, "dist/cached-script.js"),
  );
  const bundled = join(root, "dist/bundle/sim.cjs");
  const compiled = join(root, "dist/cli/sim.js");
  writeFileSync(
    bundled,
    'module.exports = { sim: async (argv) => { process.stdout.write("bundle " + argv.join(" ")); return 3; } };\n',
  );
  writeFileSync(compiled, 'process.stdout.write("tsc");\n');
  writeFileSync(join(root, "package.json"), '{"type": "module"}\n');
  const run = (nodeOptions = "") =>
    spawnSync(process.execPath, [...(nodeOptions ? [nodeOptions] : []), join(root, "bin/sim.js"), "a", "b"], {
      cwd: root,
      encoding: "utf8",
    });
  const entry = (nodeOptions = "") => run(nodeOptions).stdout;
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it("runs the bundle when it is at least as new as tsc's output, else the tsc output", () => {
    at(compiled, 1_000_000);
    at(bundled, 1_000_010);
    expect(entry()).toBe("bundle a b");
    expect(run().status).toBe(3);
    // Stack traces through source maps: the bundled script, run by node:vm, would not get them.
    expect(entry("--enable-source-maps")).toBe("tsc");
    // A tsc-only build after the last bundle: the bundle is stale.
    at(compiled, 1_000_020);
    expect(entry()).toBe("tsc");
    // No bundle at all.
    rmSync(bundled);
    expect(entry()).toBe("tsc");
  });
});
