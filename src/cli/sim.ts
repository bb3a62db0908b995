// The `sim` process: bin/sim.js loads this module (bundled: dist/bundle/sim.js, see
// scripts/build-cli.mjs; else dist/cli/sim.js). The replication pool's worker threads start
// first, so that they load their modules while this thread loads the CLI (yargs, zod, the
// model), which is imported only afterwards.
import { startWorkers, workersWanted } from "../experiment/worker-threads.js";

const argv = process.argv.slice(2);
startWorkers(workersWanted(argv));
const { main } = await import("./main.js");
process.exitCode = await main(argv);
