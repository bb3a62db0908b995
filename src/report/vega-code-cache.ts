// What the bundled CLI imports in place of vega-libs.ts (scripts/build-cli.mjs): vega and vega-lite
// from vega-libs.cjs beside the bundle's chunks, run with V8's code cache vega-libs.cache (see
// vega-script.ts). The same code as the packages, so the same charts, byte for byte. Loaded on
// the first chart, not with this module: `sim advise` imports the renderer as it starts, and
// bytecode left unused through the simulation's garbage collections is flushed by V8 before the
// charts are drawn, so a cache loaded then would be paid for and lost (docs/performance.md).
import { fileURLToPath } from "node:url";
import type { VegaLibs } from "./vega-libs.js";
import { runVegaScript } from "./vega-script.js";

let libs: VegaLibs | undefined;

/** vega and vega-lite, loaded on the first call. */
export function vegaLibs(): VegaLibs {
  if (libs) return libs;
  const cache = fileURLToPath(new URL("./vega-libs.cache", import.meta.url));
  const script = fileURLToPath(new URL("./vega-libs.cjs", import.meta.url));
  libs = runVegaScript(script, cache).libs;
  return libs;
}
