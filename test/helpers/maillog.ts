// A simulated pool's log, in memory: one replication of a scenario written as an MTA's log lines
// (`sim run --maillog`'s formatter), for the calibrate tests' closed loops.
import { type MAILLOG_FORMATS, MaillogFormatter } from "../../src/calibrate/maillog.js";
import { CompiledScenario, simulateReplication } from "../../src/model/simulate.js";
import type { AttemptRecord } from "../../src/model/sink.js";
import type { Scenario } from "../../src/scenario/schema.js";

/** Replication 0 of `scenario` as `format`'s log lines; `seen` also gets every attempt. */
export function simulatedLog(
  scenario: Scenario,
  format: (typeof MAILLOG_FORMATS)[number],
  seen: (a: Readonly<AttemptRecord>) => void = () => {},
): string[] {
  const formatter = new MaillogFormatter(
    format,
    scenario.blacklists.map((b) => b.name),
    undefined,
    scenario.mta.onBlocklist === "requeue",
  );
  const lines: string[] = [];
  simulateReplication(new CompiledScenario(scenario), scenario.seed, 0, {
    attempt: (a) => {
      seen(a);
      for (const line of formatter.lines(a)) lines.push(line);
    },
  });
  return lines;
}
