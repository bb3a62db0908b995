// The reply classifier: which blocklist (or provider reputation system) an SMTP rejection names,
// whether it is one at all — or greylisting, a rate limit, an unknown user, a content rejection —
// whether it is permanent, and which relay address it names. Table-driven: each pattern carries
// the source of the wording it matches. Browser-safe (no Node APIs): the web page reuses it.
import { type ListInfo, listById, listByZone } from "./lists.js";

/** What kind of rejection a reply is. */
export const REPLY_CLASSES = [
  "blocklist",
  "provider-block",
  "greylist",
  "rate-limit",
  "unknown-user",
  "mailbox-full",
  "content",
  "authentication",
  "other",
] as const;
/** One of REPLY_CLASSES. */
export type ReplyClass = (typeof REPLY_CLASSES)[number];

/** One row of the table. `list` names a known list; `zoneGroup` a capture group holding a DNS zone. */
export interface ReplyPattern {
  id: string;
  class: ReplyClass;
  list?: string;
  pattern: RegExp;
  /** Capture group with the DNS zone or list name the reply names (generic patterns). */
  zoneGroup?: number;
  /** Capture group with the relay address the reply names. */
  ipGroup?: number;
  /** Where this wording is documented. */
  source: string;
}

/** The classifier's verdict on one reply. */
export interface Classification {
  class: ReplyClass;
  /** Known list id, or a zone named by a generic pattern ("psbl.surriel.com"), or null. */
  list: string | null;
  listInfo: ListInfo | null;
  /** true 5xx, false 4xx, null when the reply carries no code. */
  permanent: boolean | null;
  /** Basic SMTP code (550) and enhanced status ("5.7.1"), when present. */
  code: number | null;
  enhanced: string | null;
  /** The relay address the reply names, if any. */
  ip: string | null;
  /** The list's lookup page for that address. */
  lookupUrl: string | null;
  /** Which table row matched, and its source. */
  pattern: string | null;
  source: string | null;
}

// An IPv4 address: four 1–3 digit groups (validated numerically in `validIpv4`).
const IP = String.raw`(\d{1,3}(?:\.\d{1,3}){3})`;
const ZONE = String.raw`([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+)`;

/**
 * The table, most specific first: named lists, then provider systems, then the generic DNSBL
 * wordings (which name a zone), then the non-blocklist classes. The first match wins.
 */
export const REPLY_PATTERNS: readonly ReplyPattern[] = [
  // --- SpamCop
  {
    id: "spamcop-url",
    class: "blocklist",
    list: "spamcop",
    pattern: new RegExp(String.raw`spamcop\.net/(?:bl\.shtml|w3m\?action=checkblock&ip=)\??${IP}?`, "i"),
    ipGroup: 1,
    source:
      "SpamCop FAQ: 'Email from your IP Address [IP] blocked, see http://spamcop.net/bl.shtml?[IP]' (forum.spamcop.net/topic/5435); the 2013 bounce in docs/DOMAIN.md",
  },
  {
    id: "spamcop-name",
    class: "blocklist",
    list: "spamcop",
    pattern: /\bspamcop\b/i,
    source: "SpamCop forum FAQ 'Why is my email blocked?' ('email from … blocked, refused by Spamcop')",
  },
  // --- Spamhaus: query URLs name the sub-list; "Listed by CSS" etc. name it in words.
  {
    id: "spamhaus-css",
    class: "blocklist",
    list: "spamhaus-css",
    pattern: /spamhaus\.org\/css|listed by css\b|\bspamhaus css\b/i,
    source: "spamhaus.org/css; Exim-style rejection 'Listed by CSS, see https://check.spamhaus.org/query/ip/…'",
  },
  {
    id: "spamhaus-pbl",
    class: "blocklist",
    list: "spamhaus-pbl",
    pattern: /spamhaus\.org\/pbl|listed by pbl\b|\bpbl\.spamhaus\.org|\bspamhaus pbl\b|\bPBL\d+\b/i,
    source: "spamhaus.org/pbl (PBL record ids 'PBL123456', query URL spamhaus.org/pbl/query/PBL…)",
  },
  {
    id: "spamhaus-sbl",
    class: "blocklist",
    list: "spamhaus-sbl",
    pattern: /spamhaus\.org\/sbl|listed by sbl\b|\bsbl\.spamhaus\.org|\bSBL\d{2,}\b/i,
    source: "spamhaus.org/sbl (SBL record ids 'SBL123456', query URL spamhaus.org/sbl/query/SBL…)",
  },
  {
    id: "spamhaus-xbl",
    class: "blocklist",
    list: "spamhaus-xbl",
    pattern: /listed by xbl\b|\bxbl\.spamhaus\.org|spamhaus\.org\/xbl/i,
    source: "spamhaus.org/xbl",
  },
  {
    id: "spamhaus-dbl",
    class: "blocklist",
    list: "spamhaus-dbl",
    pattern: /dbl\.spamhaus\.org|spamhaus\.org\/query\/dbl|listed by dbl\b/i,
    source: "Haraka uribl reply 'listed in dbl.spamhaus.org; see http://www.spamhaus.org/query/dbl?domain=…'",
  },
  {
    id: "spamhaus-query",
    class: "blocklist",
    list: "spamhaus-zen",
    pattern: new RegExp(String.raw`spamhaus\.org/query/(?:bl\?ip=|ip/)${IP}?`, "i"),
    ipGroup: 1,
    source:
      "qmail rblsmtpd reply '451 http://www.spamhaus.org/query/bl?ip=…' (docs/DOMAIN.md); check.spamhaus.org/query/ip/<ip>",
  },
  {
    id: "spamhaus-name",
    class: "blocklist",
    list: "spamhaus-zen",
    pattern: /\bspamhaus\b/i,
    source: "Exchange Online 'Client host [ip] blocked using Spamhaus' (smtpfieldmanual.com/spamfilter/exchangeonline)",
  },
  // --- CBL / abuseat
  {
    id: "cbl",
    class: "blocklist",
    list: "cbl",
    pattern: new RegExp(String.raw`abuseat\.org(?:/lookup\.cgi\?ip=${IP})?|\bCBL\b`, "i"),
    ipGroup: 1,
    source: "cbl.abuseat.org/lookup.cgi?ip= (wiki.openrbl.org/wiki/CBL)",
  },
  // --- Barracuda
  {
    id: "barracuda",
    class: "blocklist",
    list: "barracuda",
    pattern: new RegExp(String.raw`barracuda(?:central)?(?:[^?\s]*\?ip=${IP})?`, "i"),
    ipGroup: 1,
    source:
      "'554 Service unavailable; Client host [host] blocked using Barracuda Reputation; http://bbl.barracudacentral.com/q.cgi?ip=…' (luxsci.com/blog/?p=16857, tig.csail.mit.edu)",
  },
  // --- UCEPROTECT levels
  {
    id: "uceprotect",
    class: "blocklist",
    pattern: /\b(dnsbl-[123]\.uceprotect\.net)|uceprotect[- ]?(?:level[- ]?|l)([123])/i,
    source: "uceprotect.net zones dnsbl-1/2/3.uceprotect.net ('listed in dnsbl-3.uceprotect.net', deliveryman.ai)",
  },
  // --- SORBS (closed 2024)
  {
    id: "sorbs",
    class: "blocklist",
    list: "sorbs",
    pattern: /\bsorbs\b/i,
    source: "dnsbl.sorbs.net aggregate zone (knowledge.validity.com SORBS page); closed June 2024",
  },
  // --- Microsoft
  {
    id: "microsoft-5.7.606",
    class: "provider-block",
    list: "microsoft",
    pattern: new RegExp(String.raw`5\.7\.6(?:0[6-9]|[1-4]\d)\b[^[\n]*banned sending IP \[?${IP}?`, "i"),
    ipGroup: 1,
    source:
      "learn.microsoft.com delist portal page: '550 5.7.606 Access denied, banned sending IP [IP]. To request removal … https://sender.office.com/' (codes 5.7.606–649)",
  },
  {
    id: "microsoft-5.7.511",
    class: "provider-block",
    list: "microsoft",
    pattern: new RegExp(String.raw`5\.7\.511\b[^[\n]*banned sender ?\[?${IP}?`, "i"),
    ipGroup: 1,
    source:
      "learn.microsoft.com: '550 5.7.511 Access denied, banned sender[IP]. … forward this message to delist@microsoft.com'",
  },
  {
    id: "microsoft-s3140",
    class: "provider-block",
    list: "microsoft",
    pattern: new RegExp(String.raw`(?:messages from \[?${IP}\]? weren't sent[^\n]*)?\((?:S3140|S3150)\)`, "i"),
    ipGroup: 1,
    source:
      "docs.hetzner.com 'Microsoft Blacklist': '550 5.7.1 Unfortunately, messages from [x.x.x.x] weren't sent … our block list (S3150)'; S3140 likewise",
  },
  // --- Yahoo and AOL
  {
    id: "yahoo-ts",
    class: "provider-block",
    list: "yahoo",
    pattern: new RegExp(String.raw`\[(?:TS0\d|TSS\d\d|BL2\d)\][^\n]*?(?:from \[?${IP})?`, "i"),
    ipGroup: 1,
    source:
      "Yahoo help SLN3436 '421 4.7.1 [TS03] All messages from x.x.x.x permanently deferred'; '421 4.7.0 [TSS04] Messages from … temporarily deferred due to unexpected volume or user complaints'",
  },
  {
    id: "aol-dnsbl",
    class: "provider-block",
    list: "aol",
    pattern: /DNSBL:(?:ATTRBL|RBL|\w+)|\bRTR:(?:BB|CH|BG|RD|GE)\b/,
    source: "AOL postmaster error codes (RTR:BB, RTR:CH …); docs/DOMAIN.md ('521 … DNSBL:ATTRBL')",
  },
  // --- Proofpoint and Mimecast
  {
    id: "proofpoint",
    class: "provider-block",
    list: "proofpoint",
    pattern: new RegExp(String.raw`proofpoint\.com(?:/\?ip=${IP})?|\bproofpoint\b`, "i"),
    ipGroup: 1,
    source:
      "proofpoint.com/us/support-services/ip-blocked-faq ('554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=…')",
  },
  {
    id: "mimecast-reputation",
    class: "provider-block",
    list: "mimecast",
    pattern: /mimecast[^\n]*(?:rbl|reputation|blocked|blacklist)|(?:rbl|reputation|blocked|blacklist)[^\n]*mimecast/i,
    source: "Mimecast SMTP error codes (IP reputation and RBL rejections name mimecast.com pages)",
  },
  {
    id: "mimecast-policy",
    class: "content",
    list: "mimecast",
    pattern: /email rejected due to security policies|rejected by header based|\bmimecast\b/i,
    source:
      "Mimecast '554 Email rejected due to security policies', '550 Rejected by header based Anti-Spoofing policy'",
  },
  // --- Generic DNSBL wordings: they name the zone, which may or may not be a known list.
  {
    id: "generic-blocked-using",
    class: "blocklist",
    pattern: new RegExp(String.raw`(?:\[${IP}\]\s*)?blocked using ${ZONE}`, "i"),
    ipGroup: 1,
    zoneGroup: 2,
    source:
      "Postfix default_rbl_reply '$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain[; $rbl_reason]' (postconf(5))",
  },
  {
    id: "generic-black-list-at",
    class: "blocklist",
    pattern: new RegExp(String.raw`(?:${IP}\s+)?is in a black ?list at ${ZONE}`, "i"),
    ipGroup: 1,
    zoneGroup: 2,
    source: "Exim ACL 'deny message = Rejected because $sender_host_address is in a black list at $dnslist_domain'",
  },
  {
    id: "generic-listed-at",
    class: "blocklist",
    pattern: new RegExp(String.raw`(?:${IP}\s+)?(?:is )?listed (?:at|in|on|by) ${ZONE}`, "i"),
    ipGroup: 1,
    zoneGroup: 2,
    source:
      "Exim spec ch. 'Access control lists', dnslists example '$sender_host_address is listed at $dnslist_domain'",
  },
  {
    id: "rblsmtpd",
    class: "blocklist",
    pattern: /\brblsmtpd\b/i,
    source: "qmail/ucspi-tcp rblsmtpd: 451 by default, 553 with -b (cr.yp.to/ucspi-tcp/rblsmtpd.html; docs/DOMAIN.md)",
  },
  {
    id: "generic-blacklist-words",
    class: "blocklist",
    pattern:
      /\b(?:black|block|deny|reject)[ -]?list(?:ed)?\b|\bDNSBL\b|\bRBL\b|ip (?:address )?(?:was )?(?:found )?(?:is )?(?:on|in) (?:a|our) (?:black|block)/i,
    source:
      "docs/DOMAIN.md 2013 bounce: '554 5.7.1 Rejected - your IP address was found in a blacklist for sending spam'",
  },
  // --- Not blocklists.
  {
    id: "greylist",
    class: "greylist",
    pattern: /gr[ae]y[- ]?list|postgrey|try again in \d+ seconds/i,
    source:
      "postgrey default reply 'Greylisted, see http://postgrey.schweikert.ch/help/…' ; Postfix log '451 … greylisted … in 42 seconds' (docs/DOMAIN.md)",
  },
  {
    id: "rate-limit",
    class: "rate-limit",
    pattern:
      /rate limit|ratelimit|too many (?:messages|connections|recipients|concurrent)|throttl|unusual rate|4\.7\.28\b|exceeded (?:the )?(?:rate|limit|sending)|try again later|server busy|4\.3\.2\b/i,
    source:
      "Gmail '421-4.7.28 … unusual rate of unsolicited mail'; Exchange '421 4.3.2 The maximum number of concurrent connections … exceeded' (smtpfieldmanual.com)",
  },
  {
    id: "unknown-user",
    class: "unknown-user",
    pattern:
      /user unknown|unknown user|no such (?:user|mailbox|recipient)|recipient (?:address )?rejected: (?:user unknown|undeliverable)|mailbox (?:unavailable|not found|does not exist)|does not exist|invalid recipient|address rejected|5\.1\.[01]\b/i,
    source:
      "RFC 3463 X.1.1 'Bad destination mailbox address'; Postfix 'Recipient address rejected: User unknown in local recipient table'",
  },
  {
    id: "mailbox-full",
    class: "mailbox-full",
    pattern: /mailbox (?:is )?full|over quota|quota exceeded|insufficient storage|[45]\.2\.2\b/i,
    source: "RFC 3463 X.2.2 'Mailbox full'",
  },
  {
    id: "authentication",
    class: "authentication",
    pattern: /\bDMARC\b|\bSPF\b|\bDKIM\b|5\.7\.(?:2[3-7]|50[89]|51[05])\b|unauthenticated/i,
    source: "RFC 7372 (5.7.20–5.7.26 authentication failures); Gmail '5.7.26 unauthenticated email'",
  },
  {
    id: "content",
    class: "content",
    pattern:
      /\bspam\b|virus|malware|message content|content (?:rejected|filter)|looks like|attachment|scored? \d|phish|5\.7\.1\b.*\b(?:policy|reject)/i,
    source:
      "RFC 3463 X.7.1 'Delivery not authorized, message refused'; SpamAssassin-style 'Your message scored 10.4' rejections",
  },
];

/** Longest reply text examined: replies are short; the limit keeps hostile input cheap. */
export const MAX_REPLY_LENGTH = 4096;

function validIpv4(text: string | undefined): string | null {
  if (!text) return null;
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => Number(p) > 255)) return null;
  return text;
}

/** The part of a diagnostic that the remote server wrote: Postfix "host mx[1.2.3.4] said: …", Exim "…: 550 …". */
export function remoteText(text: string): string {
  const said = /\bsaid:\s*/i.exec(text);
  if (said) return text.slice(said.index + said[0].length);
  return text;
}

/** SMTP code and enhanced status from a reply ("smtp; 550 5.7.1 …", "554-5.7.1 …", "#5.7.1"). */
export function replyCodes(text: string): { code: number | null; enhanced: string | null } {
  const code = /(?:^|[^\d.])([245]\d\d)(?:[ -]|$)/.exec(text);
  const enhanced = /(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(text);
  return { code: code ? Number(code[1]) : null, enhanced: enhanced ? enhanced[1] : null };
}

/** The first IPv4 address in a text that is not inside a "host name[ip] said" prefix. */
function firstAddress(text: string): string | null {
  const re = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const ip = validIpv4(m[1]);
    if (ip && !ip.startsWith("127.")) return ip;
  }
  return null;
}

/**
 * Classify one reply or diagnostic line. `permanentHint` is the log's own verdict when the text
 * has no code (Postfix status=bounced / deferred, qmail failure / deferral).
 */
export function classifyReply(raw: string, permanentHint: boolean | null = null): Classification {
  const text = remoteText(raw.length > MAX_REPLY_LENGTH ? raw.slice(0, MAX_REPLY_LENGTH) : raw);
  const { code, enhanced } = replyCodes(text);
  const fromCode = code !== null ? code >= 500 : enhanced !== null ? enhanced.startsWith("5") : null;
  const permanent = fromCode ?? permanentHint;
  for (const row of REPLY_PATTERNS) {
    const m = row.pattern.exec(text);
    if (!m) continue;
    let listId: string | null = row.list ?? null;
    if (row.id === "uceprotect") {
      const level = m[1] ? m[1].charAt(6) : m[2];
      listId = `uceprotect-${level}`;
    }
    if (row.zoneGroup !== undefined && m[row.zoneGroup]) {
      const zone = m[row.zoneGroup].toLowerCase().replace(/[.;,]+$/, "");
      listId = listByZone(zone)?.id ?? zone;
    }
    const info = listId ? (listById(listId) ?? null) : null;
    const named = row.ipGroup !== undefined ? validIpv4(m[row.ipGroup]) : null;
    const isBlock = row.class === "blocklist" || row.class === "provider-block";
    const ip = named ?? (isBlock ? firstAddress(text) : null);
    return {
      class: row.class,
      list: listId,
      listInfo: info,
      permanent,
      code,
      enhanced,
      ip,
      lookupUrl: info ? info.lookup(ip) : null,
      pattern: row.id,
      source: row.source,
    };
  }
  return {
    class: "other",
    list: null,
    listInfo: null,
    permanent,
    code,
    enhanced,
    ip: null,
    lookupUrl: null,
    pattern: null,
    source: null,
  };
}
