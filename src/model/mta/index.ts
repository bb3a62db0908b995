// MTA retry schedules for 4xx rejections (DESIGN §2 "A 4xx rejection"): one file per MTA, all
// behind one allocation-free interface that the replication's hot loop calls once per retry.
import { EximSchedule } from "./exim.js";
import { ExplicitSchedule } from "./explicit.js";
import { PostfixSchedule } from "./postfix.js";
import { QmailSchedule } from "./qmail.js";

/** An MTA's retry schedule for deferred mail (DESIGN §2 "A 4xx rejection"): ages of retries after a failed attempt. */
export interface RetrySchedule {
  /** Age (seconds since the message arrived at the server's queue) of the retry after one at `age`, where the first attempt is at age 0; Infinity if none. */
  nextAge(age: number): number;
}

export type RetrySpec = "qmail" | "postfix" | "exim" | number[];

// The named schedules hold no state, so one instance each serves every replication.
const QMAIL = new QmailSchedule();
const POSTFIX = new PostfixSchedule();
const EXIM = new EximSchedule();

/** The schedule of `mta.retry`. Queue lifetime is the caller's: it bounces a message whose next retry age would exceed it. */
export function retrySchedule(spec: RetrySpec): RetrySchedule {
  if (Array.isArray(spec)) return new ExplicitSchedule(spec);
  switch (spec) {
    case "qmail":
      return QMAIL;
    case "postfix":
      return POSTFIX;
    case "exim":
      return EXIM;
    default:
      throw new RangeError(`unknown retry schedule ${JSON.stringify(spec)}`);
  }
}

/** Bounds retryAges for an unbounded schedule and an infinite lifetime. */
const MAX_RETRIES = 1_000_000;

/** Every retry age below `lifetime` (the first attempt, at age 0, excluded), ascending: for tests and docs. */
export function retryAges(schedule: RetrySchedule, lifetime: number): number[] {
  const ages: number[] = [];
  let age = 0;
  for (;;) {
    const next = schedule.nextAge(age);
    if (!(next > age)) throw new Error(`retry schedule went from age ${age} to ${next}`);
    if (!(next < lifetime)) return ages;
    if (ages.length >= MAX_RETRIES) throw new RangeError(`more than ${MAX_RETRIES} retries below ${lifetime} s`);
    ages.push(next);
    age = next;
  }
}
