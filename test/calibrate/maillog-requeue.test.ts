// `mta.onBlocklist: "requeue"`: the MTA defers a blocklist 5xx and retries it through another
// relay. The simulated log (sim run --maillog) must show it as that MTA logs a deferral — not a
// bounce followed by a retry — and calibration must read it back so: deferrals with the list's
// 5xx reply, no bounce, and a calibrated scenario that requeues.
import { describe, expect, it } from "vitest";
import { MAILLOG_FORMATS } from "../../src/calibrate/maillog.js";
import { calibrateLines } from "../../src/calibrate/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { simulatedLog } from "../helpers/maillog.js";

function log(format: (typeof MAILLOG_FORMATS)[number], onBlocklist: "requeue" | "bounce") {
  const scenario = parseScenario({
    name: "requeue",
    seed: 4,
    replications: 1,
    horizon: "1d",
    pool: { servers: 4, balancer: { policy: "random" } },
    blacklists: [{ name: "spamcop", subscribers: 0.5 }],
    listed: [{ servers: 1, on: ["spamcop"] }],
    recipients: { domains: 100, zipf: 1 },
    traffic: { senders: 20, rate: "100/d" },
    mta: { onBlocklist },
  });
  let rejected5xx = 0;
  const lines = simulatedLog(scenario, format, (a) => {
    if (a.outcome === "rejected-5xx") rejected5xx++;
  });
  return { lines, rejected5xx };
}

/** The lines of each format that say "bounced" and those that say "deferred". */
const BOUNCE = { postfix: /status=bounced/, exim: / \*\* /, qmail: /: failure: / };
const DEFER = { postfix: /status=deferred/, exim: / == /, qmail: /: deferral: / };

describe("a requeued blocklist 5xx in a simulated log", () => {
  for (const format of MAILLOG_FORMATS) {
    it(`${format}: is written as a deferral with the list's 5xx reply, and calibrated back as a requeue`, () => {
      const { lines, rejected5xx } = log(format, "requeue");
      expect(rejected5xx).toBeGreaterThan(20);
      expect(lines.filter((l) => BOUNCE[format].test(l))).toEqual([]);
      const deferrals = lines.filter((l) => DEFER[format].test(l));
      expect(deferrals.length).toBe(rejected5xx);
      for (const l of deferrals) expect(l.replace(/_/g, " ")).toContain("554 5.7.1 Service unavailable");
      const { calibration, scenario } = calibrateLines(lines, { year: 2026 });
      expect(calibration.source.unparsed.count).toBe(0);
      expect(calibration.onBlocklist).toMatchObject({ policy: "requeue", deferred: rejected5xx, bounced: 0 });
      expect(calibration.resend.bounces).toBe(0);
      // The list still answers 5xx: the receivers reject; the MTA is what requeues.
      expect(calibration.lists.map((l) => [l.name, l.reply])).toEqual([["spamcop", "5xx"]]);
      expect(parseScenario(scenario).mta.onBlocklist).toBe("requeue");
    });
  }

  it("a pool that bounces them is calibrated as bouncing", () => {
    const { lines, rejected5xx } = log("postfix", "bounce");
    const { calibration, scenario } = calibrateLines(lines, { year: 2026 });
    expect(calibration.onBlocklist).toMatchObject({ policy: "bounce", deferred: 0, bounced: rejected5xx });
    expect((scenario.mta as { onBlocklist?: string }).onBlocklist).toBeUndefined();
  });
});
