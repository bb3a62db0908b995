// The blocklists and provider reputation systems that relaysim can name in a rejection: each
// with its lookup page and typical listing duration (docs/DOMAIN.md), and where those come from.
// Browser-safe (no Node APIs): the web page reuses it.

/** A list or reputation system a rejection can name. */
export interface ListInfo {
  /** Stable id used in scenarios and JSON ("spamcop", "spamhaus-sbl", "microsoft"). */
  id: string;
  /** Human name. */
  name: string;
  /** Whether it is a public DNS blocklist (false: a mailbox provider's own reputation system). */
  dnsbl: boolean;
  /** DNS zones that name it in replies such as "blocked using bl.spamcop.net". */
  zones: readonly string[];
  /** The list's own page to look an address up (with the address when the page takes one). */
  lookup: (ip: string | null) => string;
  /** Typical time an address stays listed, in words, and in seconds (for advice), or null if unknown. */
  typicalListing: string;
  typicalListingSeconds: number | null;
  /** Where the lookup page and duration come from. */
  source: string;
}

const HOUR = 3600;
const DAY = 86_400;
const withIp = (base: string, ip: string | null) => (ip ? `${base}${encodeURIComponent(ip)}` : base);

const SPAMHAUS_DURATION =
  "SBL: removed soon after the provider reports the problem fixed; CSS: about 3 days; XBL/CBL: about 48 h";

/** Every list relaysim knows: id, zones, kind, lookup page and typical listing duration (DOMAIN.md), each with its source. */
export const LISTS: readonly ListInfo[] = [
  {
    id: "spamcop",
    name: "SpamCop (SCBL)",
    dnsbl: true,
    zones: ["bl.spamcop.net"],
    lookup: (ip) => withIp("https://www.spamcop.net/bl.shtml?", ip),
    typicalListing:
      "delisted automatically 24 h after the last report (fresh reports weigh more; reports older than a week are ignored)",
    typicalListingSeconds: 24 * HOUR,
    source: "SpamCop FAQ and forum 'Why am I blocked?' (forum.spamcop.net/topic/35, /topic/5435); docs/DOMAIN.md",
  },
  {
    id: "spamhaus-zen",
    name: "Spamhaus ZEN (SBL + CSS + XBL + PBL)",
    dnsbl: true,
    zones: ["zen.spamhaus.org"],
    lookup: (ip) => withIp("https://check.spamhaus.org/query/ip/", ip),
    typicalListing: SPAMHAUS_DURATION,
    typicalListingSeconds: 3 * DAY,
    source: "spamhaus.org/zen return codes 127.0.0.2–11 (SBL 2, CSS 3, XBL 4–7, PBL 10–11); docs/DOMAIN.md",
  },
  {
    id: "spamhaus-sbl",
    name: "Spamhaus SBL",
    dnsbl: true,
    zones: ["sbl.spamhaus.org", "sbl-xbl.spamhaus.org"],
    lookup: (ip) => withIp("https://check.spamhaus.org/query/ip/", ip),
    typicalListing: "until the provider fixes the problem and asks; removals are quick once it is fixed",
    typicalListingSeconds: null,
    source: "spamhaus.org/sbl; docs/DOMAIN.md",
  },
  {
    id: "spamhaus-css",
    name: "Spamhaus CSS (part of SBL)",
    dnsbl: true,
    zones: [],
    lookup: (ip) => withIp("https://check.spamhaus.org/query/ip/", ip),
    typicalListing: "about 3 days after the last detection",
    typicalListingSeconds: 3 * DAY,
    source: "spamhaus.org/css; docs/DOMAIN.md",
  },
  {
    id: "spamhaus-xbl",
    name: "Spamhaus XBL (includes the CBL)",
    dnsbl: true,
    zones: ["xbl.spamhaus.org"],
    lookup: (ip) => withIp("https://check.spamhaus.org/query/ip/", ip),
    typicalListing: "about 48 h, or self-removal once the infection is fixed",
    typicalListingSeconds: 2 * DAY,
    source: "spamhaus.org/xbl; docs/DOMAIN.md (CBL/XBL about 48 h, a provider's report)",
  },
  {
    id: "spamhaus-pbl",
    name: "Spamhaus PBL (policy: end-user addresses)",
    dnsbl: true,
    zones: ["pbl.spamhaus.org"],
    lookup: (ip) => withIp("https://check.spamhaus.org/query/ip/", ip),
    typicalListing: "a policy listing: stays until the address's owner removes it; not caused by spam",
    typicalListingSeconds: null,
    source: "spamhaus.org/pbl",
  },
  {
    id: "spamhaus-dbl",
    name: "Spamhaus DBL (domains, not addresses)",
    dnsbl: true,
    zones: ["dbl.spamhaus.org"],
    lookup: () => "https://check.spamhaus.org/",
    typicalListing: "a domain listing: the relay's address is not the cause",
    typicalListingSeconds: null,
    source: "spamhaus.org/dbl; query URL form spamhaus.org/query/dbl?domain=",
  },
  {
    id: "cbl",
    name: "CBL / abuseat (now part of Spamhaus XBL)",
    dnsbl: true,
    zones: ["cbl.abuseat.org"],
    lookup: (ip) => withIp("https://check.spamhaus.org/query/ip/", ip),
    typicalListing: "about 48 h, or self-removal once the infection is fixed",
    typicalListingSeconds: 2 * DAY,
    source: "cbl.abuseat.org lookup.cgi (now served by Spamhaus); wiki.openrbl.org/wiki/CBL; docs/DOMAIN.md",
  },
  {
    id: "barracuda",
    name: "Barracuda Reputation Block List (BRBL)",
    dnsbl: true,
    zones: ["b.barracudacentral.org", "bb.barracudacentral.org"],
    lookup: () => "https://www.barracudacentral.org/lookups",
    typicalListing: "removal by request, typically 12–24 h (24–72 h on repeat)",
    typicalListingSeconds: 24 * HOUR,
    source:
      "barracudacentral.org/lookups; bounce form 'blocked using Barracuda Reputation; http://bbl.barracudacentral.com/q.cgi?ip=' (luxsci.com blog); docs/DOMAIN.md",
  },
  {
    id: "uceprotect-1",
    name: "UCEPROTECT Level 1 (single address)",
    dnsbl: true,
    zones: ["dnsbl-1.uceprotect.net"],
    lookup: () => "https://www.uceprotect.net/en/rblcheck.php",
    typicalListing: "auto-delisted 7 days after the last spam",
    typicalListingSeconds: 7 * DAY,
    source: "uceprotect.net (Level 1: 7-day auto-expiry); docs/DOMAIN.md",
  },
  {
    id: "uceprotect-2",
    name: "UCEPROTECT Level 2 (the address's network block)",
    dnsbl: true,
    zones: ["dnsbl-2.uceprotect.net"],
    lookup: () => "https://www.uceprotect.net/en/rblcheck.php",
    typicalListing: "while too many Level 1 listings in the block within 7 days; the relay itself may be clean",
    typicalListingSeconds: 7 * DAY,
    source: "uceprotect.net Level 2 escalation rules (intra2net.com DNSBL page)",
  },
  {
    id: "uceprotect-3",
    name: "UCEPROTECT Level 3 (the whole provider, by AS)",
    dnsbl: true,
    zones: ["dnsbl-3.uceprotect.net"],
    lookup: () => "https://www.uceprotect.net/en/rblcheck.php",
    typicalListing:
      "while the provider's network has too many Level 1 listings in 7 days; the relay itself may be clean",
    typicalListingSeconds: 7 * DAY,
    source: "uceprotect.net Level 3 (ASN-wide) rules",
  },
  {
    id: "sorbs",
    name: "SORBS (closed June 2024)",
    dnsbl: true,
    zones: ["dnsbl.sorbs.net"],
    lookup: () => "https://www.sorbs.net/ (closed June 2024: the receiver still queries a dead list)",
    typicalListing: "SORBS closed in June 2024; a rejection naming it means the receiver's configuration is stale",
    typicalListingSeconds: null,
    source: "docs/DOMAIN.md (SORBS closed June 2024)",
  },
  {
    id: "microsoft",
    name: "Microsoft (Outlook.com / Microsoft 365 sender reputation)",
    dnsbl: false,
    zones: [],
    lookup: () => "https://sender.office.com/",
    typicalListing:
      "until a delist request (sender.office.com) is granted, usually within 24–48 h; 5.7.511 needs an e-mail to delist@microsoft.com",
    typicalListingSeconds: 2 * DAY,
    source:
      "learn.microsoft.com 'Use the delist portal to remove yourself from the blocked senders list' (5.7.606–649, 5.7.511); hetzner docs 'Microsoft Blacklist' (S3140, S3150)",
  },
  {
    id: "yahoo",
    name: "Yahoo (sender reputation)",
    dnsbl: false,
    zones: [],
    lookup: () => "https://senders.yahooinc.com/smtp-error-codes",
    typicalListing:
      "temporary deferrals (TS/TSS codes) usually clear within hours once the traffic stops; Yahoo says do not resend until fixed",
    typicalListingSeconds: 6 * HOUR,
    source:
      "Yahoo help SLN3436/SLN3437 ('421 4.7.1 [TS03] … permanently deferred', '421 4.7.0 [TSS04] … temporarily deferred')",
  },
  {
    id: "aol",
    name: "AOL (sender reputation, now Yahoo's infrastructure)",
    dnsbl: false,
    zones: [],
    lookup: () => "https://senders.yahooinc.com/smtp-error-codes",
    typicalListing: "unknown; AOL mail now runs on Yahoo's systems",
    typicalListingSeconds: null,
    source:
      "AOL postmaster error list (RTR:BB etc., community.hostcheetah.com copy); docs/DOMAIN.md ('521 … DNSBL:ATTRBL')",
  },
  {
    id: "proofpoint",
    name: "Proofpoint Dynamic Reputation",
    dnsbl: false,
    zones: [],
    lookup: (ip) => withIp("https://ipcheck.proofpoint.com/?ip=", ip),
    typicalListing: "delays clear within minutes; blocks last while spam keeps arriving, then lift automatically",
    typicalListingSeconds: null,
    source: "proofpoint.com/us/support-services/ip-blocked-faq",
  },
  {
    id: "mimecast",
    name: "Mimecast (gateway reputation and policies)",
    dnsbl: false,
    zones: [],
    lookup: () => "https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754",
    typicalListing: "unknown; ask the recipient's administrator",
    typicalListingSeconds: null,
    source: "Mimecast SMTP error code list ('554 Email rejected due to security policies')",
  },
];

const BY_ID = new Map(LISTS.map((l) => [l.id, l]));
const BY_ZONE = new Map(LISTS.flatMap((l) => l.zones.map((z) => [z, l] as const)));

/** The list with this id, if relaysim knows it. */
export function listById(id: string): ListInfo | undefined {
  return BY_ID.get(id);
}

/** The known list behind a DNS zone ("zen.spamhaus.org"), or undefined for other zones. */
export function listByZone(zone: string): ListInfo | undefined {
  const z = zone.toLowerCase().replace(/\.$/, "");
  const exact = BY_ZONE.get(z);
  if (exact) return exact;
  // Sub-zones: "spam.dnsbl.sorbs.net", "combined.njabl.org" stays unknown.
  if (z.endsWith(".dnsbl.sorbs.net")) return BY_ID.get("sorbs");
  if (z.endsWith(".spamhaus.org")) return BY_ID.get("spamhaus-zen");
  return undefined;
}
