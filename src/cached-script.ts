// Running a CommonJS script with V8's code cache of it: the bundled CLI (dist/bundle/sim.cjs, which
// bin/sim.js runs) and vega with vega-lite (dist/bundle/vega-libs.cjs, report/vega-script.ts). Node 20
// keeps no compile cache for ES modules, so a bundle loaded as one compiled its code afresh in every
// `sim`; scripts/build-cli.mjs bundles these as scripts, runs them through their common paths and
// writes what V8 compiled by then beside each (`script.createCachedData()`), and this hands it back.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import vm from "node:vm";

export interface CachedScript<Exports> {
  /** What the script put in `module.exports`. */
  exports: Exports;
  /** The compiled script, for `createCachedData()` once it has run its warm-up. */
  script: vm.Script;
  /**
   * Whether V8 took the cache: it refuses one made by another V8 version, under other V8 flags (any
   * on node's command line) or of other code, and compiles afresh.
   */
  cache: "none" | "accepted" | "rejected";
}

/** V8's code cache in `file`, or undefined if there is none. */
function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Run the CommonJS script `file` as Node runs a .cjs module (its own `require`, `module`,
 * `__filename`, `__dirname`), compiled with the code cache in `cacheFile` when that file exists.
 */
export function runCachedScript<Exports>(file: string, cacheFile?: string): CachedScript<Exports> {
  const source = readFileSync(file, "utf8");
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as Exports };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "accepted";
  return { exports: module.exports, script, cache };
}
