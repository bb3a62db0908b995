// One pass must measure what two passes measure: on logs in time order (as each MTA writes them),
// `sim calibrate` reads the lines once and keeps what the second pass needed (windows' bounds,
// exposures, resends) in bounded structures (exposure.ts). The reference is the same calibration
// forced to read twice. A log out of time order takes the second pass.
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { MAILLOG_FORMATS, rejectionText } from "../../src/calibrate/maillog.js";
import { calibrateLines } from "../../src/calibrate/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { simulatedLog } from "../helpers/maillog.js";

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
  return simulatedLog(scenario, format);
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

  it("gives two passes' windows, exposures and resends on whole-second stamps with gaps around the window gap", () => {
    // Hand-made Postfix logs: whole seconds (so deliveries share a second with rejections, on
    // both sides of them), rejections spaced from seconds to 10 h (gaps just under and over the
    // 6 h window gap), deliveries in between to domains that do and do not consult the list,
    // bounces followed by resends.
    for (const seed of ["a", "b", "c", "d"]) {
      const r = seedrandom(`one-pass-${seed}`);
      const stamp = (t: number) => `${new Date((1772409600 + t) * 1000).toISOString().slice(0, 19)}+00:00`;
      const events: { t: number; relay: number; sender: number; domain: number; rejected: boolean }[] = [];
      for (let relay = 0; relay < 3; relay++) {
        let t = 0;
        while (t < 3 * 86_400) {
          // Rejection bursts separated by 1–10 h; within a burst, seconds to minutes apart.
          const burst = Math.floor(r() * 8);
          for (let k = 0; k < burst; k++) {
            t += Math.floor(r() * 600);
            events.push({ t, relay, sender: Math.floor(r() * 5), domain: Math.floor(r() * 6), rejected: true });
          }
          const gap = 3600 * (1 + 9 * r());
          const deliveries = Math.floor(r() * 30);
          for (let k = 0; k < deliveries; k++) {
            events.push({
              t: t + Math.floor(r() * gap),
              relay,
              sender: Math.floor(r() * 5),
              domain: Math.floor(r() * 12),
              rejected: false,
            });
          }
          // Some deliveries in the very second of a rejection, before and after it in the log.
          if (r() < 0.5) events.push({ t, relay, sender: 0, domain: Math.floor(r() * 12), rejected: false });
          t += Math.floor(gap);
        }
      }
      // Only domains 0–5 consult the list; a rejected domain ≥ 6 is delivered instead.
      for (const e of events) if (e.domain >= 6) e.rejected = false;
      events.sort((x, y) => x.t - y.t || (r() < 0.5 ? -1 : 1));
      const lines: string[] = [];
      events.forEach((e, i) => {
        const head = `${stamp(e.t)} relay${e.relay}`;
        const qid = (0x100000 + i).toString(16).toUpperCase();
        lines.push(`${head} postfix/qmgr[1]: ${qid}: from=<s${e.sender}@c.example>, size=1, nrcpt=1 (queue active)`);
        const outcome = e.rejected
          ? `dsn=5.7.1, status=bounced (host mx said: ${rejectionText("spamcop", `192.0.2.${10 + e.relay}`, true)})`
          : "dsn=2.0.0, status=sent (250 ok)";
        lines.push(
          `${head} postfix/smtp[2]: ${qid}: to=<u@d${e.domain}.example>, relay=mx[198.51.100.1]:25, ${outcome}`,
        );
        lines.push(`${head} postfix/qmgr[1]: ${qid}: removed`);
      });
      const one = calibrateLines(lines, { year: 2026 });
      const two = calibrateLines(lines, { year: 2026, twoPasses: true });
      const windows = one.calibration.lists.flatMap((l) => l.windows);
      expect(windows.length).toBeGreaterThan(3);
      expect(windows.some((w) => w.contradictions > 0)).toBe(true);
      expect(one.calibration.resend.resends).toBeGreaterThan(0);
      expect(one.calibration).toEqual(two.calibration);
    }
  });
});
