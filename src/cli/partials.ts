// `sim merge`'s reading: each partial file read, parsed and checked field by field — the merge's
// largest serial cost after its summaries moved to threads (~25–35 µs a replication: the JSON
// guard, JSON.parse and the results' schema). Files are dealt to threads like the summaries
// (experiment/threads.ts), this one included; a file read elsewhere comes back as checked values
// (structured clone, ~3 µs a replication here). Which thread read a file changes nothing: the
// errors are the same, in the same order, as one thread reading the files one by one
// (test/cli/merge.test.ts runs the damaged partials on 1 and 3 threads).
import { asPartial, checkResults, MergeError, type Part } from "../experiment/shard.js";
import { runInThreads, workerModule } from "../experiment/threads.js";
import { readJsonFile, ScenarioError } from "../scenario/load.js";
import { UsageError } from "./io.js";

/** A partial holds every result of its shard: allow far more than a scenario, but not without bound. */
export const MAX_PARTIAL_BYTES = 256 * 1024 * 1024;

/** A file read: its checked partial, or why it was refused (the message sim prints, exit 2). */
export type PartialRead = { part: Part } | { refused: string };

/**
 * Read and check one partial file: size, encoding, JSON, its header and each of its results
 * against its own header (checkResults). Refusals are values, so that the first in the files'
 * order is the one reported, whichever thread finished first.
 */
export function readPartial(file: string): PartialRead {
  try {
    return { part: checkResults(file, asPartial(readJsonFile(file, "partial file", MAX_PARTIAL_BYTES), file)) };
  } catch (error) {
    if (error instanceof MergeError || error instanceof ScenarioError) return { refused: error.message };
    throw error;
  }
}

/** Read the partial files on `threads` threads, this one included; a refused file is a UsageError. */
export async function readPartials(files: readonly string[], threads: number): Promise<Part[]> {
  const read = await runInThreads({
    url: workerModule(import.meta.url, "cli/partial-worker.js"),
    count: files.length,
    threads,
    task: (index) => files[index],
    run: readPartial,
    what: (index) => `reading ${files[index]}`,
  });
  return read.map((r) => {
    if ("refused" in r) throw new UsageError(r.refused);
    return r.part;
  });
}
