// The page's bounce box without a browser: the lookup link's href check, and explainPaste
// asking for the pool's advice exactly when `sim explain --scenario` does.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Advice } from "../../src/experiment/advise.js";
import { parseBounce } from "../../src/explain/bounce.js";
import { explainBounce } from "../../src/explain/explain.js";
import { explainPaste, explanationJson, safeHref } from "../../src/web/bounce.js";

const DSN = readFileSync(new URL("../fixtures/bounces/dsn-spamcop.eml", import.meta.url), "utf8");

/** Enough of an advice for explain.ts's wording: a timer pool where waiting 10 minutes helps. */
const advice = {
  scenario: { name: "mypool", pool: { servers: 20, balancer: { policy: "timer" } }, blacklists: [{ name: "spamcop" }] },
  verdict: "wait",
  shortestGoodWait: 600,
  shortestGoodWaitFailure: { mean: 0.05, ci95: [0.03, 0.07] },
  atOnce: { mean: 0.4, ci95: [0.35, 0.45] },
} as unknown as Advice;

describe("safeHref", () => {
  it("accepts the lookup pages the lists build", () => {
    for (const url of [
      "https://www.spamcop.net/bl.shtml?192.0.2.7",
      "https://check.spamhaus.org/query/ip/192.0.2.7",
      "http://example.org/",
    ])
      expect(safeHref(url)).toBe(url);
  });

  it("refuses other schemes, credentials and text the URL parser would rewrite", () => {
    for (const url of [
      "javascript:window.__pwned=1",
      "JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:x",
      "https://user:pass@example.org/",
      " https://example.org/",
      "https://example.org/<img src=x>",
      "//example.org/",
      "not a url",
      "",
    ])
      expect(safeHref(url), url).toBeNull();
  });
});

describe("explainPaste", () => {
  it("is sim explain's explanation: parse, then explain", () => {
    expect(explainPaste(DSN, null)).toEqual(explainBounce(parseBounce(DSN), null));
    expect(explanationJson(explainPaste(DSN, null))).toBe(
      `${JSON.stringify(explainBounce(parseBounce(DSN)), null, 2)}\n`,
    );
  });

  it("uses the pool's advice for a permanent block, as sim explain --scenario does", () => {
    const e = explainPaste(DSN, advice);
    expect(e.scenario).toBe("mypool");
    expect(e.recipients[0].action).toBe("wait-then-resend");
    expect(e.recipients[0].waitSeconds).toBe(600);
    expect(e.recipients[0].sentences.join(" ")).toContain("Wait 10 min, then resend.");
    // The greylisted recipient of the same DSN: the server retries; no advice needed.
    expect(e.recipients[1].action).toBe("nothing-server-retries");
  });

  it("leaves the advice out when the bounce is not a permanent block (the CLI does not run advise then)", () => {
    const greylist = "450 4.2.0 <carol@other.example>: Recipient address rejected: Greylisted";
    const e = explainPaste(greylist, advice);
    expect(e.scenario).toBeNull();
    expect(e).toEqual(explainBounce(parseBounce(greylist), null));
    const temporary = "421 4.7.0 Client host [192.0.2.7] blocked using bl.spamcop.net";
    expect(explainPaste(temporary, advice).scenario).toBeNull();
  });
});
