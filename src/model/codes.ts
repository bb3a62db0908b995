// The integer codes of one replication's hot loop: event kinds packed into the engine's
// integer payloads, attempt kinds and attempt outcomes. Plain numbers, so the loop stores
// them in typed arrays and dispatches on them without allocating.
import type { AttemptRecord } from "./sink.js";

/** Event payloads are (id << KIND_BITS) | kind. */
export const KIND_BITS = 4;
export const KIND_MASK = (1 << KIND_BITS) - 1;
export const ARRIVAL = 0;
export const RESEND = 1;
export const LIST_ON = 2;
export const LIST_OFF = 3;
export const RETRY = 4;
export const SESSION_WAKE = 5;
export const CHECK = 6;
export const EXPIRE = 7;
export const ATTEMPT_START = 8;
/** A shadow resend of advise's grid (shadow-resends.ts); only with probe delays. */
export const SHADOW = 9;

/** Attempt kinds, as stored with a queued attempt and reported in attempt records. */
export const FIRST = 0;
export const USER_RESEND = 1;
export const MTA_RETRY = 2;
export const KIND_NAMES: readonly AttemptRecord["kind"][] = ["first", "resend", "retry"];

/** Outcomes of an attempt. */
export const DELIVERED = 0;
export const REJECTED_5XX = 1;
export const REJECTED_4XX = 2;
/** A 4xx from a greylisting receiver (greylist.ts): deferred like REJECTED_4XX, by no list. */
export const GREYLISTED = 3;
export const OUTCOME_NAMES: readonly AttemptRecord["outcome"][] = [
  "delivered",
  "rejected-5xx",
  "rejected-4xx",
  "greylisted",
];
