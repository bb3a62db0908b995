// qmail's quadratic retry schedule (qmail-send.c), the one in the story's bounce: after a
// temporary failure, the next try is at birth + (⌊√age⌋ + chanskip)², chanskip 20 for remote mail.
import type { RetrySchedule } from "./schedule.js";

/** qmail-send.c `chanskip[]` for the remote channel (10 is the local one). */
const CHANSKIP_REMOTE = 20;

/**
 * qmail-send.c `nextretry(birth, c)`: n = squareroot(recent − birth) + chanskip[c], next try at
 * birth + n². From the first attempt at age 0 that gives ages (20k)²: 400, 1600, 3600, 6400,
 * 10000 s, … For an attempt made later than scheduled (a queued session) the formula applies to
 * its actual age, as qmail-send does with `recent`, so the next age is (⌊√age⌋ + 20)², which is
 * always > age because ⌊√age⌋ + 20 > √age. O(1).
 */
export class QmailSchedule implements RetrySchedule {
  nextAge(age: number): number {
    // qmail-send.c: "if (birth > recent) n = 0".
    if (!(age > 0)) return CHANSKIP_REMOTE * CHANSKIP_REMOTE;
    // qmail's squareroot() is the exact integer square root; Math.sqrt may round up just below a
    // perfect square (age = 1600 − 1e-13 gives 40), so correct r to r² ≤ age < (r + 1)².
    let r = Math.floor(Math.sqrt(age));
    if (r * r > age) r -= 1;
    else if ((r + 1) * (r + 1) <= age) r += 1;
    const n = r + CHANSKIP_REMOTE;
    return n * n;
  }
}
