// The per-recipient metrics (DESIGN §3, "Several recipients"): present in results, summary.json
// and replications.csv only when messages have several recipients; "perMessage": 1 is today's
// model exactly; intervals are the same Estimate as every metric's; files read back are checked.
import { describe, expect, it } from "vitest";
import { scenarioSizes } from "../../src/experiment/budget.js";
import { checkSummary, FileCheckError, replicationResultSchema } from "../../src/experiment/file-schemas.js";
import { RECIPIENT_METRICS } from "../../src/experiment/recipient-metrics.js";
import { runScenario } from "../../src/experiment/run.js";
import { jsonText, replicationsCsv } from "../../src/report/files.js";
import { recipientAdviceSentences, recipientRows, recipientSentences } from "../../src/report/recipients-words.js";
import { headline, scenarioStory } from "../../src/report/story.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { hoeffdingHalfWidth } from "../helpers/chernoff.js";

const input = (perMessage?: unknown): ScenarioInput =>
  ({
    name: "recipient-metrics",
    replications: 3,
    horizon: "1d",
    pool: { servers: 10 },
    blacklists: [{ name: "spamcop", subscribers: 0.4 }],
    listed: [{ servers: 3, on: ["spamcop"] }],
    recipients: perMessage === undefined ? { domains: 200 } : { domains: 200, perMessage },
    traffic: { senders: 50, rate: "40/d" },
  }) as ScenarioInput;

describe("per-recipient metrics", () => {
  it("are absent with one recipient, and perMessage 1 is the one-recipient model exactly", () => {
    const absent = runScenario(parseScenario(input()));
    const one = runScenario(parseScenario(input(1)));
    expect("recipients" in absent.summary).toBe(false);
    expect(absent.results.every((r) => !("recipients" in r))).toBe(true);
    expect(replicationsCsv(absent.results)).not.toMatch(/recipient/);
    const { scenario: _a, ...restAbsent } = absent.summary;
    const { scenario: _b, ...restOne } = one.summary;
    expect(jsonText(restOne)).toBe(jsonText(restAbsent));
  });

  it("are in the summary, the CSV and the words with several, with the metrics' intervals", () => {
    const { summary, results } = runScenario(parseScenario(input({ uniform: [2, 4] })));
    const r = summary.recipients;
    if (!r) throw new Error("no recipients block");
    expect(Object.keys(r.metrics)).toEqual([...RECIPIENT_METRICS]);
    for (const m of RECIPIENT_METRICS) {
      const e = r.metrics[m];
      expect(e.n).toBe(3);
      expect(e.mean).not.toBeNull();
      const [lo, hi] = e.ci95 ?? [Number.NaN, Number.NaN];
      expect(lo).toBeLessThanOrEqual(e.mean as number);
      expect(hi).toBeGreaterThanOrEqual(e.mean as number);
    }
    expect(r.totals.delivered + r.totals.failed).toBe(r.totals.recipients);
    expect(r.metrics.recipientsPerMessage.mean).toBeCloseTo(r.totals.recipients / summary.totals.messages, 1);
    // Counts in [2, 4] (range 2), mean 3: Hoeffding at 1e-6 over the pooled messages.
    const pooledMean = r.totals.recipients / summary.totals.messages;
    expect(Math.abs(pooledMean - 3)).toBeLessThan(2 * hoeffdingHalfWidth(summary.totals.messages, 1e-6));
    const csv = replicationsCsv(results);
    for (const m of RECIPIENT_METRICS) expect(csv.split("\n").filter((l) => l.includes(`,${m},`))).toHaveLength(3);
    expect(recipientRows(summary).map((row) => row.metric)).toEqual([...RECIPIENT_METRICS]);
    expect(scenarioStory(summary.scenario)).toContain("each message to 2–4 recipients");
    const words = recipientSentences(summary);
    expect(words.length).toBeGreaterThanOrEqual(2);
    expect(headline(summary)).toEqual(expect.arrayContaining(words));
    expect(recipientAdviceSentences(summary)[0]).toMatch(
      /^Messages here go to 2–4 recipients: a resend counts as failed when any/,
    );
    expect(recipientAdviceSentences({ scenario: parseScenario(input(1)) })).toEqual([]);
    // Read back as sim report does.
    const read = checkSummary<typeof summary>(JSON.parse(jsonText(summary)), "summary.json");
    expect(read.recipients).toEqual(r);
    const broken = JSON.parse(jsonText(summary));
    broken.recipients.metrics.recipientFailure.mean = 1.5;
    expect(() => checkSummary(broken, "summary.json")).toThrow(FileCheckError);
  });

  it("refuses a partial's recipient counts that do not add up", () => {
    const s = parseScenario(input(3));
    const { results } = runScenario(s);
    const schema = replicationResultSchema(s, 3);
    expect(schema.safeParse(results[0]).success).toBe(true);
    const bad = structuredClone(results[0]);
    if (!bad.recipients) throw new Error("no recipients");
    bad.recipients.counts.delivered += 1;
    const parsed = schema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/delivered \+ failed = recipients/);
  });
});

describe("the up-front budget with several recipients", () => {
  it("counts an attempt per recipient per send (at most one per domain)", () => {
    const one = scenarioSizes(parseScenario(input()), 1);
    const many = scenarioSizes(parseScenario(input({ uniform: [2, 4] })), 1);
    expect(many.messages).toBe(one.messages);
    expect(many.events).toBeCloseTo(3 * one.events, 6);
  });
});
