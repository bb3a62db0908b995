// The compiled-scenario cache both replication workers keep (experiment/worker.ts on threads,
// web/worker.ts in the browser): scenarios by the pool's id, so a grid's tables (Zipf alias
// table, samplers) are built once per worker and configuration, not once per replication.
import { CompiledScenario } from "../model/replication.js";
import type { TaskMessage } from "./pool.js";

/** A lookup that compiles each scenario id once, keeping the `size` most recent (oldest dropped first). */
export function compiledScenarios(size: number): (message: TaskMessage) => CompiledScenario {
  const compiled = new Map<number, CompiledScenario>();
  return (message) => {
    let c = compiled.get(message.scenarioId);
    if (!c) {
      c = new CompiledScenario(message.scenario);
      compiled.set(message.scenarioId, c);
      if (compiled.size > size) compiled.delete(compiled.keys().next().value as number);
    }
    return c;
  };
}
