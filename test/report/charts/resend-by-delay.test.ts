// The resend-failure-vs-delay chart: bins with Wilson bands, the advice band, and the closed form
// overlaid exactly when DESIGN §5 has one for the scenario.
import { describe, expect, it } from "vitest";
import * as timer from "../../../src/analytic/timer.js";
import {
  ADVICE_WINDOW,
  closedFormResendFailure,
  delayUnit,
  resendByDelayChart,
} from "../../../src/report/charts/resend-by-delay.js";
import { smallRun, storyScenario } from "../fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
type Any = any;

describe("closedFormResendFailure", () => {
  it("is the rotate formula for the 18of20 story", () => {
    const closed = closedFormResendFailure(storyScenario());
    expect(closed).not.toBeNull();
    for (const d of [0, 330, 600, 870, 3000])
      expect(closed?.at(d)).toBeCloseTo(timer.rotateResendFailure(20, 2, 600, d), 12);
    expect(closed?.kinks(0, 1800)).toEqual([0, 600, 1200, 1800]);
  });

  it("covers shuffle, fixed indices, random and sticky", () => {
    const shuffle = storyScenario({
      pool: { servers: 20, balancer: { policy: "timer", period: "10m", assignment: "shuffle" } },
    });
    expect(closedFormResendFailure(shuffle)?.at(300)).toBeCloseTo(timer.shuffleResendFailure(20, 2, 600, 300), 12);
    const fixed = storyScenario({ listed: [{ indices: [3, 4], on: ["spamcop"] }] });
    expect(closedFormResendFailure(fixed)?.at(900)).toBeCloseTo(
      timer.rotateResendFailureFixed(20, [3, 4], 600, 900),
      12,
    );
    const random = storyScenario({ pool: { servers: 20, balancer: { policy: "random" } } });
    expect(closedFormResendFailure(random)?.at(123)).toBeCloseTo(2 / 20, 12);
    const sticky = storyScenario({ pool: { servers: 20, balancer: { policy: "sticky" } } });
    expect(closedFormResendFailure(sticky)?.at(5000)).toBe(1);
  });

  it("is absent without static listings on one list or with another balancer", () => {
    const cases = [
      storyScenario({ pool: { servers: 20, balancer: { policy: "round-robin" } } }),
      storyScenario({
        pool: { servers: 20, balancer: { policy: "timer", period: "10m" }, avoidListed: { checkEvery: "5m" } },
      }),
      storyScenario({ listed: [{ servers: 2, on: ["spamcop"], from: "1h" }] }),
      storyScenario({ listed: [] }),
      storyScenario({
        blacklists: [
          { name: "spamcop", subscribers: 0.3 },
          { name: "spamhaus", subscribers: 0.5 },
        ],
      }),
      storyScenario({ compromise: { ratePerServer: "1/90d", cleanup: { exponential: "3d" } } }),
    ];
    for (const s of cases) expect(closedFormResendFailure(s)).toBeNull();
  });
});

describe("resendByDelayChart", () => {
  const { summary } = smallRun();
  const spec = resendByDelayChart(summary) as Any;
  const layers: Any[] = spec.layer;
  const byMark = (type: string) => layers.filter((l) => (l.mark.type ?? l.mark) === type);

  it("shades and labels the 5–15 minute advice band, in minutes", () => {
    const [band] = byMark("rect");
    expect(band.data.values).toEqual([{ from: ADVICE_WINDOW[0] / 60, to: ADVICE_WINDOW[1] / 60 }]);
    const label = byMark("text").find((l) => /5–15 min/.test(l.mark.text));
    expect(label).toBeDefined();
    expect(delayUnit(900).label).toBe("min");
  });

  it("plots every bin at its centre with its Wilson interval, y as a percentage", () => {
    const [points] = byMark("point");
    const bins = summary.resendFailureByDelay;
    expect(points.data.values).toHaveLength(bins.length);
    expect(points.data.values[0].delay).toBeCloseTo((bins[0].from + bins[0].to) / 2 / 60, 12);
    expect(points.encoding.x.title).toBe("wait before resending (min)");
    expect(points.encoding.y.axis.format).toBe(".0%");
    const [area] = byMark("area");
    expect(area.encoding.y.field).toBe("lo");
    expect(area.encoding.y2.field).toBe("hi");
    expect(points.encoding.tooltip.length).toBeGreaterThan(2);
  });

  it("overlays the closed form iff one exists", () => {
    const [line] = byMark("line");
    expect(line.data.values[0]).toMatchObject({ delay: 0, proportion: 1 });
    const roundRobin = {
      ...summary,
      scenario: { ...summary.scenario, pool: { ...summary.scenario.pool, balancer: { policy: "round-robin" } } },
    };
    const without = resendByDelayChart(roundRobin as typeof summary) as Any;
    expect(without.layer.filter((l: Any) => l.mark.type === "line")).toHaveLength(0);
  });

  it("says so when there were no resends", () => {
    const empty = resendByDelayChart({ ...summary, resendFailureByDelay: [] }) as Any;
    expect(empty.layer.some((l: Any) => /no user resends/.test(l.mark.text ?? ""))).toBe(true);
  });
});
