// Runs vega-libs.cjs, vega and vega-lite bundled as one CommonJS script by scripts/build-cli.mjs,
// with V8's code cache when given one. Node 20 keeps no compile cache for ES modules, so the
// bundled CLI compiled vega's code afresh in every `sim advise` and `sim run`: parsing the 1.7 MB
// chunk and compiling each function on its first call cost 0.1–0.15 CPU s of the charts' ~0.85 s of
// SVG drawing (docs/performance.md, "2026-12-02 charts"). The build makes the cache (it draws a
// few charts, then keeps what V8 compiled); this runs the script with it, here and in the build.
import { type CachedScript, runCachedScript } from "../cached-script.js";
import type { VegaLibs } from "./vega-libs.js";

/** vega-libs.cjs run: its libraries, with the compiled script and whether V8 took the cache (CachedScript). */
export interface VegaScript extends Omit<CachedScript<unknown>, "exports"> {
  libs: VegaLibs;
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

/** Run the CommonJS script `file` (vega-libs.cjs, vega-libs.ts bundled) with V8's code cache of it in `cacheFile`, if that exists. */
export function runVegaScript(file: string, cacheFile?: string): VegaScript {
  const { exports, ...run } = runCachedScript<{ vegaLibs(): VegaLibs }>(file, cacheFile);
  return { ...run, libs: exports.vegaLibs() };
}
