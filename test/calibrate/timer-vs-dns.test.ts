// A per-sender-phase timer against DNS caching: both switch each sender on its own clock, so no
// global slot grid tells them apart. What starts the clock does (policy.ts): a DNS answer is
// cached from a pick, so no switch comes sooner after its run's first pick than runs last; a
// timer's slots run on whatever the sender does. Closed loop: simulate pools of both, write their
// logs, calibrate, and the policy test must name the true policy (and the timer's phase) in every
// case. Fixed seeds. Under DNS the unanchored count is 0 by construction (a switch is a
// resolution, at least TTL after the previous one, which started the run): no false alarm at any
// rate (the floor stays below the TTL: a quarter of runs last less, and the fitted time scale is
// 1.25–1.7 TTL here, so a 2.5th of it is). Under the timer a switch is unanchored when the
// sender's picks straddle a boundary within the floor (about a third of the period): here 48 to
// 178 per pool, 1–5 % of the switches; the rule asks for max(5, 0.2 % of the switches) ≤ 13, which
// a count of mean ≥ 40 misses with probability below 1e-9.
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { MAILLOG_FORMATS } from "../../src/calibrate/maillog.js";
import { calibrateLines } from "../../src/calibrate/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { simulatedLog } from "../helpers/maillog.js";

const CASES = 12;

function pool(i: number, policy: "dns" | "timer") {
  const r = seedrandom(`timer-vs-dns-${policy}-${i}`);
  const scale = [120, 300, 600, 900, 1200][Math.floor(r() * 5)];
  const balancer = policy === "dns" ? { policy, ttl: scale } : { policy, period: scale, phase: "per-sender" };
  const scenario = parseScenario({
    name: `${policy}-${i}`,
    seed: 2000 + i,
    replications: 1,
    horizon: "1d",
    pool: { servers: 4 + Math.floor(r() * 9), balancer },
    blacklists: [{ name: "spamcop", subscribers: 0.3 }],
    listed: [{ servers: 1, on: ["spamcop"] }],
    recipients: { domains: 300, zipf: 1 },
    traffic: { senders: 20 + Math.floor(r() * 20), rate: `${150 + Math.floor(r() * 100)}/d` },
    resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
  });
  const format = MAILLOG_FORMATS[i % MAILLOG_FORMATS.length];
  const lines = simulatedLog(scenario, format);
  return { scale, format, policy: calibrateLines(lines, { year: 2026 }).calibration.policy };
}

describe("timer with a phase per sender against DNS caching", () => {
  for (const truth of ["dns", "timer"] as const) {
    it(`names ${truth} in every one of ${CASES} simulated pools`, () => {
      for (let i = 0; i < CASES; i++) {
        const { scale, format, policy } = pool(i, truth);
        const a = policy.evidence.anchoring;
        const label = `${truth}-${i} (${format}, ${scale} s): ${a ? `${a.unanchored}/${a.switches} unanchored` : "no anchoring test"}`;
        expect(`${label}: ${policy.policy}${policy.phase ? `/${policy.phase}` : ""}`).toBe(
          `${label}: ${truth === "dns" ? "dns" : "timer/per-sender"}`,
        );
        expect(a?.switches, label).toBeGreaterThanOrEqual(300);
        if (truth === "dns") expect(a?.unanchored, label).toBe(0);
        else {
          expect(a?.unanchored, label).toBeGreaterThanOrEqual(40);
          // The period, from where a sender's same-relay chance falls: within 30 % (fast timers in
          // small pools read up to 25 % short).
          expect(Math.abs((policy.period as number) / scale - 1), label).toBeLessThan(0.3);
        }
      }
    });
  }
});
