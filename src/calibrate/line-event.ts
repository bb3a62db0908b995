// What the log parsers extract from one line: a message's arrival (its sender), one delivery
// attempt to one recipient (time, relay, outcome, reply), or a message's end. One mutable record
// is reused per line so that parsing millions of lines allocates little.

export const LINE_KINDS = ["arrival", "attempt", "done", "ignored", "unparsed"] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** What became of an attempt: delivered, deferred (4xx or no answer), bounced (5xx), expired (queue lifetime). */
export type AttemptStatus = "sent" | "deferred" | "bounced" | "expired";

export interface LineEvent {
  kind: LineKind;
  /** Seconds since the Unix epoch. */
  time: number;
  /** Which relay wrote the line: syslog host, Postfix instance, Exim I= address, or the file's name. */
  relay: string;
  /** Whose queue the message id belongs to (syslog host, instance or file): joins a message's lines. */
  scope: string;
  /** The relay's own (outgoing) address when the line names it (Exim I=[…]); else "". */
  relayAddress: string;
  /** The message's id within its relay (Postfix queue id, Exim message id, qmail msg number). */
  message: string;
  /** Envelope sender (arrival lines). */
  sender: string;
  /** Recipient address (attempt lines), lower-cased. */
  recipient: string;
  status: AttemptStatus;
  /** The remote server's reply or the MTA's error text (attempt lines). */
  reply: string;
}

export function newLineEvent(): LineEvent {
  return {
    kind: "ignored",
    time: 0,
    relay: "",
    scope: "",
    relayAddress: "",
    message: "",
    sender: "",
    recipient: "",
    status: "sent",
    reply: "",
  };
}

/** A line parser: fills `event` from `line`; `fallbackRelay` names the relay when the line does not. */
export type LineParser = (line: string, event: LineEvent, fallbackRelay: string) => void;

/** The recipient's domain ("ann@Example.ORG" → "example.org"). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(at + 1).toLowerCase() : "";
}

/**
 * A copy of `s` that does not share memory with the string it was cut from. Engines may make a
 * substring a view into its parent (V8 does for 13 characters and more), so a short key cut from
 * a line read in a megabyte chunk would keep the whole chunk alive: everything the estimators
 * keep past the line (keys, recipients, samples) goes through here. Concatenation then a cut
 * makes V8 flatten into a fresh string; other engines copy or share harmlessly.
 */
export function detach(s: string): string {
  // (V8 copies substrings shorter than 13 characters: those are detached already.)
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/** The domain of a lower-cased address (as LineEvent.recipient is): "ann@example.org" → "example.org". */
export function domainOfLower(address: string): string {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(at + 1) : "";
}
