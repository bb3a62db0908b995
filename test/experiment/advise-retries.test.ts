// `sim advise` on the retry mechanisms (src/experiment/advise-retries.ts, report/advice-retries.ts):
// which variants a scenario gets, the sign of "rotation costs" against a case whose direction is
// certain (random balancer, every domain greylisting: retries from another relay start over), the
// closed forms it quotes, and that scenarios without the keys get advice.json as before.
import { describe, expect, it } from "vitest";
import { greylisting as closed } from "../../src/analytic/index.js";
import { advise } from "../../src/experiment/advise.js";
import { retryVariants } from "../../src/experiment/advise-retries.js";
import { retryAges, retrySchedule } from "../../src/model/mta/index.js";
import { adviceHeadline } from "../../src/report/advice-html.js";
import { retryAdviceSentences, retryStoryParts } from "../../src/report/advice-retries.js";
import { scenarioStory } from "../../src/report/story.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

const base: ScenarioInput = {
  name: "advise-retries",
  replications: 4,
  horizon: "1d",
  pool: { servers: 8, balancer: { policy: "random" } },
  recipients: { domains: 200, zipf: 1 },
  traffic: { senders: 30, rate: "40/d" },
  mta: { retry: "postfix" },
};

describe("retryVariants", () => {
  it("flips only what the scenario has", () => {
    expect(retryVariants(parseScenario(base))).toEqual([]);
    expect(retryVariants(parseScenario({ ...base, greylisting: { domains: 0.5 } }))).toEqual([
      ["mta.retryFrom", "pool"],
    ]);
    const requeue = parseScenario({
      ...base,
      blacklists: [{ name: "zen", subscribers: 0.5 }],
      mta: { retry: "postfix", retryFrom: "pool", onBlocklist: "requeue" },
    });
    expect(retryVariants(requeue)).toEqual([
      ["mta.retryFrom", "same"],
      ["mta.onBlocklist", "bounce"],
    ]);
  });
});

describe("advise with greylisting and nothing listed", () => {
  it("says what rotation costs, with the right sign, and quotes the closed forms", async () => {
    const input: ScenarioInput = { ...base, greylisting: { domains: 1, autoWhitelist: 0, recipient: "per-message" } };
    const { advice } = await advise(input, { workers: 1 });
    expect(advice.verdict).toBe("nothing-listed");
    const view = advice.retries;
    expect(view).toBeDefined();
    const c = view?.comparisons[0];
    expect(c?.path).toBe("mta.retryFrom");
    expect(c?.own.value).toBe("same");
    expect(c?.other.value).toBe("pool");
    // Same relay: every message waits exactly 300 s (+2 s session); from the pool of 8 at random,
    // the birthday wait: far longer. other − own is positive, its interval too.
    expect(c?.own.deliveryDelayMean.mean).toBeCloseTo(302, 6);
    const d = c?.difference.deliveryDelayMean;
    expect(d?.difference ?? 0).toBeGreaterThan(600);
    expect(d?.ci95?.[0] ?? 0).toBeGreaterThan(0);
    const ages = retryAges(retrySchedule("postfix"), 5 * 86_400);
    expect(view?.greylisting?.sameRelayAge).toBe(300);
    expect(view?.greylisting?.uniformPoolAge).toBeCloseTo(closed.poolRetryMeans(8, ages, 300, 0).delay, 9);
    const words = adviceHeadline(advice).join(" ");
    expect(words).toContain("rotation costs");
    expect(words).toContain("100 % of recipient domains greylist");
    expect(retryAdviceSentences(advice).length).toBe(2);
  });

  it("leaves advice.json without a retry view when the scenario has none of the keys", async () => {
    const { advice } = await advise({ ...base, replications: 2 }, { workers: 1 });
    expect("retries" in advice).toBe(false);
  });
});

describe("the story's words", () => {
  it("names each mechanism, and nothing when all are off", () => {
    expect(retryStoryParts(parseScenario(base))).toEqual([]);
    const s = parseScenario({
      ...base,
      pool: { ...base.pool, avoidListed: { checkEvery: "5m", moveDeferred: true } },
      mta: { retry: "postfix", retryFrom: "pool", onBlocklist: "requeue" },
      greylisting: { domains: 0.3, exceptTop: 10 },
    });
    const story = scenarioStory(s);
    expect(story).toContain("30 % of recipient domains greylist (never the 10 most popular)");
    expect(story).toContain("MTA retries re-picked by the balancer");
    expect(story).toContain("requeued on another relay");
    expect(story).toContain("deferred mail to the others");
  });
});
