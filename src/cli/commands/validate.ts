// `sim validate FILE...`: check scenarios without running them.
import type { CommandModule } from "yargs";
import { loadScenario, ScenarioError } from "../../scenario/load.js";
import type { Io, Status } from "../io.js";

export function validateCommand(io: Io, status: Status): CommandModule<object, { files: string[] }> {
  return {
    command: "validate <files..>",
    describe: "Check scenario files against the format; report every problem with its JSON path",
    builder: (y) =>
      y
        .positional("files", {
          type: "string",
          array: true,
          demandOption: true,
          describe: "scenario JSON files",
        })
        .example("$0 validate scenarios/*.json", "check every shipped scenario"),
    handler: ({ files }) => {
      let bad = 0;
      for (const file of files) {
        try {
          const s = loadScenario(file);
          io.stdout(`${file}: ok (${s.name}: ${s.pool.servers} servers, ${s.pool.balancer.policy} balancing)\n`);
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          io.stderr(`${error.message}\n`);
          bad++;
        }
      }
      if (bad > 0) status.code = 2;
    },
  };
}
