// Reading scenario files: the file access around parse.ts, which holds everything else (and is
// re-exported here, so `scenario/load.js` keeps offering parseScenario, ScenarioError, …).
import { readFileSync } from "node:fs";
import { parseJsonText, parseScenario, ScenarioError } from "./parse.js";
import type { Scenario } from "./schema.js";

export {
  formatPath,
  lineColumn,
  parseJsonText,
  parseScenario,
  rememberInput,
  ScenarioError,
  scenarioInput,
} from "./parse.js";

/** Read, parse, validate and normalise a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory, expected a JSON file"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new ScenarioError(file, [`cannot read scenario: ${reason}`]);
  }
  return parseScenario(parseJsonText(text, file), file);
}
