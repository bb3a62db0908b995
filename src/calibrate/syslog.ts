// The syslog envelope around MTA lines: "Mar  1 10:00:00 host prog[pid]: text" (RFC 3164, no
// year) or "2024-03-01T10:00:00.123456+00:00 host prog[pid]: text" (RFC 5424 / rsyslog's
// high-precision format). Pure string work; the year of RFC 3164 stamps is supplied by the caller.
// This runs on every line of a log: the stamp's date and minute are parsed once and cached.

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

/** Seconds since the epoch for a UTC date; `offset` "+02:00" is subtracted. NaN for an impossible date. */
export function utcSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number, offset = ""): number {
  if (!(mo >= 0 && mo <= 11 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)) return Number.NaN;
  let t = Date.UTC(y, mo, d, h, mi, s) / 1000;
  if (offset !== "") {
    const m = /^([+-])(\d\d):?(\d\d)$/.exec(offset);
    if (m === null) return Number.NaN;
    t -= (m[1] === "+" ? 1 : -1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  }
  return t;
}

const RFC3164 = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) /;
const RFC3339_MINUTE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/;

/** Epoch seconds of an RFC 3339 minute "YYYY-MM-DDTHH:MM" in `zone` ("Z", "+hh:mm", "-hhmm", ""), or NaN. */
export function minuteBase(minute: string, zone: string): number {
  const m = RFC3339_MINUTE.exec(minute);
  return m === null ? Number.NaN : utcSeconds(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], 0, zone === "Z" ? "" : zone);
}

// The last stamp's minute and zone → its epoch seconds: log lines come in runs of one minute,
// so most lines are checked against the cache without allocating.
let cachedMinute = "";
let cachedZone = "";
let cachedBase = Number.NaN;

/** Where the last stamp rfc3339 read ends (its space), set with its result. */
let stampEnd = 0;

/** Epoch seconds of an RFC 3339 stamp at the line's start (its end in stampEnd), or NaN. */
function rfc3339(line: string): number {
  const end = line.indexOf(" ", 19);
  if (end < 0 || end > 40) return Number.NaN;
  // An optional fraction ".ffffff" (up to 9 digits), then the zone ("Z", "+hh:mm", "-hhmm", or none).
  let i = 19;
  let fraction = 0;
  let scale = 1;
  if (line.charCodeAt(19) === 46 /* . */) {
    for (i = 20; i < end; i++) {
      const d = line.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      fraction = fraction * 10 + d;
      scale *= 10;
    }
    if (i - 20 > 9) return Number.NaN;
  }
  const z = line.charCodeAt(i);
  if (!(i === end || z === 90 /* Z */ || z === 43 /* + */ || z === 45) /* - */) return Number.NaN;
  const zoneStart = i;
  const zoneLength = end - zoneStart;
  if (
    !line.startsWith(cachedMinute) ||
    cachedMinute.length !== 16 ||
    zoneLength !== cachedZone.length ||
    !line.startsWith(cachedZone, zoneStart)
  ) {
    const minute = line.slice(0, 16);
    const zone = line.slice(zoneStart, end);
    cachedMinute = minute;
    cachedZone = zone;
    cachedBase = minuteBase(minute, zone);
  }
  if (Number.isNaN(cachedBase) || line.charCodeAt(16) !== 58 /* : */) return Number.NaN;
  // Seconds "ss", digit by digit.
  const s1 = line.charCodeAt(17) - 48;
  const s2 = line.charCodeAt(18) - 48;
  if (s1 < 0 || s1 > 6 || s2 < 0 || s2 > 9) return Number.NaN;
  stampEnd = end;
  const time = cachedBase + s1 * 10 + s2;
  return zoneStart > 19 ? time + fraction / scale : time;
}

// The last line's host and program: most lines repeat them, and are compared, not sliced.
let cachedHost = "";
let cachedProgram = "";

/** Host, program and text offset after the stamp (which ends at `from`, a space). */
function rest(line: string, from: number, time: number, out: SyslogHead): SyslogHead | null {
  let host: string;
  let hostEnd = from + 1 + cachedHost.length;
  if (cachedHost !== "" && line.charCodeAt(hostEnd) === 32 && line.startsWith(cachedHost, from + 1)) {
    host = cachedHost;
  } else {
    hostEnd = line.indexOf(" ", from + 1);
    if (hostEnd < 0) return null;
    host = line.slice(from + 1, hostEnd);
  }
  const colon = line.indexOf(": ", hostEnd + 1);
  if (colon < 0) return null;
  let programEnd = colon;
  const bracket = line.indexOf("[", hostEnd + 1);
  if (bracket >= 0 && bracket < colon) programEnd = bracket;
  let program: string;
  if (
    cachedProgram !== "" &&
    programEnd - hostEnd - 1 === cachedProgram.length &&
    line.startsWith(cachedProgram, hostEnd + 1)
  ) {
    program = cachedProgram;
  } else {
    program = line.slice(hostEnd + 1, programEnd);
    if (program === "" || program.indexOf(" ") >= 0) return null;
  }
  cachedHost = host;
  cachedProgram = program;
  out.time = time;
  out.host = cachedHost;
  out.program = cachedProgram;
  out.textStart = colon + 2;
  return out;
}

/**
 * Parse the syslog head of a line into `out` (reused by hot callers), or return null.
 * RFC 3164 stamps take `year` (times are read as UTC).
 */
export function syslogHead(
  line: string,
  year: number,
  out: SyslogHead = { time: 0, host: "", program: "", textStart: 0 },
): SyslogHead | null {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84 /* T */) return null;
    const time = rfc3339(line);
    return Number.isNaN(time) ? null : rest(line, stampEnd, time, out);
  }
  const m = RFC3164.exec(line);
  if (m === null) return null;
  const month = MONTHS[m[1]];
  const time = month === undefined ? Number.NaN : utcSeconds(year, month, +m[2], +m[3], +m[4], +m[5]);
  if (Number.isNaN(time)) return null;
  return rest(line, m[0].length - 1, time, out);
}
