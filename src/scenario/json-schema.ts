// The JSON Schema of the scenario format, generated from the same zod definitions that
// validate scenarios, so editors and the validator never disagree.
import * as z from "zod";
import { scenarioSchema } from "./schema.js";

/** The JSON Schema of scenario files (schema/scenario.schema.json), from the validator's own definitions. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, {
    io: "input",
    unrepresentable: "any",
  });
  return {
    ...schema,
    $id: "https://relaysim.invalid/schema/scenario.schema.json",
    title: "relaysim scenario",
    description:
      "A pool of outgoing SMTP relays, the blacklists that list them, and the mail they carry (see DESIGN §1).",
  };
}
