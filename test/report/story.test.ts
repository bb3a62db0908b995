// The report's words: the scenario as a sentence and a headline computed from the results.
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/run.js";
import type { Summary } from "../../src/experiment/summary.js";
import { CONDITIONAL_NOTE, distributionWords, headline, scenarioStory, summaryRows } from "../../src/report/story.js";
import { smallRun, storyScenario } from "./fixtures.js";

describe("scenarioStory", () => {
  it("tells the 18of20 story in words", () => {
    const story = scenarioStory(storyScenario());
    expect(story).toContain("20 relays, timer balancing with a 10-minute period");
    expect(story).toContain("2 relays listed on spamcop");
    expect(story).toContain("30 % of recipient domains consult spamcop");
    expect(story).toContain("users resend after 5–15 min, up to 3 sends");
    expect(story).toContain("7 days of mail simulated");
  });

  it("describes other balancers, health checks and distributions", () => {
    const s = storyScenario({
      pool: { servers: 5, balancer: { policy: "sticky" }, avoidListed: { checkEvery: "5m" } },
      resend: { after: { exponential: "2h" }, probability: 0.5, maxAttempts: 2 },
    });
    const story = scenarioStory(s);
    expect(story).toContain("5 relays, sticky balancing");
    expect(story).toContain("checked every 5 min");
    expect(story).toContain("50 % of users resend after an exponential time averaging 2 h, up to 2 sends");
    expect(distributionWords({ uniform: [60, 7200] })).toBe("1 min–2 h");
  });
});

describe("headline", () => {
  const { summary } = smallRun();

  it("quotes the 5–15 min failure with its CI, the spread in the window and the closed form at once", () => {
    const text = headline(summary).join(" ");
    // With later resends in the run, the first-resend bins of the window are pooled (the curve's
    // figure); with first resends only, the metric's mean over replications is quoted.
    const inside = summary.resendFailureByDelay.filter((b) => b.from >= 300 && b.to <= 900);
    const first = inside.reduce((a, b) => a + b.failures, 0) / inside.reduce((a, b) => a + b.resends, 0);
    const value = summary.laterResendFailureByDelay.length > 0 ? first : (summary.metrics.resendFailure.mean ?? 0);
    const pct = value * 100;
    expect(text).toContain(`Resending after 5–15 min fails ${pct.toFixed(1)}\u202f% of the time (95\u202f% CI`);
    expect(text).toMatch(/Within that window it goes from .* after 5–6 min to .* after 14–15 min\./);
    expect(text).toContain("resending at once would fail 100\u202f%");
    expect(text).toMatch(/of messages bounce on the first attempt/);
  });

  it("compares with earlier and later resends when there are any", () => {
    const bins = [
      {
        from: 0,
        to: 60,
        resends: 100,
        failures: 97,
        proportion: 0.97,
        ci95: [0.91, 0.99] as [number, number],
        n: 20,
        method: "bootstrap-t" as const,
      },
      {
        from: 600,
        to: 660,
        resends: 100,
        failures: 5,
        proportion: 0.05,
        ci95: [0.02, 0.11] as [number, number],
        n: 20,
        method: "bootstrap-t" as const,
      },
      {
        from: 3600,
        to: 3660,
        resends: 100,
        failures: 4,
        proportion: 0.04,
        ci95: [0.02, 0.1] as [number, number],
        n: 20,
        method: "bootstrap-t" as const,
      },
    ];
    const text = headline({ ...summary, resendFailureByDelay: bins }).join(" ");
    expect(text).toContain("Resending after 5–15 min fails 5\u202f% of the time");
    expect(text).toContain("Resending within 1 min fails 97\u202f%");
    expect(text).toContain("Waiting 1 h or more, it fails 4\u202f%");
  });

  it("copes with a run without resends", () => {
    const quiet = {
      ...summary,
      resendFailureByDelay: [],
      totals: { ...summary.totals, resends: 0 },
      metrics: { ...summary.metrics, resendFailure: { mean: null, ci95: null, n: 0, method: "none" } },
    } as Summary;
    expect(headline(quiet)[0]).toMatch(/No user resent anything/);
  });
});

describe("summaryRows", () => {
  it("formats every metric with its interval", () => {
    const rows = summaryRows(smallRun().summary);
    expect(rows).toHaveLength(10);
    expect(rows.find((r) => r.metric === "resendFailure")?.mean).toMatch(/ %$/);
  });

  it("labels one replication's intervals conditional, in the rows and the headline", () => {
    const one = runScenario(storyScenario({ horizon: "1d", replications: 1 })).summary;
    expect(one.conditional).toBe(true);
    expect(one.metrics.resendFailure).toMatchObject({ method: "wilson", conditional: true });
    expect(summaryRows(one).find((r) => r.metric === "resendFailure")?.ci).toMatch(/\(conditional\)$/);
    expect(headline(one)).toContain(CONDITIONAL_NOTE);
    const many = smallRun().summary;
    expect(many.conditional).toBe(false);
    expect(headline(many)).not.toContain(CONDITIONAL_NOTE);
    expect(summaryRows(many).some((r) => r.ci.includes("conditional"))).toBe(false);
  });
});
