// Issue 11's measurement, as filed: a timer/rotate pool (N = 20, 2 listed at random, period
// 10 min), users waiting U(0, 20 min), one resend, 7 days, 20 replications; for each of SEEDS
// seeds (default 40), does each 1-minute bin's interval of resendFailureByDelay hold the closed
// form averaged over the bin, and does the resendFailure interval hold it averaged over the
// waits? Prints the two coverages. Bins of one seed share its placement, so the bin coverage is
// a description, not an independent count (the harness, npm run coverage, counts one per run).
// Usage: npm run build && node bench/coverage-issue11.mjs [SEEDS]
import { analytic, parseScenario, runScenario } from "../dist/index.js";

const seeds = Number(process.argv[2] ?? 40);
const T = 600;
const truthAt = (d) => analytic.timer.rotateResendFailure(20, 2, T, d);
const average = (a, b) => {
  let s = 0;
  for (let i = 0; i < 200; i++) s += truthAt(a + ((b - a) * (i + 0.5)) / 200);
  return s / 200;
};
let bins = 0;
let binsHeld = 0;
let overallHeld = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const scenario = parseScenario({
    name: "issue11",
    seed,
    replications: 20,
    horizon: "7d",
    pool: { servers: 20, balancer: { policy: "timer", period: "10m", phase: "global", assignment: "rotate" } },
    blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
    listed: [{ servers: 2, on: ["spamcop"] }],
    recipients: { domains: 5000, zipf: 1 },
    traffic: { senders: 200, rate: "20/d" },
    resend: { after: { uniform: ["0m", "20m"] }, probability: 1, maxAttempts: 2 },
    output: { delayBin: "1m" },
  });
  const { summary } = runScenario(scenario);
  for (const b of summary.resendFailureByDelay) {
    const truth = average(b.from, b.to);
    bins++;
    if (b.ci95 && b.ci95[0] <= truth && truth <= b.ci95[1]) binsHeld++;
  }
  const overall = average(0, 1200);
  const ci = summary.metrics.resendFailure.ci95;
  if (ci && ci[0] <= overall && overall <= ci[1]) overallHeld++;
}
const pct = (x) => `${(100 * x).toFixed(1)} %`;
console.log(`per-bin intervals holding the closed form: ${binsHeld}/${bins} = ${pct(binsHeld / bins)}`);
console.log(`resendFailure intervals holding it: ${overallHeld}/${seeds} = ${pct(overallHeld / seeds)}`);
