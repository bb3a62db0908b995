// The interface every MTA retry schedule implements, in a file of its own so that the schedules
// (exim.ts, postfix.ts, …) and index.ts, which picks one, do not import each other.

/** An MTA's retry schedule for deferred mail (DESIGN §2 "A 4xx rejection"): ages of retries after a failed attempt. */
export interface RetrySchedule {
  /** Age (seconds since the message arrived at the server's queue) of the retry after one at `age`, where the first attempt is at age 0; Infinity if none. */
  nextAge(age: number): number;
}
