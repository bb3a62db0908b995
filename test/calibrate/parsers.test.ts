import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LineReader } from "../../src/calibrate/formats.js";
import { type LineEvent, newLineEvent } from "../../src/calibrate/line-event.js";
import { parseQmailLine, QmailState, tai64n } from "../../src/calibrate/qmail.js";
import { syslogHead } from "../../src/calibrate/syslog.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/maillogs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l !== "");

function readAll(name: string, format: "auto" | "postfix" | "exim" | "qmail"): LineEvent[] {
  const reader = new LineReader(format, 2026);
  return fixture(name).map((line) => {
    const e = newLineEvent();
    reader.read(line, e, "file-relay");
    return { ...e };
  });
}

describe("syslogHead", () => {
  it("reads RFC 3164 and RFC 3339 heads as UTC", () => {
    const line = "Mar  3 09:00:01 relay1 postfix/smtp[902]: x";
    const head = syslogHead(line, 2026);
    expect(head).toMatchObject({ time: Date.UTC(2026, 2, 3, 9, 0, 1) / 1000, host: "relay1", program: "postfix/smtp" });
    expect(line.slice(head?.textStart)).toBe("x");
    expect(syslogHead("Mar 33 09:00:01 relay1 postfix/smtp[902]: x", 2026)).toBeNull();
    const h = syslogHead("2026-03-03T11:00:01.250000+02:00 relay1 qmail: x", 1970);
    expect(h?.time).toBe(Date.UTC(2026, 2, 3, 9, 0, 1) / 1000 + 0.25);
    expect(h?.program).toBe("qmail");
    expect(syslogHead("garbage", 2026)).toBeNull();
  });
});

describe("Postfix lines", () => {
  const events = readAll("postfix.log", "postfix");
  it("reads arrivals, attempts (smtp only) and removals, telling instances apart", () => {
    expect(events.map((e) => e.kind)).toEqual([
      "arrival",
      "attempt",
      "done",
      "arrival",
      "attempt",
      "ignored",
      "done",
      "arrival",
      "attempt",
      "attempt",
      "done",
      "ignored",
      "ignored",
    ]);
    expect(events[0]).toMatchObject({ relay: "relay1", message: "3F2A91C0D1", sender: "ann@customer.example" });
    expect(events[4]).toMatchObject({
      relay: "relay2",
      recipient: "carol@other.example",
      status: "bounced",
    });
    expect(events[4].reply).toContain("blocked using bl.spamcop.net");
    expect(events[8]).toMatchObject({ relay: "relay2/postfix-out2", status: "deferred" });
  });
});

describe("Exim lines", () => {
  const events = readAll("exim.log", "exim");
  it("reads <=, =>, **, == and Completed; the relay is the outgoing interface I=[…]", () => {
    expect(events.map((e) => e.kind)).toEqual([
      "arrival",
      "attempt",
      "done",
      "arrival",
      "attempt",
      "done",
      "arrival",
      "attempt",
      "attempt",
      "done",
      "ignored",
      "ignored",
    ]);
    expect(events[1]).toMatchObject({
      relay: "192.0.2.21",
      scope: "file-relay",
      status: "sent",
      reply: "250 2.0.0 Ok: queued as 4A8B",
    });
    expect(events[4]).toMatchObject({ relay: "192.0.2.22", status: "bounced" });
    expect(events[4].reply).toContain("is in a black list at zen.spamhaus.org");
    expect(events[7]).toMatchObject({ status: "deferred" });
    expect(events[1].time).toBeCloseTo(Date.UTC(2026, 2, 3, 9, 0, 2) / 1000 + 0.31, 6);
  });
});

describe("qmail lines", () => {
  it("decodes TAI64N labels", () => {
    expect(tai64n("@4000000069a6a31a00000000")).toBe(1772528400);
    expect(tai64n("@40000")).toBeNull();
  });
  it("joins delivery results to their start and unescapes qmail-remote's text", () => {
    const events = readAll("qmail.log", "qmail");
    const attempts = events.filter((e) => e.kind === "attempt");
    expect(attempts.map((e) => [e.message, e.recipient, e.status])).toEqual([
      ["1048601", "bob@partner.example", "sent"],
      ["1048602", "carol@other.example", "bounced"],
      ["1048604", "erin@third.example", "deferred"],
      ["1048604", "erin@third.example", "sent"],
    ]);
    expect(attempts[1].reply).toContain("http://spamcop.net/bl.shtml?192.0.2.31");
    expect(attempts[1].relay).toBe("file-relay");
  });
  it("ignores a result whose start it never saw", () => {
    const e = newLineEvent();
    parseQmailLine("1772528400.5 delivery 99: success: x", e, "r", new QmailState());
    expect(e.kind).toBe("ignored");
  });
});

describe("auto format", () => {
  it("reads a syslog aggregate of Postfix and qmail relays", () => {
    const events = readAll("mixed.log", "auto");
    const attempts = events.filter((e) => e.kind === "attempt");
    expect(attempts.map((e) => [e.relay, e.status])).toEqual([
      ["relay1", "sent"],
      ["relay9", "deferred"],
    ]);
    expect(events.at(-1)?.kind).toBe("ignored");
  });
  it("marks damaged lines unparsed and never throws", () => {
    const events = readAll("garbled.log", "auto");
    expect(events.filter((e) => e.kind === "unparsed").length).toBe(6);
    expect(events.filter((e) => e.kind === "attempt").length).toBe(2);
    const reader = new LineReader("auto", 2026);
    const e = newLineEvent();
    for (const line of [
      "",
      "\u0000",
      "2026-01-01 ",
      "@",
      "Mar  3 09:00:01 h postfix/smtp[1]: ABCDEF123: to=<",
      "9".repeat(100_000),
    ]) {
      reader.read(line, e, "r");
    }
  });
});
