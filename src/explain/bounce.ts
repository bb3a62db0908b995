// Reading a bounce as a user receives it: an RFC 3464 delivery status notification (a
// multipart/report whose message/delivery-status part holds per-recipient fields), a qmail-send
// plain-text bounce, or a pasted diagnostic line. Browser-safe: text in, fields out; never throws.

/** One failed (or delayed) recipient of a bounce. */
export interface BounceRecipient {
  recipient: string | null;
  /** RFC 3464 Action: failed, delayed, delivered, relayed, expanded. */
  action: string | null;
  /** RFC 3464 Status, e.g. "5.7.1". */
  status: string | null;
  /** RFC 3464 Remote-MTA (the receiving server that answered). */
  remoteMta: string | null;
  /** RFC 3464 Diagnostic-Code, without its type ("smtp;"), unfolded. */
  diagnostic: string | null;
}

/** A parsed bounce: what kind of text it was, the reporting MTA, and its recipients. */
export interface Bounce {
  kind: "dsn" | "qmail" | "line";
  /** The MTA that wrote the bounce: Reporting-MTA, or the host in qmail's greeting. */
  reportingMta: string | null;
  recipients: BounceRecipient[];
  /** qmail only: "This is a permanent error" (true) or a delay warning (false). */
  permanentHint: boolean | null;
}

/** Longest input read: bounces quote the original message; the report is near the top. */
export const MAX_BOUNCE_BYTES = 1 << 20;

/** Header fields of a block of "Name: value" lines (folded continuation lines joined). */
export function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let name: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && name !== null) {
      fields.set(name, `${fields.get(name)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      name = null;
      continue;
    }
    name = line.slice(0, colon).trim().toLowerCase();
    // The first occurrence wins (Received: repeats; the report's fields do not).
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
    else name = null;
  }
  return fields;
}

/** A header parameter (`boundary="x"`) from a Content-Type value. */
function parameter(value: string, key: string): string | null {
  const m = new RegExp(`(?:^|;)\\s*${key}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value);
  return m ? (m[1] ?? m[2]) : null;
}

/** Split a text at its first blank line: headers and body. */
function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, ""];
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function decodeBase64(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9+/=]/g, "");
  try {
    return atob(clean);
  } catch {
    return "";
  }
}

function decodePart(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  if (encoding === "base64") return decodeBase64(body);
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

/** The parts of a multipart body (one level), as [headers, body] pairs. */
function multipartParts(body: string, boundary: string): [Map<string, string>, string][] {
  const parts: [Map<string, string>, string][] = [];
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter);
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith("--")) break;
    const [head, partBody] = splitHead(chunk.replace(/^[ \t]*\r?\n/, ""));
    parts.push([headerFields(head), partBody]);
  }
  return parts;
}

/** Diagnostic-Code "smtp; 550 …" → "550 …". */
function withoutType(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(";");
  return (semi >= 0 && semi < 20 ? value.slice(semi + 1) : value).trim() || null;
}

/** RFC 3464 §2: per-message fields, then one blank-line-separated group per recipient. */
export function deliveryStatus(text: string): { reportingMta: string | null; recipients: BounceRecipient[] } {
  const groups = text.split(/\r?\n[ \t]*\r?\n/).filter((g) => g.trim() !== "");
  if (groups.length === 0) return { reportingMta: null, recipients: [] };
  const perMessage = headerFields(groups[0]);
  const recipients: BounceRecipient[] = [];
  for (const group of groups) {
    const f = headerFields(group);
    if (!f.has("final-recipient") && !f.has("original-recipient") && !f.has("diagnostic-code")) continue;
    recipients.push({
      recipient: withoutType(f.get("final-recipient") ?? f.get("original-recipient")),
      action: f.get("action")?.toLowerCase() ?? null,
      status: f.get("status")?.split(/\s/)[0] ?? null,
      remoteMta: withoutType(f.get("remote-mta")),
      diagnostic: withoutType(f.get("diagnostic-code")),
    });
  }
  return { reportingMta: withoutType(perMessage.get("reporting-mta")), recipients };
}

/** Find the message/delivery-status part, descending through nested multiparts (depth-limited). */
function findDeliveryStatus(headers: Map<string, string>, body: string, depth: number): string | null {
  const type = (headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("message/delivery-status")) return decodePart(headers, body);
  if (!type.startsWith("multipart/") || depth > 4) return null;
  const boundary = parameter(headers.get("content-type") ?? "", "boundary");
  if (!boundary) return null;
  for (const [h, b] of multipartParts(body, boundary)) {
    const found = findDeliveryStatus(h, b, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** qmail-send's bounce: "Hi. This is the qmail-send program at HOST." then "<rcpt>:" blocks. */
function qmailBounce(text: string): Bounce | null {
  const greeting = /This is the qmail-send program at ([^\s.]+(?:\.[^\s.]+)*)\.?/i.exec(text);
  if (!greeting) return null;
  const end = text.search(/^--- (?:Below this line is a copy of the message|Enclosed are the original headers)/m);
  const report = end >= 0 ? text.slice(greeting.index, end) : text.slice(greeting.index);
  const recipients: BounceRecipient[] = [];
  const block = /^<([^>\s]*)>:\s*\r?\n([\s\S]*?)(?=^<[^>\s]*>:|(?![\s\S]))/gm;
  for (let m = block.exec(report); m !== null; m = block.exec(report)) {
    const lines = m[2]
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && !/^Giving up on /i.test(l));
    const said = lines.findIndex((l) => /^Remote host said:/i.test(l));
    const diagnostic =
      said >= 0
        ? lines
            .slice(said)
            .join(" ")
            .replace(/^Remote host said:\s*/i, "")
        : lines.join(" ");
    const remote = /^(\d{1,3}(?:\.\d{1,3}){3}) (?:does not like|failed after)/.exec(lines[0] ?? "");
    recipients.push({
      recipient: m[1],
      action: null,
      status: null,
      remoteMta: remote ? remote[1] : null,
      diagnostic: diagnostic || null,
    });
  }
  const permanent = /permanent error/i.test(report)
    ? true
    : /temporar|not been delivered yet|still trying/i.test(report)
      ? false
      : null;
  return { kind: "qmail", reportingMta: greeting[1], recipients, permanentHint: permanent };
}

/** Read a bounce of any of the three kinds. Never throws; over-long input is cut. */
export function parseBounce(input: string): Bounce {
  const text = input.length > MAX_BOUNCE_BYTES ? input.slice(0, MAX_BOUNCE_BYTES) : input;
  const [head, body] = splitHead(text);
  const headers = headerFields(head);
  if ((headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/")) {
    const status = findDeliveryStatus(headers, body, 0);
    if (status !== null) {
      const { reportingMta, recipients } = deliveryStatus(status);
      if (recipients.length > 0) return { kind: "dsn", reportingMta, recipients, permanentHint: null };
    }
  }
  const qmail = qmailBounce(text);
  if (qmail && qmail.recipients.length > 0) return qmail;
  // A pasted line (or a bounce we do not know): the diagnostic is the first lines that look like a reply.
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const reply = lines.find((l) => /(?:^|\s)[45]\d\d[ -]|[45]\.\d{1,3}\.\d{1,3}/.test(l)) ?? lines[0] ?? "";
  return {
    kind: "line",
    reportingMta: null,
    recipients: [
      { recipient: null, action: null, status: null, remoteMta: null, diagnostic: reply.slice(0, 4096) || null },
    ],
    permanentHint: null,
  };
}
