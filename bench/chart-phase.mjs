// The charts' CPU alone, as `sim advise` pays it (docs/performance.md, "2026-12-02 charts"): each
// run is a fresh process that imports a checkout's bundled renderer (as the CLI does: from the CLI's
// script dist/bundle/sim.cjs with its code cache, or in checkouts before 2 December 2026 02:00 UTC
// the chunk dist/bundle/render-*.js; the import then loads the whole CLI, or that chunk) and renders every saved Vega-Lite spec of a charts folder once — the run's charts
// asked for at once, then the advice chart, so vega runs cold as it does in advise. Old and new
// alternate in pairs (the order swapping each pair). Prints per run the CPU seconds of the import
// and of the charts (every thread: resvg's rasterising on libuv's pool included), the minor page
// faults, and whether every SVG and PNG equals the folder's own; then the medians.
//
//   node bin/sim.js advise scenarios/18of20.json --out /tmp/a1 --force   (any advise or run folder)
//   chrt -r 10 node bench/chart-phase.mjs OLD_CHECKOUT NEW_CHECKOUT /tmp/a1/charts [--pairs N]
//
// The vega code cache alone (report/vega-code-cache.ts runs vega without one when the file is
// missing): OLD a copy of the checkout's dist/ and package.json, node_modules linked, without
// dist/bundle/vega-libs.cache.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { alternate, takeCount } from "./alternate.mjs";
import { median } from "./median.mjs";

const args = process.argv.slice(2);

if (args[0] === "--child") {
  const [, checkout, dir] = args;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const bundle = resolve(checkout, "dist/bundle");
  const chunk = readdirSync(bundle).find((f) => /^render-.*\.js$/.test(f));
  const render = chunk
    ? await import(pathToFileURL(join(bundle, chunk)).href)
    : await (await import(pathToFileURL(resolve(checkout, "dist/cached-script.js")).href))
        .runCachedScript(join(bundle, "sim.cjs"), join(bundle, "sim.cache"))
        .exports.renderer();
  const c1 = cpu();
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".vl.json"))
    .map((f) => f.slice(0, -".vl.json".length))
    .sort((a, b) => (a === "advice") - (b === "advice") || (a < b ? -1 : 1));
  const spec = (name) => JSON.parse(readFileSync(join(dir, `${name}.vl.json`), "utf8"));
  const run = names.filter((n) => n !== "advice");
  const drawn = await Promise.all(run.map((n) => render.renderChart(spec(n))));
  if (names.includes("advice")) drawn.push(await render.renderChart(spec("advice")));
  const c2 = cpu();
  const same = names.every(
    (n, i) =>
      drawn[i].svg === readFileSync(join(dir, `${n}.svg`), "utf8") &&
      Buffer.compare(Buffer.from(drawn[i].png), readFileSync(join(dir, `${n}.png`))) === 0,
  );
  const faults = process.resourceUsage().minorPageFault;
  console.log(JSON.stringify({ import: c1 - c0, charts: c2 - c1, faults, same }));
} else {
  const pairs = takeCount(args, "--pairs", 6);
  const [oldDir, newDir, dir] = args;
  if (!dir || !(pairs >= 1)) throw new Error("usage: node bench/chart-phase.mjs OLD NEW CHARTS_DIR [--pairs N]");
  const child = (checkout) =>
    JSON.parse(execFileSync(process.execPath, [import.meta.filename, "--child", checkout, dir], { encoding: "utf8" }));
  const runs = await alternate(pairs, (side) => {
    const load = loadavg()[0];
    const r = child(side === "old" ? oldDir : newDir);
    console.log(
      `${side} import ${r.import.toFixed(3)} charts ${r.charts.toFixed(3)} CPU s, faults ${r.faults}, ` +
        `${r.same ? "same bytes" : "BYTES DIFFER"}, load ${load.toFixed(2)}`,
    );
    return r;
  });
  const ratio = median(runs.new.map((r, i) => (r.import + r.charts) / (runs.old[i].import + runs.old[i].charts)));
  for (const side of ["old", "new"]) {
    const rs = runs[side];
    console.log(
      `${side} median: import ${median(rs.map((r) => r.import)).toFixed(3)}, charts ` +
        `${median(rs.map((r) => r.charts)).toFixed(3)} CPU s, faults ${median(rs.map((r) => r.faults))}`,
    );
  }
  console.log(`new/old (import + charts), median of pairs: ${ratio.toFixed(3)}`);
}
