// The syslog envelope around MTA lines: "Mar  1 10:00:00 host prog[pid]: text" (RFC 3164, no
// year) or "2024-03-01T10:00:00.123456+00:00 host prog[pid]: text" (RFC 5424 / rsyslog's
// high-precision format). Pure string work; the year of RFC 3164 stamps is supplied by the caller.

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

export interface SyslogHead {
  time: number;
  host: string;
  /** "postfix/smtp", "postfix-out2/smtp", "qmail", "exim". */
  program: string;
  /** Offset of the text after "prog[pid]: ". */
  textStart: number;
}

const RFC3164 = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\S+) ([^\s[:]+)(?:\[\d+\])?: /;
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)? (\S+) ([^\s[:]+)(?:\[\d+\])?: /;

/** Seconds since the epoch for a UTC date; `offset` "+02:00" is subtracted. */
export function utcSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number, offset = ""): number {
  if (!(mo >= 0 && mo <= 11 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)) return Number.NaN;
  let t = Date.UTC(y, mo, d, h, mi, s) / 1000;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(offset);
  if (m) t -= (m[1] === "+" ? 1 : -1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  return t;
}

/** Parse the syslog head of a line, or null. RFC 3164 stamps take `year` (times are read as UTC). */
export function syslogHead(line: string, year: number): SyslogHead | null {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const m = RFC3339.exec(line);
    if (!m) return null;
    const t =
      utcSeconds(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[8] === "Z" ? "" : (m[8] ?? "")) +
      (m[7] ? Number(m[7]) : 0);
    if (Number.isNaN(t)) return null;
    return { time: t, host: m[9], program: m[10], textStart: m[0].length };
  }
  const m = RFC3164.exec(line);
  if (!m) return null;
  const month = MONTHS[m[1]];
  const time = month === undefined ? Number.NaN : utcSeconds(year, month, +m[2], +m[3], +m[4], +m[5]);
  if (Number.isNaN(time)) return null;
  return {
    time,
    host: m[6],
    program: m[7],
    textStart: m[0].length,
  };
}
