// An experiment, not the build (docs/performance.md, "2026-12-02 charts"): how much of the charts'
// SVG cost is V8 compiling vega's and vega-lite's code, which a code cache would save. Node 20 has
// no compile cache for ES modules, so this bundles a checkout's dist/report/render.js with vega and
// vega-lite as one CommonJS script (esbuild, into a temporary folder), draws the SVGs of a charts
// folder once through `vm.Script` and keeps V8's code cache of everything compiled by then
// (`createCachedData` after the run), then alternates fresh processes loading the script without and
// with that cache. Prints per run the CPU seconds of loading and of drawing every SVG, whether each
// SVG equals the folder's own, and the medians.
//
//   chrt -r 10 node bench/vega-code-cache.mjs CHECKOUT CHARTS_DIR [--pairs N]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import vm from "node:vm";

const args = process.argv.slice(2);

/** Load the bundled script, with `cache` if given; draw every SVG of `dir`; CPU seconds and the script. */
async function drawOnce(work, checkout, dir, cache) {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const file = join(work, "render.cjs");
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData: cache ? readFileSync(cache) : undefined });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(join(checkout, "package.json")), module, file, work);
  const render = module.exports;
  const c1 = cpu();
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".vl.json"))
    .map((f) => f.slice(0, -".vl.json".length))
    .sort((a, b) => (a === "advice") - (b === "advice") || (a < b ? -1 : 1));
  let same = true;
  for (const n of names) {
    const svg = await render.renderSvg(JSON.parse(readFileSync(join(dir, `${n}.vl.json`), "utf8")));
    same &&= svg === readFileSync(join(dir, `${n}.svg`), "utf8");
  }
  const c2 = cpu();
  return { load: c1 - c0, svgs: c2 - c1, same, rejected: cache ? script.cachedDataRejected : undefined, script };
}

if (args[0] === "--child") {
  const [, work, checkout, dir, withCache] = args;
  const r = await drawOnce(work, checkout, dir, withCache === "1" ? join(work, "render.cache") : undefined);
  console.log(JSON.stringify({ load: r.load, svgs: r.svgs, same: r.same, rejected: r.rejected }));
} else {
  let pairs = 6;
  const at = args.indexOf("--pairs");
  if (at >= 0) pairs = Number(args.splice(at, 2)[1]);
  const [checkout, dir] = args.map((a) => resolve(a));
  if (!dir || !(pairs >= 1)) throw new Error("usage: node bench/vega-code-cache.mjs CHECKOUT CHARTS_DIR [--pairs N]");
  const work = mkdtempSync(join(tmpdir(), "vega-code-cache-"));
  const esbuild = createRequire(join(checkout, "package.json"))("esbuild");
  await esbuild.build({
    entryPoints: [join(checkout, "dist/report/render.js")],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: join(work, "render.cjs"),
    external: ["@resvg/resvg-js"],
    logLevel: "error",
    plugins: [
      {
        // vega-canvas looks for the optional `canvas` package with a top-level await, which
        // CommonJS cannot hold; a require inside the same try behaves alike.
        name: "vega-canvas-require",
        setup(build) {
          build.onLoad({ filter: /[\\/]vega-canvas[\\/]build[\\/]vega-canvas\.node\.js$/ }, (a) => ({
            contents: readFileSync(a.path, "utf8").replace("await import('canvas')", "require('canvas')"),
            loader: "js",
          }));
        },
      },
    ],
  });
  const made = await drawOnce(work, checkout, dir);
  writeFileSync(join(work, "render.cache"), made.script.createCachedData());
  const runs = { without: [], with: [] };
  for (let p = 0; p < pairs; p++) {
    for (const side of p % 2 === 0 ? ["without", "with"] : ["with", "without"]) {
      const flag = side === "with" ? "1" : "0";
      const out = execFileSync(process.execPath, [import.meta.filename, "--child", work, checkout, dir, flag], {
        encoding: "utf8",
      });
      const r = JSON.parse(out);
      runs[side].push(r);
      console.log(
        `${side.padEnd(7)} cache: load ${r.load.toFixed(3)} svgs ${r.svgs.toFixed(3)} CPU s, ` +
          `${r.same ? "same SVGs" : "SVGS DIFFER"}${r.rejected ? ", cache rejected" : ""}`,
      );
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  for (const side of ["without", "with"]) {
    const rs = runs[side];
    console.log(
      `${side} cache, median: load ${median(rs.map((r) => r.load)).toFixed(3)}, svgs ${median(rs.map((r) => r.svgs)).toFixed(3)} CPU s`,
    );
  }
  rmSync(work, { recursive: true, force: true });
}
