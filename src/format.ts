// How sim writes durations and proportions for people — terminal tables, the progress bar,
// report.html, chart labels, `sim explain`, `sim calibrate` and the web page — so that a number
// reads the same wherever it is shown: a duration in its natural unit, a percentage with the
// precision its size calls for. Browser-safe (no Node APIs). A scenario file's own duration
// syntax ("15m") is another thing: scenario/units.ts writes it, as the inverse of its parser.

import type { Advice } from "./experiment/advise.js";

/** A time unit: seconds are divided by `seconds` and labelled with `label`. */
export interface TimeUnit {
  seconds: number;
  /** Short form for axis titles, labels and tables: "s", "min", "h", "d". */
  label: string;
  /** Long plural form for prose: "minutes". */
  words: string;
}

export const SECOND: TimeUnit = { seconds: 1, label: "s", words: "seconds" };
export const MINUTE: TimeUnit = { seconds: 60, label: "min", words: "minutes" };
export const HOUR: TimeUnit = { seconds: 3600, label: "h", words: "hours" };
export const DAY: TimeUnit = { seconds: 86_400, label: "d", words: "days" };

/** The largest unit in which `maxSeconds` is still at least `atLeast` units (2 by default). */
export function unitFor(maxSeconds: number, atLeast = 2): TimeUnit {
  for (const unit of [DAY, HOUR, MINUTE]) if (maxSeconds >= atLeast * unit.seconds) return unit;
  return SECOND;
}

/** Up to 3 significant digits, trailing zeros dropped: 2, 13.6, 0.058. */
function short(x: number): string {
  if (x === 0) return "0";
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  const fixed = x.toFixed(Math.abs(x) < 0.1 ? 3 : digits);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** Seconds in their natural unit: "2 s", "13.6 min", "3.2 h", "1.5 d"; "?" for what is not a number. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const unit = unitFor(Math.abs(seconds), 2);
  return `${short(seconds / unit.seconds)} ${unit.label}`;
}

/** A round duration in the largest unit that divides it: 3600 → "1 h", 600 → "10 min", 90 → "90 s". */
export function formatRoundDuration(seconds: number): string {
  for (const unit of [DAY, HOUR, MINUTE]) {
    if (seconds >= unit.seconds && Number.isInteger(seconds / unit.seconds))
      return `${seconds / unit.seconds} ${unit.label}`;
  }
  return formatDuration(seconds);
}

const LONG_UNITS: Array<[number, string]> = [
  [86_400, "day"],
  [3600, "hour"],
  [60, "minute"],
  [1, "second"],
];

/**
 * A duration in words, in the largest unit that divides it: "7 days", "10 minutes"; with
 * `adjective`, the hyphenated form: "10-minute". Non-round values fall back to {@link formatDuration}.
 */
export function durationWords(seconds: number, adjective = false): string {
  for (const [size, word] of LONG_UNITS) {
    const n = seconds / size;
    if (seconds >= size && Number.isInteger(n)) return adjective ? `${n}-${word}` : `${n} ${word}${n === 1 ? "" : "s"}`;
  }
  return formatDuration(seconds);
}

/**
 * Decimals for proportions shown as percentages, so that the largest of them shows at least two
 * significant digits: 1 from 1 % up, 2 from 0.1 %, 3 below.
 */
export function percentDigits(proportions: readonly number[]): number {
  let largest = 0;
  for (const p of proportions) largest = Math.max(largest, Math.abs(p * 100));
  return largest === 0 || largest >= 1 ? 1 : largest >= 0.1 ? 2 : 3;
}

/** A proportion in percent without the sign, with `digits` decimals: 0.124 → "12.4". */
export function percentNumber(p: number, digits = percentDigits([p])): string {
  return (p * 100).toFixed(digits);
}

/**
 * A proportion as a percentage: "17.2 %", "3 %", "0.058 %" — the precision its size calls for,
 * without a trailing ".0" (it claims a precision nobody needs). With `digits`, exactly that many
 * decimals, as a column of a table wants them: formatPercent(1, 1) is "100.0 %".
 */
export function formatPercent(p: number, digits?: number): string {
  if (digits !== undefined) return `${percentNumber(p, digits)} %`;
  return `${percentNumber(p).replace(/\.0$/, "")} %`;
}

/** Two proportions as one range with one precision: "10.2–14.6 %". */
export function formatPercentRange(lo: number, hi: number, digits = percentDigits([lo, hi])): string {
  return `${percentNumber(lo, digits)}–${percentNumber(hi, digits)} %`;
}

/** Number with thousands separators: 21,251. */
export function formatCount(n: number): string {
  return enUsNumber(Math.round(n));
}

/**
 * A number as `toLocaleString("en-US")` writes it ("-1,234,567", "0.123"), written here for safe
 * integers: the first call of toLocaleString builds ICU's number formatter, ~20 ms of a command's
 * main thread, for the one or two counts a report shows.
 */
export function enUsNumber(x: number): string {
  if (!Number.isSafeInteger(x) || Object.is(x, -0)) return x.toLocaleString("en-US");
  const digits = String(Math.abs(x));
  const head = ((digits.length - 1) % 3) + 1;
  let grouped = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return x < 0 ? `-${grouped}` : grouped;
}

/**
 * "30 replications per wait", or for a curve run as placement worlds "5 replications per wait,
 * each over the 10 placement classes of the listed relays": the scenario's own curve, for the
 * terminal and the web page.
 */
export function replicationsPerWait(a: Pick<Advice, "replications" | "policies">): string {
  const own = a.policies.find((p) => p.own);
  const worlds = own?.placements ?? null;
  const each = worlds === null ? "" : `, each over the ${worlds} placement classes of the listed relays`;
  return `${a.replications} replications per wait${each}`;
}
