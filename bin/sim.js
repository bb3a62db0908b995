#!/usr/bin/env node
// The `sim` command: runs the compiled CLI (npm run build writes dist/). The replication pool's
// worker threads start first, so that they load their modules while this thread loads the CLI.
import { startWorkers, workersWanted } from "../dist/experiment/worker-threads.js";

const argv = process.argv.slice(2);
startWorkers(workersWanted(argv));
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(argv);
