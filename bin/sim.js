#!/usr/bin/env node
// The `sim` command. `npm run build` compiles src/ to dist/ (tsc) and then bundles the CLI as one
// script, dist/bundle/sim.cjs, with V8's code cache of it, sim.cache (scripts/build-cli.mjs):
// loading one file instead of some 300 modules halved the start-up, and the cache spares V8
// compiling it. The bundle runs only when it is at least as new as the compiled dist/cli/sim.js,
// so a tsc-only build never runs stale bundled code; and not when node maps stack traces through
// source maps (--enable-source-maps), which node:vm's scripts do not get: tsc's output maps to src/.
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

function newer(file, than) {
  try {
    return statSync(new URL(file, import.meta.url)).mtimeMs >= statSync(new URL(than, import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

if (!process.sourceMapsEnabled && newer("../dist/bundle/sim.cjs", "../dist/cli/sim.js")) {
  const { runCachedScript } = await import("../dist/cached-script.js");
  const path = (file) => fileURLToPath(new URL(file, import.meta.url));
  const { exports } = runCachedScript(path("../dist/bundle/sim.cjs"), path("../dist/bundle/sim.cache"));
  process.exitCode = await exports.sim(process.argv.slice(2));
} else {
  await import("../dist/cli/sim.js");
}
