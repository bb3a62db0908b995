// The `sim` process as tsc compiles it (dist/cli/sim.js): bin/sim.js runs this when the bundle
// (dist/bundle/sim.cjs, see scripts/build-cli.mjs) is missing or older, or when node maps stack
// traces through source maps (--enable-source-maps), which a script run by node:vm does not get.
import { sim } from "./start.js";

process.exitCode = await sim(process.argv.slice(2));
