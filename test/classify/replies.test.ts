// Table tests for the reply classifier. Every line below is written for this test (addresses
// from the documentation ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), in the wording
// each source documents; none is copied from a third-party bounce collection.
import { describe, expect, it } from "vitest";
import { LISTS } from "../../src/classify/lists.js";
import { classifyReply, REPLY_PATTERNS, replyCodes } from "../../src/classify/replies.js";

interface Case {
  line: string;
  class: string;
  list: string | null;
  ip: string | null;
  permanent: boolean | null;
}

const CASES: Case[] = [
  // SpamCop
  {
    line: "554 5.7.1 Rejected - your IP address was found in a blacklist for sending spam. Please visit: http://spamcop.net/bl.shtml?203.0.113.7",
    class: "blocklist",
    list: "spamcop",
    ip: "203.0.113.7",
    permanent: true,
  },
  {
    line: "host mx.example.net[198.51.100.25] said: 550 5.7.1 Service unavailable; Client host [203.0.113.8] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.8 (in reply to RCPT TO command)",
    class: "blocklist",
    list: "spamcop",
    ip: "203.0.113.8",
    permanent: true,
  },
  {
    line: "451 Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.44",
    class: "blocklist",
    list: "spamcop",
    ip: "192.0.2.44",
    permanent: false,
  },
  // Spamhaus family
  {
    line: "host mx.example.org[198.51.100.3] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10 (in reply to RCPT TO command)",
    class: "blocklist",
    list: "spamhaus-zen",
    ip: "192.0.2.10",
    permanent: true,
  },
  {
    line: "550 rejected because 192.0.2.11 is in a black list at zen.spamhaus.org Listed by CSS, see https://check.spamhaus.org/query/ip/192.0.2.11",
    class: "blocklist",
    list: "spamhaus-css",
    ip: "192.0.2.11",
    permanent: true,
  },
  {
    line: "554 5.7.1 Service unavailable; Client host [192.0.2.12] blocked using sbl.spamhaus.org; https://www.spamhaus.org/sbl/query/SBL654321",
    class: "blocklist",
    list: "spamhaus-sbl",
    ip: "192.0.2.12",
    permanent: true,
  },
  {
    line: "550 5.7.1 Client host [192.0.2.13] blocked using pbl.spamhaus.org; https://www.spamhaus.org/pbl/query/PBL123456",
    class: "blocklist",
    list: "spamhaus-pbl",
    ip: "192.0.2.13",
    permanent: true,
  },
  {
    line: "554 5.7.1 Client host [192.0.2.14] blocked using xbl.spamhaus.org",
    class: "blocklist",
    list: "spamhaus-xbl",
    ip: "192.0.2.14",
    permanent: true,
  },
  {
    line: "554 5.7.1 <sender@shop.example>: Sender address rejected: shop.example listed in dbl.spamhaus.org; see https://www.spamhaus.org/query/dbl?domain=shop.example",
    class: "blocklist",
    list: "spamhaus-dbl",
    ip: null,
    permanent: true,
  },
  {
    line: "451 http://www.spamhaus.org/query/bl?ip=198.51.100.77",
    class: "blocklist",
    list: "spamhaus-zen",
    ip: "198.51.100.77",
    permanent: false,
  },
  {
    line: "550 5.7.1 Service unavailable, Client host [203.0.113.21] blocked using Spamhaus. To request removal from this list see the Spamhaus lookup page",
    class: "blocklist",
    list: "spamhaus-zen",
    ip: "203.0.113.21",
    permanent: true,
  },
  // CBL
  {
    line: "550 5.7.1 Rejected: 203.0.113.30 listed at cbl.abuseat.org, see http://cbl.abuseat.org/lookup.cgi?ip=203.0.113.30",
    class: "blocklist",
    list: "cbl",
    ip: "203.0.113.30",
    permanent: true,
  },
  // Barracuda
  {
    line: "554 Service unavailable; Client host [relay3.example.com] blocked using Barracuda Reputation; http://bbl.barracudacentral.com/q.cgi?ip=203.0.113.31",
    class: "blocklist",
    list: "barracuda",
    ip: "203.0.113.31",
    permanent: true,
  },
  {
    line: "450 4.7.1 Client host [203.0.113.32] blocked using b.barracudacentral.org",
    class: "blocklist",
    list: "barracuda",
    ip: "203.0.113.32",
    permanent: false,
  },
  // UCEPROTECT levels
  {
    line: "550 5.7.1 Rejected because 203.0.113.40 is in a black list at dnsbl-1.uceprotect.net",
    class: "blocklist",
    list: "uceprotect-1",
    ip: "203.0.113.40",
    permanent: true,
  },
  {
    line: "554 Client host [203.0.113.41] blocked using dnsbl-2.uceprotect.net; Net 203.0.113.0/24 is UCEPROTECT-Level2 listed",
    class: "blocklist",
    list: "uceprotect-2",
    ip: "203.0.113.41",
    permanent: true,
  },
  {
    line: "554 Your provider is UCEPROTECT-Level3 listed for hosting too many spammers, 203.0.113.42",
    class: "blocklist",
    list: "uceprotect-3",
    ip: "203.0.113.42",
    permanent: true,
  },
  // SORBS
  {
    line: "550 5.7.1 Client host [203.0.113.50] blocked using dnsbl.sorbs.net; Currently Sending Spam",
    class: "blocklist",
    list: "sorbs",
    ip: "203.0.113.50",
    permanent: true,
  },
  // Microsoft
  {
    line: "550 5.7.606 Access denied, banned sending IP [198.51.100.60]. To request removal from this list please visit https://sender.office.com/ and follow the directions.",
    class: "provider-block",
    list: "microsoft",
    ip: "198.51.100.60",
    permanent: true,
  },
  {
    line: "550 5.7.511 Access denied, banned sender[198.51.100.61]. To request removal from this list, forward this message to delist@microsoft.com.",
    class: "provider-block",
    list: "microsoft",
    ip: "198.51.100.61",
    permanent: true,
  },
  {
    line: "550 5.7.1 Unfortunately, messages from [198.51.100.62] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
    class: "provider-block",
    list: "microsoft",
    ip: "198.51.100.62",
    permanent: true,
  },
  // Yahoo and AOL
  {
    line: "421 4.7.0 [TSS04] Messages from 198.51.100.70 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1",
    class: "provider-block",
    list: "yahoo",
    ip: "198.51.100.70",
    permanent: false,
  },
  {
    line: "421 4.7.1 [TS03] All messages from 198.51.100.71 will be permanently deferred; Retrying will NOT succeed.",
    class: "provider-block",
    list: "yahoo",
    ip: "198.51.100.71",
    permanent: false,
  },
  {
    line: "521 5.2.1 : (DNSBL:ATTRBL) https://postmaster.example/ 198.51.100.72",
    class: "provider-block",
    list: "aol",
    ip: "198.51.100.72",
    permanent: true,
  },
  // Proofpoint, Mimecast
  {
    line: "554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=198.51.100.80",
    class: "provider-block",
    list: "proofpoint",
    ip: "198.51.100.80",
    permanent: true,
  },
  {
    line: "550 Rejected by IP reputation: 198.51.100.81 - https://community.mimecast.com/docs/reputation",
    class: "provider-block",
    list: "mimecast",
    ip: "198.51.100.81",
    permanent: true,
  },
  {
    line: "554 Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554",
    class: "content",
    list: "mimecast",
    ip: null,
    permanent: true,
  },
  // Generic wordings with unknown zones
  {
    line: "550 5.7.1 Service unavailable; Client host [192.0.2.90] blocked using psbl.surriel.com",
    class: "blocklist",
    list: "psbl.surriel.com",
    ip: "192.0.2.90",
    permanent: true,
  },
  {
    line: "550 Rejected because 192.0.2.91 is in a black list at rbl.example.net",
    class: "blocklist",
    list: "rbl.example.net",
    ip: "192.0.2.91",
    permanent: true,
  },
  {
    line: "rblsmtpd: 192.0.2.92 pid 4242: 451 Your mail server is listed in a local list",
    class: "blocklist",
    list: null,
    ip: "192.0.2.92",
    permanent: false,
  },
  // Not blocklists
  {
    line: "host mx.example.com[198.51.100.9] said: 450 4.2.0 <ann@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html (in reply to RCPT TO command)",
    class: "greylist",
    list: null,
    ip: null,
    permanent: false,
  },
  {
    line: "451 4.7.1 Please try again in 42 seconds",
    class: "greylist",
    list: null,
    ip: null,
    permanent: false,
  },
  {
    line: "421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.",
    class: "rate-limit",
    list: null,
    ip: null,
    permanent: false,
  },
  {
    line: "421 4.3.2 The maximum number of concurrent connections has exceeded a limit, closing transmission channel",
    class: "rate-limit",
    list: null,
    ip: null,
    permanent: false,
  },
  {
    line: "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table",
    class: "unknown-user",
    list: null,
    ip: null,
    permanent: true,
  },
  {
    line: "552 5.2.2 Mailbox full",
    class: "mailbox-full",
    list: null,
    ip: null,
    permanent: true,
  },
  {
    line: "550 5.7.26 This message does not pass authentication checks (SPF and DKIM both do not pass).",
    class: "authentication",
    list: null,
    ip: null,
    permanent: true,
  },
  {
    line: "550 5.7.1 Message rejected: Your message scored 12.3 spam points",
    class: "content",
    list: null,
    ip: null,
    permanent: true,
  },
  {
    line: "421 4.4.2 Connection timed out",
    class: "other",
    list: null,
    ip: null,
    permanent: false,
  },
];

describe("classifyReply", () => {
  it.each(CASES)("$class/$list: $line", (c) => {
    const got = classifyReply(c.line);
    expect({ class: got.class, list: got.list, ip: got.ip, permanent: got.permanent }).toEqual({
      class: c.class,
      list: c.list,
      ip: c.ip,
      permanent: c.permanent,
    });
    if (got.listInfo) expect(got.lookupUrl).toMatch(/^https?:\/\//);
  });

  it("names the list's lookup page with the relay address where the page takes one", () => {
    expect(classifyReply("550 Client host [192.0.2.1] blocked using bl.spamcop.net").lookupUrl).toBe(
      "https://www.spamcop.net/bl.shtml?192.0.2.1",
    );
  });

  it("takes the log's permanence when the text has no code", () => {
    expect(classifyReply("Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1", false).permanent).toBe(false);
    expect(classifyReply("Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1", true).permanent).toBe(true);
    expect(classifyReply("Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1").permanent).toBeNull();
  });

  it("does not take the remote server's own address (host x[ip] said:) for the relay", () => {
    const c = classifyReply("host mx.example.net[198.51.100.25] said: 554 5.7.1 rejected: listed in a blacklist");
    expect(c.class).toBe("blocklist");
    expect(c.ip).toBeNull();
  });

  it("rejects impossible addresses", () => {
    expect(classifyReply("550 Client host [300.1.2.3] blocked using bl.spamcop.net").ip).toBeNull();
  });

  it("stays fast and total on hostile input", () => {
    const hostile = [
      "",
      "[".repeat(100_000),
      "5.7.606 ".repeat(10_000),
      `${"1.".repeat(50_000)}1`,
      "blocked using ".repeat(5000),
      "\u0000\uffff\ud800",
    ];
    for (const text of hostile) expect(REPLY_PATTERNS.length > 0 && classifyReply(text).class).toBeTypeOf("string");
  });
});

describe("replyCodes", () => {
  it("reads basic and enhanced codes in the usual spellings", () => {
    expect(replyCodes("smtp; 550 5.7.1 no")).toEqual({ code: 550, enhanced: "5.7.1" });
    expect(replyCodes("421-4.7.28 slow down")).toEqual({ code: 421, enhanced: "4.7.28" });
    expect(replyCodes("Remote_host_said:_553_sorry (#5.7.1)").enhanced).toBe("5.7.1");
    expect(replyCodes("no code here, 203.0.113.5")).toEqual({ code: null, enhanced: null });
  });
});

describe("the list table", () => {
  it("cites a source and a lookup page for every list", () => {
    for (const list of LISTS) {
      expect(list.source.length).toBeGreaterThan(10);
      expect(list.lookup("192.0.2.1")).toMatch(/^https:\/\//);
    }
  });
  it("cites a source for every pattern", () => {
    for (const row of REPLY_PATTERNS) expect(row.source.length).toBeGreaterThan(10);
  });
});
