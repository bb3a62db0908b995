// One replication of a scenario: the one-recipient flow (replication.ts), or the flow that splits
// each message by recipient domain when messages have several recipients (DESIGN §2).
import type { ClockWatch } from "../engine/index.js";
import type { CompiledScenario } from "./compiled.js";
import { RecipientsModel } from "./recipients-per-message.js";
import { MailModel } from "./replication.js";
import type { AttemptSink } from "./sink.js";
import type { Tally } from "./tally.js";

export { CompiledScenario } from "./compiled.js";

/** Simulate replication `replication` of a scenario under `seed`. */
export function simulateReplication(
  compiled: CompiledScenario,
  seed: number,
  replication: number,
  sink: AttemptSink | null = null,
  watch: ClockWatch | null = null,
): { tally: Tally; events: number } {
  const model =
    compiled.perMessage === null
      ? new MailModel(compiled, seed, replication, sink)
      : new RecipientsModel(compiled, seed, replication, sink);
  const tally = model.run(watch);
  return { tally, events: model.simulator.eventsHandled };
}
