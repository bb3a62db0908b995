// Where the model reports each attempt, for monitors that are not the model's business
// (attempts.csv). The model itself keeps only counters; see tally.ts.

export const OUTCOMES = ["delivered", "rejected-5xx", "rejected-4xx", "greylisted"] as const;
export const ATTEMPT_KINDS = ["first", "resend", "retry"] as const;

/** One attempt as attempts.csv records it (times in seconds). */
export interface AttemptRecord {
  time: number;
  message: number;
  sender: number;
  domain: number;
  server: number;
  /** 1 for the first send, 2 for the first user resend, … */
  submission: number;
  kind: (typeof ATTEMPT_KINDS)[number];
  outcome: (typeof OUTCOMES)[number];
  counted: boolean;
  /** Index in `blacklists` of the list that rejected the attempt (the first matching one); -1 if delivered. */
  list: number;
}

/** Receives every attempt of a replication (e.g. the attempts.csv writer). */
export interface AttemptSink {
  /** Called once per attempt, in time order. The record is reused: copy what you keep. */
  attempt(record: Readonly<AttemptRecord>): void;
}
