// `sim explain [BOUNCE]`: say in plain words which relay and which list caused a bounce, and —
// with --scenario — what to do (resend now, wait how long, ask the provider), from `sim advise`.
import { closeSync, openSync, readSync } from "node:fs";
import type { CommandModule } from "yargs";
import { AdviseError, advise } from "../../experiment/advise.js";
import { MAX_BOUNCE_BYTES, parseBounce } from "../../explain/bounce.js";
import { explainBounce, explanationText, needsAdvice } from "../../explain/explain.js";
import { jsonText } from "../../report/files.js";
import { loadScenario } from "../../scenario/load.js";
import { resolveRunSize } from "../experiment-options.js";
import { type Io, UsageError } from "../io.js";

interface ExplainArgs {
  bounce?: string;
  scenario?: string;
  json: boolean;
  seed?: number;
}

/**
 * At most `limit` bytes of a file ("-" = standard input), decoded as UTF-8 (Latin-1 bytes that are
 * not UTF-8 become U+FFFD): a bounce can be any size, the report is near its start.
 */
export function readBounded(file: string, limit = MAX_BOUNCE_BYTES): string {
  let fd: number;
  try {
    fd = file === "-" ? 0 : openSync(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: cannot read: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message}`,
    );
  }
  const buffer = Buffer.alloc(limit);
  let length = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, length, limit - length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") continue;
        if (code === "EOF") break;
        if (code === "EISDIR") throw new UsageError(`${file}: cannot read: is a directory`);
        throw new UsageError(`${file}: cannot read: ${(error as Error).message}`);
      }
      if (n === 0) break;
      length += n;
      if (length >= limit) break;
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
  return buffer.subarray(0, length).toString("utf8");
}

export function explainCommand(io: Io): CommandModule<object, ExplainArgs> {
  return {
    command: "explain [bounce]",
    describe:
      "Explain a bounce (an RFC 3464 .eml, a qmail bounce, or a pasted reply line on standard input): which relay and which list, permanent or not, the lookup page, and with --scenario what to do",
    builder: (y) =>
      y
        .positional("bounce", {
          type: "string",
          describe: 'the bounce file; "-" or nothing reads standard input',
        })
        .option("scenario", {
          type: "string",
          describe:
            "your pool's scenario (e.g. from `sim calibrate`): adds resend now / wait how long / ask the provider",
        })
        .option("seed", { type: "number", describe: "seed for the pool's simulation (default: the scenario's)" })
        .option("json", { type: "boolean", default: false, describe: "print the explanation as JSON" })
        .example("$0 explain bounce.eml", "which list and which relay")
        .example("$0 explain bounce.eml --scenario mypool.json", "… and whether to wait before resending")
        .example(
          "echo '554 5.7.1 Client host [192.0.2.7] blocked using bl.spamcop.net' | $0 explain",
          "a pasted reply line",
        )
        .epilogue(
          `Reads at most ${MAX_BOUNCE_BYTES} bytes. Advice comes from \`sim advise\` on the scenario (its own balancing only) and is computed only for permanent blocklist rejections. Exit 2 for an unreadable file or an invalid scenario.`,
        ),
    handler: async (args) => {
      const text = readBounded(args.bounce ?? "-");
      const bounce = parseBounce(text);
      let advice = null;
      if (args.scenario !== undefined) {
        const scenario = loadScenario(args.scenario);
        const size = resolveRunSize(args, scenario);
        if (needsAdvice(bounce)) {
          try {
            advice = (await advise(scenario, { policies: [], ...size, source: args.scenario })).advice;
          } catch (error) {
            if (error instanceof AdviseError) throw new UsageError(`${args.scenario}: ${error.message}`);
            throw error;
          }
        }
      }
      const explanation = explainBounce(bounce, advice);
      io.stdout(args.json ? jsonText(explanation) : explanationText(explanation));
    },
  };
}
