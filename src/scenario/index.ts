// Scenario files: parse, validate, normalise (units to seconds), and the JSON Schema.
export { scenarioJsonSchema } from "./json-schema.js";
export {
  formatPath,
  loadScenario,
  parseJsonText,
  parseScenario,
  rememberInput,
  ScenarioError,
  scenarioInput,
} from "./load.js";
export {
  type Balancer,
  type Blacklist,
  type Dist,
  type ListedEntry,
  POLICIES,
  type Policy,
  type Scenario,
  type ScenarioInput,
  scenarioSchema,
} from "./schema.js";
export { formatDuration, parseDuration, parseRate } from "./units.js";
