// The `sim` command's start: the replication pool's worker threads start first, so that they load
// their modules while this thread loads the CLI (yargs, zod, the model), which is imported only
// afterwards. Run by sim.ts (tsc's dist/cli/sim.js) and, bundled as dist/bundle/sim.cjs with V8's
// code cache, by bin/sim.js (scripts/build-cli.mjs).
import { startWorkers, workersWanted } from "../experiment/worker-threads.js";
import type { Io } from "./io.js";

/** Run `sim argv` (the arguments without node and script), writing to `io` (default: the process's), and return the exit code. */
export async function sim(argv: string[], io?: Io): Promise<number> {
  startWorkers(workersWanted(argv));
  const { main } = await import("./main.js");
  return main(argv, io);
}
