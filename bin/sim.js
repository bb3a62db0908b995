#!/usr/bin/env node
// The `sim` command. `npm run build` compiles src/ to dist/ (tsc) and then bundles the CLI and
// its worker into a few files in dist/bundle/ (scripts/build-cli.mjs): loading one file instead
// of some 300 modules halves the start-up. The bundle runs only when it is at least as new as
// the compiled dist/cli/sim.js, so a tsc-only build never runs stale bundled code.
import { statSync } from "node:fs";

function newer(file, than) {
  try {
    return statSync(new URL(file, import.meta.url)).mtimeMs >= statSync(new URL(than, import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

await import(newer("../dist/bundle/sim.js", "../dist/cli/sim.js") ? "../dist/bundle/sim.js" : "../dist/cli/sim.js");
