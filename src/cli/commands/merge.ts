// `sim merge PARTS... --out DIR`: combine the partial files of a sharded `sim run` or
// `sim sweep` into the very files a single run writes, byte for byte — or refuse.
import type { CommandModule } from "yargs";
import { defaultWorkers } from "../../experiment/pool.js";
import { asPartial, MergeError, mergePartialsInThreads, type PartialFile } from "../../experiment/shard.js";
import { sweepJson } from "../../experiment/sweep.js";
import { jsonText, runJson } from "../../report/files.js";
import { readJsonFile } from "../../scenario/load.js";
import { parseWorkers } from "../experiment-options.js";
import { summaryTable } from "../format.js";
import { type Io, UsageError } from "../io.js";
import { defaultFolder, forceFlag } from "../output-folder.js";
import { produceOutput, runContent, sweepContent } from "../outputs.js";
import { sweepTable } from "./sweep.js";

interface MergeArgs {
  parts: string[];
  out?: string;
  json: boolean;
  charts: boolean;
  force: boolean;
  "allow-large"?: boolean;
  workers?: number;
}

/** A partial holds every result of its shard: allow far more than a scenario, but not without bound. */
export const MAX_PARTIAL_BYTES = 256 * 1024 * 1024;

/** Read and check one partial file: size, encoding, JSON and every field (exit 2 otherwise). */
function readPartial(file: string): PartialFile {
  const value = readJsonFile(file, "partial file", MAX_PARTIAL_BYTES);
  try {
    return asPartial(value, file);
  } catch (error) {
    throw error instanceof MergeError ? new UsageError(error.message) : error;
  }
}

export function mergeCommand(io: Io): CommandModule<object, MergeArgs> {
  return {
    command: "merge <parts..>",
    describe: "Combine the partial files of a sharded run or sweep (--shard I/N) into the files a single run writes",
    builder: (y) =>
      forceFlag(y)
        .positional("parts", {
          type: "string",
          array: true,
          demandOption: true,
          describe: "partial files, one per shard",
        })
        .option("out", {
          type: "string",
          describe:
            "output folder (default: output/<scenario name>, or output/<scenario name>-sweep for a sweep; replaced only if sim wrote it)",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print summary.json (or sweep.json) instead of the table",
        })
        .option("charts", {
          type: "boolean",
          default: true,
          describe: "write charts/ and report.html as the single run would; --no-charts skips them",
        })
        .option("workers", {
          alias: "w",
          type: "number",
          describe: `threads that summarise a sweep's points (default: one per core, here ${defaultWorkers()}); the files are identical for any number`,
        })
        .option("allow-large", {
          type: "boolean",
          describe: "merge a sweep whose grid the up-front estimate refuses as too large",
        })
        .example("$0 merge output/18of20.part-*-of-4.json --out output/18of20", "after four shards ran"),
    handler: async (args) => {
      const started = Date.now();
      const threads = parseWorkers(args.workers);
      const parts = args.parts.map((source) => ({ source, partial: readPartial(source) }));
      let merged: Awaited<ReturnType<typeof mergePartialsInThreads>>;
      try {
        merged = await mergePartialsInThreads(parts, {
          allowLarge: args["allow-large"] === true,
          consume: true,
          threads,
        });
      } catch (error) {
        throw error instanceof MergeError ? new UsageError(`sim merge: ${error.message}`) : error;
      }
      const first = parts[0].partial;
      const run = () =>
        runJson(started, {
          mergedFrom: parts.map((p) => ({
            file: p.source,
            shard: `${p.partial.shard.index}/${p.partial.shard.count}`,
          })),
        });
      const wrote = (text: string, target: string) =>
        io.stdout(args.json ? text : `${text}\nMerged ${parts.length} partial files. Wrote ${target}/\n`);
      await produceOutput(
        args.out ?? defaultFolder(merged.kind, first.scenario.name),
        { command: "merge", force: args.force, notify: io.stderr },
        async () => {
          if (merged.kind === "run") {
            const { summary, results } = merged;
            return {
              ...runContent(summary, results, { charts: args.charts }),
              run,
              done: (o) => wrote(args.json ? jsonText(summary) : summaryTable(summary), o.target),
            };
          }
          const json = sweepJson(merged.sweep);
          return {
            ...sweepContent(json, { charts: args.charts }),
            run,
            done: (o) => wrote(args.json ? jsonText(json) : sweepTable(json), o.target),
          };
        },
      );
    },
  };
}
