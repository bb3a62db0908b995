// What the receiver-side rules say in the report and the advice (report/story.ts,
// report/advice-html.ts ask here rather than reading the rules themselves). Formatters come from
// the caller (story.ts's RECEIVER_FORMATS), which also owns the words for a distribution.
import { supremum } from "../engine/index.js";
import type { Blacklist, Dist } from "../scenario/schema.js";

export interface WordFormats {
  percent: (p: number) => string;
  /** A duration in prose ("15 min"). */
  duration: (seconds: number) => string;
}

const largest = (k: number) => (k === 1 ? "the largest domain" : `the ${k} largest domains`);
const runs = (k: number) => (k === 1 ? "runs its" : "run their");

/** Who consults the list, as the subject of "… consult spamcop". */
export function subscriberWords(rule: Blacklist["subscribers"], f: WordFormats): string {
  if (typeof rule === "number") return `${f.percent(rule)} of recipient domains`;
  const except =
    rule.exceptTop > 0
      ? ` (${largest(rule.exceptTop)} ${runs(rule.exceptTop)} own reputation systems and ${rule.exceptTop === 1 ? "does" : "do"} not)`
      : "";
  if (rule.mailShare !== undefined)
    return `recipient domains carrying ${f.percent(rule.mailShare)} of the mail${except}`;
  return `${f.percent(rule.share ?? 0)} of recipient domains${except}`;
}

/** Formatters for the late-listing words: a distribution of durations in prose too. */
export interface LateWordFormats extends WordFormats {
  distribution: (dist: Dist) => string;
}

const isZero = (d: Dist) => "fixed" in d && d.fixed === 0;

/** How late the receivers see the list, for the scenario's sentence; null when they see it at once. */
export function lateListingWords(b: Blacklist, f: LateWordFormats): string | null {
  const parts: string[] = [];
  const p = b.propagation;
  if (p && !(isZero(p.listing) && isZero(p.delisting))) {
    parts.push(
      `see a new ${b.name} listing after ${f.distribution(p.listing)} and a delisting after ${f.distribution(p.delisting)}`,
    );
  }
  const c = b.cache;
  if (c && (c.listed > 0 || c.clean > 0)) {
    parts.push(`cache its answers ("listed" for ${f.duration(c.listed)}, "not listed" for ${f.duration(c.clean)})`);
  }
  return parts.length === 0 ? null : `receivers ${parts.join(" and ")}`;
}

/** The longest a distribution's draws go, or null when unbounded (exponential, lognormal). */
function upTo(d: Dist): number | null {
  if ("fixed" in d) return d.fixed;
  if ("uniform" in d) return d.uniform[1];
  if ("empirical" in d) return supremum(d);
  return null;
}

/**
 * What the receiver side does to the advice, one sentence per list that has something to say:
 * domains that never consult it, and how long a delisting and a listing take to show.
 */
export function receiverAdviceNotes(blacklists: readonly Blacklist[], f: LateWordFormats): string[] {
  const notes: string[] = [];
  for (const b of blacklists) {
    const rule = b.subscribers;
    if (typeof rule !== "number" && rule.exceptTop > 0) {
      notes.push(
        `${capitalise(largest(rule.exceptTop))} ${rule.exceptTop === 1 ? "does" : "do"} not consult ${b.name} (${rule.exceptTop === 1 ? "it" : "they"} ${runs(rule.exceptTop)} own reputation systems): their mail never bounces for it, whatever the wait, and only the rest of the mail is at stake.`,
      );
    }
    const c = b.cache;
    const p = b.propagation;
    const delist = p ? upTo(p.delisting) : 0;
    const list = p ? upTo(p.listing) : 0;
    if (c && c.listed > 0) {
      const late =
        delist === null
          ? ` plus the ${f.distribution((p as NonNullable<typeof p>).delisting)} the delisting takes to reach them`
          : "";
      const total = delist === null ? c.listed : c.listed + delist;
      notes.push(
        `Receivers cache ${b.name}'s "listed" for ${f.duration(c.listed)}: a relay delisted now still fails for up to ${f.duration(total)}${late} at a domain that looked it up, so resending through it soon after a delisting does not help yet, and a health check that reads the list itself puts it back into rotation while it still fails.`,
      );
    } else if (p && delist !== 0) {
      notes.push(
        `A ${b.name} delisting reaches the receivers after ${f.distribution(p.delisting)}: a relay delisted now still fails until then.`,
      );
    }
    if (c && c.clean > 0) {
      const extra =
        list === null || list === 0 ? "" : ` (after the listing itself takes up to ${f.duration(list)} to reach them)`;
      notes.push(
        `A newly listed relay keeps passing for up to ${f.duration(c.clean)} at domains that cached "not listed"${extra}, so the first bounces of a listing come late and build up.`,
      );
    } else if (p && list !== 0) {
      notes.push(
        `A new ${b.name} listing reaches the receivers after ${f.distribution(p.listing)}: until then its relay still delivers.`,
      );
    }
  }
  return notes;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
