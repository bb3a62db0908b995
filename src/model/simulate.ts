// One replication of a scenario: the one-recipient flow (replication.ts), or the flow that splits
// each message by recipient domain when messages have several recipients (DESIGN §2).
import type { ClockWatch } from "../engine/index.js";
import type { CompiledScenario } from "./compiled.js";
import { RecipientsModel } from "./recipients-per-message.js";
import { MailModel } from "./replication.js";
import type { ShadowResult } from "./shadow-resends.js";
import type { AttemptSink } from "./sink.js";
import type { Tally } from "./tally.js";

export { CompiledScenario } from "./compiled.js";

/**
 * Simulate replication `replication` of a scenario under `seed`; with `probes`, advise's grid
 * waits shadowed on the same pool history (shadow-resends.ts).
 */
export function simulateReplication(
  compiled: CompiledScenario,
  seed: number,
  replication: number,
  sink: AttemptSink | null = null,
  watch: ClockWatch | null = null,
  probes: readonly number[] | null = null,
): { tally: Tally; events: number; shadow: ShadowResult | null } {
  const model =
    compiled.perMessage !== null
      ? new RecipientsModel(compiled, seed, replication, sink, probes)
      : new MailModel(compiled, seed, replication, sink, probes);
  const tally = model.run(watch);
  return { tally, events: model.simulator.eventsHandled, shadow: model.shadowResult() };
}
