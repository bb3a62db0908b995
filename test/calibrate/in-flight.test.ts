// The messages in flight: a queue's Map is renewed (copied into a fresh one) as messages come and
// go (evidence.ts, RENEW_MAP), which must not change which message the in-flight cap drops: the
// oldest of its queue, in the order the messages arrived.
import { afterEach, describe, expect, it } from "vitest";
import { Evidence, LIMITS } from "../../src/calibrate/evidence.js";
import { newLineEvent } from "../../src/calibrate/line-event.js";

const cap = LIMITS.inFlight;
afterEach(() => {
  LIMITS.inFlight = cap;
});

/** Queue ids in no order of their own (as Postfix's are not in order of arrival in a Map). */
const Q = (i: number) => `Q${((i * 7919) % 10007).toString(16).toUpperCase()}`;

function attempt(e: Evidence, id: string, time: number, status: "sent" | "deferred"): void {
  const event = newLineEvent();
  Object.assign(event, {
    kind: "attempt",
    time,
    relay: "relay1",
    scope: "relay1",
    message: id,
    recipient: `u${id}@d.example`,
    status,
    reply: status === "deferred" ? "450 4.7.1 try again later" : "",
  });
  e.add(event);
}

describe("messages in flight", () => {
  it("drops the oldest of a queue at the cap, across the Map's renewals", () => {
    LIMITS.inFlight = 300;
    const e = new Evidence();
    // What the queue must hold, oldest first: messages in order of arrival, the oldest dropped at
    // the cap, a removed one taken out.
    const model: string[] = [];
    const queue = () => [
      ...(e as unknown as { inFlight: Map<string, { messages: Map<string, unknown> }> }).inFlight
        .get("relay1")!
        .messages.keys(),
    ];
    const check = () => expect(queue()).toEqual(model);
    const arrive = (id: string) => {
      if (!model.includes(id)) {
        if (model.length >= LIMITS.inFlight) model.shift();
        model.push(id);
      }
    };
    // 2000 messages deferred and never removed (the Map is renewed several times on the way),
    // with 500 delivered and removed among them.
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      attempt(e, Q(i), t++, "deferred");
      arrive(Q(i));
      check();
      if (i % 4 === 0) {
        attempt(e, `D${i}`, t++, "sent");
        arrive(`D${i}`);
        const done = newLineEvent();
        Object.assign(done, { kind: "done", time: t, relay: "relay1", scope: "relay1", message: `D${i}` });
        e.add(done);
        model.splice(model.indexOf(`D${i}`), 1);
        check();
      }
    }
    expect(e.picks).toBe(2500);
    // The newest 300 deferred messages are still in flight: their retries are retries (newest
    // first, so that no retry brings an older one back and drops one of them).
    for (let i = 1999; i >= 1700; i--) attempt(e, Q(i), t++, "sent");
    expect(e.picks).toBe(2500);
    expect(e.retryAges.length).toBe(300);
    // An older one was dropped: its retry is a new submission, which drops the oldest left
    // (the 1700th), whose retry then drops the 1701st; the 1702nd is still in flight.
    attempt(e, Q(1699), t++, "sent");
    expect(e.picks).toBe(2501);
    attempt(e, Q(1700), t++, "sent");
    expect(e.picks).toBe(2502);
    attempt(e, Q(1702), t++, "sent");
    expect(e.picks).toBe(2502);
    attempt(e, Q(1701), t++, "sent");
    expect(e.picks).toBe(2503);
  });
});
