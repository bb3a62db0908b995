// Postfix's per-message exponential backoff (qmgr_active.c): a deferred message waits as long as
// it has been queued, clamped to [minimal_backoff_time, maximal_backoff_time] = [300 s, 4000 s].
import type { RetrySchedule } from "./schedule.js";

/** Postfix `minimal_backoff_time` default (postconf(5); 1000 s before Postfix 2.4). */
export const MINIMAL_BACKOFF_TIME = 300;
/** Postfix `maximal_backoff_time` default (postconf(5)). */
export const MAXIMAL_BACKOFF_TIME = 4000;

/**
 * qmgr_active.c `qmgr_active_done_3_generic`: after a failed attempt at `event_time()` the queue
 * file's time stamp is set to event_time() + delay with delay = event_time() − arrival_time,
 * clamped to [minimal_backoff_time, maximal_backoff_time] ("Since we look at actual time in
 * queue, not time since last delivery attempt, backoff times will be distributed"). So the
 * next age is age + clamp(age, 300, 4000): ages 300, 600, 1200, 2400, 4800, 8800, 12800, … —
 * the age doubles up to the cap, i.e. intervals 300, 300, 600, 1200, 2400, 4000, 4000, …
 *
 * Ignored: the deferred queue is scanned every `queue_run_delay` (300 s), so a real retry
 * happens at the first scan after its time stamp; here it happens at the time stamp itself.
 * `maximal_queue_lifetime` (5 d) is applied by the caller. O(1).
 */
export class PostfixSchedule implements RetrySchedule {
  nextAge(age: number): number {
    const delay = Math.min(Math.max(age, MINIMAL_BACKOFF_TIME), MAXIMAL_BACKOFF_TIME);
    return age + delay;
  }
}
