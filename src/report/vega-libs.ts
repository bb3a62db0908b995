// vega and vega-lite, the two libraries render.ts draws with, from one module. The bundled CLI
// (scripts/build-cli.mjs) puts vega-code-cache.ts in its place, which loads the same two libraries
// as one script with V8's code cache of them, on the first chart; compiled by tsc (dist/report/:
// the tests, the library export), this module is the packages themselves.
import * as vega from "vega";
import { compile } from "vega-lite";

export interface VegaLibs {
  vega: typeof vega;
  compile: typeof compile;
}

const libs: VegaLibs = { vega, compile };

/** vega and vega-lite. */
export function vegaLibs(): VegaLibs {
  return libs;
}
