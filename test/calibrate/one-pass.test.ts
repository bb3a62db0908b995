// One pass must measure what two passes measure: on logs in time order (as each MTA writes them),
// `sim calibrate` reads the lines once and keeps what the second pass needed (windows' bounds,
// exposures, resends) in bounded structures (exposure.ts). The reference is the same calibration
// forced to read twice. A log out of time order takes the second pass.
import { describe, expect, it } from "vitest";
import { MAILLOG_FORMATS, MaillogFormatter } from "../../src/calibrate/maillog.js";
import { calibrateLines } from "../../src/calibrate/run.js";
import { CompiledScenario, simulateReplication } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/load.js";

/** A busy pool with two lists on several relays, deferrals (greylisting) and user resends. */
function log(format: (typeof MAILLOG_FORMATS)[number], seed: number): string[] {
  const scenario = parseScenario({
    name: "one-pass",
    seed,
    replications: 1,
    horizon: "2d",
    pool: { servers: 6, balancer: { policy: "random" } },
    blacklists: [
      { name: "spamcop", subscribers: 0.4 },
      { name: "barracuda", subscribers: 0.3 },
    ],
    listed: [
      { servers: 2, on: ["spamcop"], from: "3h", until: "20h" },
      { servers: 1, on: ["barracuda"], from: "30h" },
      { servers: 1, on: ["spamcop"], from: "0h", until: "2h" },
    ],
    recipients: { domains: 300, zipf: 1 },
    traffic: { senders: 30, rate: "120/d" },
    resend: { after: { uniform: ["5m", "2h"] }, maxAttempts: 3 },
  });
  const formatter = new MaillogFormatter(
    format,
    scenario.blacklists.map((b) => b.name),
  );
  const lines: string[] = [];
  simulateReplication(new CompiledScenario(scenario), scenario.seed, 0, {
    attempt: (a) => {
      for (const line of formatter.lines(a)) lines.push(line);
    },
  });
  return lines;
}

describe("one pass over a log in time order", () => {
  for (const format of MAILLOG_FORMATS) {
    it(`${format}: gives the calibration of two passes`, () => {
      for (const seed of [1, 2]) {
        const lines = log(format, seed);
        const one = calibrateLines(lines, { year: 2026 });
        const two = calibrateLines(lines, { year: 2026, twoPasses: true });
        // The case exercises what pass 2 measured: windows bounded on both sides, exposures, resends.
        const windows = one.calibration.lists.flatMap((l) => l.windows);
        expect(windows.some((w) => w.onset.earliest !== null && w.end.latest !== null)).toBe(true);
        expect(one.calibration.lists.every((l) => l.subscribers.byDomain.evidence > 0)).toBe(true);
        expect(one.calibration.resend.resends).toBeGreaterThan(0);
        expect(one.scenario).toEqual(two.scenario);
      }
    });
  }

  it("reads a log out of time order (newest file first) twice, and gets the same windows", () => {
    const lines = log("postfix", 3);
    const half = Math.floor(lines.length / 2);
    const inOrder = calibrateLines(
      { "mail.log.1": lines.slice(0, half), "mail.log": lines.slice(half) },
      { year: 2026 },
    );
    const reversed = calibrateLines(
      { "mail.log": lines.slice(half), "mail.log.1": lines.slice(0, half) },
      { year: 2026 },
    );
    // The lists and relays are numbered in reading order: compare them by name.
    const windows = (c: typeof inOrder) =>
      c.calibration.lists
        .map((l) => ({
          name: l.name,
          windows: l.windows
            .map(({ relay: _, ...w }) => w)
            .sort((x, y) => x.relayKey.localeCompare(y.relayKey) || x.onset.latest - y.onset.latest),
          subscribers: l.subscribers,
        }))
        .sort((x, y) => x.name.localeCompare(y.name));
    expect(windows(reversed)).toEqual(windows(inOrder));
    expect(reversed.calibration.resend.resends).toBe(inOrder.calibration.resend.resends);
  });
});
