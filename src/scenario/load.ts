// Reading scenario files: the file access around parse.ts, which holds everything else (and is
// re-exported here, so `scenario/load.js` keeps offering parseScenario, ScenarioError, …).
// Files are read to a size limit and must be UTF-8 (json.ts), since every file read is hostile.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { decodeUtf8 } from "./json.js";
import { parseJsonText, parseScenario, ScenarioError } from "./parse.js";
import type { Scenario } from "./schema.js";

export {
  formatIssue,
  formatPath,
  lineColumn,
  parseJsonText,
  parseScenario,
  rememberInput,
  ScenarioError,
  scenarioInput,
} from "./parse.js";

/** Scenario files larger than this are refused unread (a scenario is a few kilobytes). */
export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${Number((bytes / 1024 / 1024).toPrecision(3))} MB`;
}

/**
 * A file's bytes, read to at most `maxBytes`: a larger file (or an endless one such as
 * /dev/zero or a pipe) is refused after reading just past the limit. Errors are ScenarioErrors
 * naming the file and saying what it should have been (`what`: "scenario", "partial file").
 */
export function readLimited(file: string, what: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new ScenarioError(file, [`cannot read ${what}: ${readFailure(error)}`]);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      throw new ScenarioError(file, [`cannot read ${what}: is a directory, expected a JSON file`]);
    const tooLarge = () =>
      new ScenarioError(file, [`cannot read ${what}: larger than ${mebibytes(maxBytes)}, the most a ${what} may be`]);
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw new ScenarioError(file, [`cannot read ${what}: ${readFailure(error)}`]);
      }
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw tooLarge();
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EISDIR"
      ? "is a directory, expected a JSON file"
      : code === "EACCES"
        ? "permission denied"
        : (error as Error).message;
}

/** Read a JSON file (UTF-8, at most `maxBytes`) and parse it with parseJsonText's checks. */
export function readJsonFile(file: string, what: string, maxBytes: number): unknown {
  const decoded = decodeUtf8(readLimited(file, what, maxBytes));
  if ("problem" in decoded) throw new ScenarioError(file, [decoded.problem]);
  return parseJsonText(decoded.text, file);
}

/** Read, parse, validate and normalise a scenario file. */
export function loadScenario(file: string): Scenario {
  return parseScenario(readJsonFile(file, "scenario", MAX_SCENARIO_BYTES), file);
}
