// The receiver side's words in the report and the advice (src/report/receivers-words.ts), read
// through story.ts's formatters as report.html and advice.html use them.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Summary } from "../../src/experiment/summary.js";
import { lateListingWords, receiverAdviceNotes, subscriberWords } from "../../src/report/receivers-words.js";
import { headline, RECEIVER_FORMATS, scenarioStory } from "../../src/report/story.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

function lists(blacklists: NonNullable<ScenarioInput["blacklists"]>) {
  return parseScenario({ name: "w", pool: { servers: 2 }, blacklists, traffic: { senders: 1, rate: "1/d" } })
    .blacklists;
}

describe("subscriberWords", () => {
  it("says who consults the list in each form", () => {
    const [plain, ranked, mail] = lists([
      { name: "a", subscribers: 0.3 },
      { name: "b", subscribers: { share: 0.3, exceptTop: 5 } },
      { name: "c", subscribers: { mailShare: 0.2, exceptTop: 1 } },
    ]);
    expect(subscriberWords(plain.subscribers, RECEIVER_FORMATS)).toBe("30 % of recipient domains");
    expect(subscriberWords(ranked.subscribers, RECEIVER_FORMATS)).toBe(
      "30 % of recipient domains (the 5 largest domains run their own reputation systems and do not)",
    );
    expect(subscriberWords(mail.subscribers, RECEIVER_FORMATS)).toBe(
      "recipient domains carrying 20 % of the mail (the largest domain runs its own reputation systems and does not)",
    );
  });
});

describe("late-listing words", () => {
  it("are silent for lists seen at once and uncached, and for zero delays and TTLs", () => {
    const [plain, zero] = lists([
      { name: "a", subscribers: 0.3 },
      { name: "b", subscribers: 0.3, propagation: {}, cache: {} },
    ]);
    expect(lateListingWords(plain, RECEIVER_FORMATS)).toBeNull();
    expect(lateListingWords(zero, RECEIVER_FORMATS)).toBeNull();
    expect(receiverAdviceNotes([plain, zero], RECEIVER_FORMATS)).toEqual([]);
  });

  it("tell the advice how long a delisted relay still fails and how long a listed one still passes", () => {
    const notes = receiverAdviceNotes(loadScenario("scenarios/late-delisting.json").blacklists, RECEIVER_FORMATS);
    expect(notes).toEqual([
      'Receivers cache spamcop\'s "listed" for 1 h: a relay delisted now still fails for up to 90 min at a domain that looked it up, so resending through it soon after a delisting does not help yet, and a health check that reads the list itself puts it back into rotation while it still fails.',
      'A newly listed relay keeps passing for up to 10 min at domains that cached "not listed" (after the listing itself takes up to 30 min to reach them), so the first bounces of a listing come late and build up.',
    ]);
    expect(scenarioStory(loadScenario("scenarios/late-delisting.json"))).toContain(
      'receivers see a new spamcop listing after 0 s–30 min and a delisting after 0 s–30 min and cache its answers ("listed" for 1 h, "not listed" for 10 min)',
    );
  });

  it("name the big providers that skip the list", () => {
    const notes = receiverAdviceNotes(loadScenario("scenarios/big-providers.json").blacklists, RECEIVER_FORMATS);
    expect(notes).toEqual([
      "The 5 largest domains do not consult spamcop (they run their own reputation systems): their mail never bounces for it, whatever the wait, and only the rest of the mail is at stake.",
    ]);
  });
});

describe("the report's headline", () => {
  it("ends the late-delisting golden's headline with what late receivers do to the advice", () => {
    const summary = JSON.parse(readFileSync("test/golden/late-delisting.summary.json", "utf8")) as Summary;
    const notes = receiverAdviceNotes(summary.scenario.blacklists, RECEIVER_FORMATS);
    expect(notes.length).toBe(2);
    expect(headline(summary).slice(-2)).toEqual(notes);
  });
});
