// A greylisted attempt in a simulated log (sim run --maillog) reads as greylisting, not as a
// blocklist refusal, so calibrating from a greylisting pool's log does not count it as a listing.
import { describe, expect, it } from "vitest";
import { MaillogFormatter } from "../../src/calibrate/maillog.js";
import { classifyReply } from "../../src/classify/replies.js";
import type { AttemptRecord } from "../../src/model/sink.js";

const greylisted: AttemptRecord = {
  time: 100,
  message: 7,
  sender: 3,
  domain: 42,
  server: 1,
  submission: 1,
  kind: "first",
  outcome: "greylisted",
  counted: true,
  list: -1,
};

describe("MaillogFormatter on a greylisted attempt", () => {
  it.each(["postfix", "exim", "qmail"] as const)(
    "%s: deferred with postgrey's reply, classified greylist",
    (format) => {
      // qmail's log writes the remote reply with underscores for spaces.
      const lines = new MaillogFormatter(format, ["spamcop"]).lines(greylisted).join("\n").replace(/_/g, " ");
      expect(lines).toContain("Greylisted, see http://postgrey.schweikert.ch/help/d42.example.html");
      expect(lines).not.toContain("spamcop");
      const reply = lines.slice(lines.indexOf("451"));
      expect(classifyReply(reply).class).toBe("greylist");
    },
  );
});
