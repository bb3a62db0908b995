// `sim schema`: print the scenario JSON Schema (the file in schema/ is this output).
import type { CommandModule } from "yargs";
import { jsonText } from "../../report/files.js";
import { scenarioJsonSchema } from "../../scenario/json-schema.js";
import type { Io } from "../io.js";

export function schemaCommand(io: Io): CommandModule {
  return {
    command: "schema",
    describe: 'Print the scenario format\'s JSON Schema (for editors: "$schema" in a scenario)',
    handler: () => io.stdout(jsonText(scenarioJsonSchema())),
  };
}
