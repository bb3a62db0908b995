import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deliveryStatus, parseBounce } from "../../src/explain/bounce.js";
import { explainBounce } from "../../src/explain/explain.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bounces/${name}`, import.meta.url), "utf8");

describe("parseBounce", () => {
  it("reads the delivery-status part of an RFC 3464 report, one entry per recipient, folded lines joined", () => {
    const b = parseBounce(fixture("dsn-spamcop.eml"));
    expect(b.kind).toBe("dsn");
    expect(b.reportingMta).toBe("relay7.hosting.example");
    expect(b.recipients).toHaveLength(2);
    expect(b.recipients[0]).toEqual({
      recipient: "bob@partner.example",
      action: "failed",
      status: "5.7.1",
      remoteMta: "mx.partner.example",
      diagnostic:
        "554 5.7.1 Service unavailable; Client host [203.0.113.17] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.17",
    });
    expect(b.recipients[1].action).toBe("delayed");
  });

  it("reads a qmail-send bounce", () => {
    const b = parseBounce(fixture("qmail-spamcop.txt"));
    expect(b.kind).toBe("qmail");
    expect(b.reportingMta).toBe("relay12.hosting.example");
    expect(b.permanentHint).toBe(true);
    expect(b.recipients).toEqual([
      {
        recipient: "dave@partner.example",
        action: null,
        status: null,
        remoteMta: "198.51.100.25",
        diagnostic:
          "554 5.7.1 Rejected - your IP address was found in a blacklist for sending spam. Please visit: http://spamcop.net/bl.shtml?203.0.113.12",
      },
    ]);
  });

  it("takes a pasted line as the diagnostic", () => {
    const b = parseBounce("\n  550 5.7.606 Access denied, banned sending IP [198.51.100.60].\n");
    expect(b.kind).toBe("line");
    expect(b.recipients[0].diagnostic).toBe("550 5.7.606 Access denied, banned sending IP [198.51.100.60].");
  });

  it("decodes a base64 delivery-status part", () => {
    const status =
      "Reporting-MTA: dns; r.example\n\nFinal-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 550 blocked using zen.spamhaus.org\n";
    const eml = [
      "Content-Type: multipart/report; report-type=delivery-status; boundary=XX",
      "",
      "--XX",
      "Content-Type: message/delivery-status",
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from(status).toString("base64"),
      "--XX--",
    ].join("\n");
    const b = parseBounce(eml);
    expect(b.kind).toBe("dsn");
    expect(b.recipients[0].diagnostic).toBe("550 blocked using zen.spamhaus.org");
  });

  it("never throws on hostile input", () => {
    const inputs = [
      "",
      "Content-Type: multipart/report; boundary=",
      "Content-Type: multipart/report; boundary=a\n\n--a\n--a\n--a--",
      `Content-Type: multipart/mixed; boundary=a\n\n${"--a\nContent-Type: multipart/mixed; boundary=a\n\n".repeat(200)}`,
      "Hi. This is the qmail-send program at x.\n<",
      "Hi. This is the qmail-send program at x.\n<a@b>:\n",
      "\u0000".repeat(1000),
      "x".repeat(3_000_000),
      "Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n!!!notbase64",
    ];
    for (const input of inputs) {
      const b = parseBounce(input);
      expect(["dsn", "qmail", "line"]).toContain(b.kind);
      explainBounce(b);
    }
  });
});

describe("deliveryStatus", () => {
  it("ignores groups without recipient fields", () => {
    expect(deliveryStatus("Reporting-MTA: dns; a\n\nX-Other: 1\n").recipients).toEqual([]);
  });
});

describe("explainBounce", () => {
  it("names the list, the relay, the lookup page and the listing time, and says the greylisted one needs nothing", () => {
    const e = explainBounce(parseBounce(fixture("dsn-spamcop.eml")));
    const [bob, carol] = e.recipients;
    expect(bob.classification.list).toBe("spamcop");
    expect(bob.classification.ip).toBe("203.0.113.17");
    expect(bob.classification.permanent).toBe(true);
    const text = bob.sentences.join(" ");
    expect(text).toContain("SpamCop");
    expect(text).toContain("https://www.spamcop.net/bl.shtml?203.0.113.17");
    expect(text).toContain("24 h after the last report");
    expect(bob.action).toBe("ask-provider");
    expect(carol.classification.class).toBe("greylist");
    expect(carol.action).toBe("nothing-server-retries");
  });

  it("says a temporary blocklist refusal is retried by the relay itself", () => {
    const e = explainBounce(parseBounce("451 http://www.spamhaus.org/query/bl?ip=198.51.100.77"));
    expect(e.recipients[0].action).toBe("nothing-server-retries");
    expect(e.recipients[0].classification.permanent).toBe(false);
  });
});
