// What the receiver-side rules say in the report and the advice (report/story.ts,
// report/advice-html.ts ask here rather than reading the rules themselves). Formatters come from
// the caller, so the model stays free of presentation code.
import type { Blacklist } from "../../scenario/schema.js";

export interface WordFormats {
  percent: (p: number) => string;
  /** A duration in prose ("15 min"). */
  duration: (seconds: number) => string;
}

const largest = (k: number) => (k === 1 ? "the largest domain" : `the ${k} largest domains`);

/** Who consults the list, as the subject of "… consult spamcop". */
export function subscriberWords(rule: Blacklist["subscribers"], f: WordFormats): string {
  if (typeof rule === "number") return `${f.percent(rule)} of recipient domains`;
  const except = rule.exceptTop > 0 ? ` (${largest(rule.exceptTop)} run their own reputation systems and do not)` : "";
  if (rule.mailShare !== undefined)
    return `recipient domains carrying ${f.percent(rule.mailShare)} of the mail${except}`;
  return `${f.percent(rule.share ?? 0)} of recipient domains${except}`;
}
