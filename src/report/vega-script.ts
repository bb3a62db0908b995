// Runs vega-libs.cjs, vega and vega-lite bundled as one CommonJS script by scripts/build-cli.mjs,
// with V8's code cache when given one. Node 20 keeps no compile cache for ES modules, so the
// bundled CLI compiled vega's code afresh in every `sim advise` and `sim run`: parsing the 1.7 MB
// chunk and compiling each function on its first call cost 0.1–0.15 CPU s of the charts' ~0.85 s of
// SVG drawing (docs/performance.md, "2026-12-02 charts"). The build makes the cache (it draws a
// few charts, then keeps what V8 compiled); this runs the script with it, here and in the build.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import vm from "node:vm";
import type { VegaLibs } from "./vega-libs.js";

export interface VegaScript {
  libs: VegaLibs;
  /** The compiled script, for `createCachedData()` once it has drawn. */
  script: vm.Script;
  /** Whether V8 took the cache: it refuses one made by another V8 version, other flags or other code, and compiles afresh. */
  cache: "none" | "accepted" | "rejected";
}

/**
 * The SVG document `libs` draw for the Vega-Lite `spec` (vega's `renderer: "none"` needs no canvas
 * or DOM). vega numbers clip paths and gradients with process-wide counters: they are reset first,
 * so a chart's bytes depend on its spec alone, not on the charts drawn before it.
 */
export async function svgOf(libs: VegaLibs, spec: unknown): Promise<string> {
  const { vega, compile } = libs;
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compile(spec as Parameters<typeof compile>[0]).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Run the CommonJS script `file` (vega-libs.cjs, vega-libs.ts bundled) with `cachedData`, V8's code cache of it, if given. */
export function runVegaScript(file: string, cachedData?: Buffer): VegaScript {
  const source = readFileSync(file, "utf8");
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as { vegaLibs(): VegaLibs } };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "accepted";
  return { libs: module.exports.vegaLibs(), script, cache };
}
