// First submissions for a pool whose relays track or limit their sessions (Channels,
// TrackedSessions): MailModel.submit() for a run of arrivals in one loop, as plainArrivals does
// for the unlimited shape, plus the queued attempts' session starts that fall between two
// arrivals. With a capacity, about a third of a busy pool's attempts wait for a session, each
// an ATTEMPT_START event (or a SESSION_WAKE of its server); handling those here instead of
// returning to Simulator.run() for each keeps the runs of arrivals long, so the loop's set-up
// (its locals) and the simulator's dispatch are paid per run, not per message.
//
// Same draws from the same streams in the same order as submit() (arrival gap, sender, the
// recipient's domain, the pick's stream, the session length in the regime's arrive()), the same
// calls to the regime, the same counts, the same events in the same order: only the dispatch
// and the counters' homes differ. test/model/capacity/arrivals.equivalence.test.ts holds it to
// submit() through the simulator's dispatch.
import { type AliasTable, exponential, type Random, type Simulator } from "../../engine/index.js";
import type { Balancer } from "../balancers/balancer.js";
import { ARRIVAL, ATTEMPT_START, DELIVERED, FIRST, KIND_BITS, KIND_MASK } from "../codes.js";
import type { ListingBoard } from "../listing-board.js";
import type { MessageTable } from "../messages.js";
import type { Tally } from "../tally.js";
import { Channels } from "./channels.js";
import type { CapacityRegime } from "./regime.js";

/** The mail flow's side of the loop: what submit() does out of its fast path, and a session's start. */
export interface ArrivalFlow {
  /** A first attempt whose session does not start now: a message slot, and its wait (submit()'s slow path). */
  firstWaits(
    id: number,
    sender: number,
    domain: number,
    server: number,
    time: number,
    start: number,
    counted: boolean,
  ): void;
  /** A first attempt rejected at once: a message slot, then what follows the attempt. */
  firstRejected(
    id: number,
    sender: number,
    domain: number,
    server: number,
    time: number,
    duration: number,
    outcome: number,
    counted: boolean,
  ): void;
  /** A queued attempt's session starts (ATTEMPT_START). */
  startSession(slot: number, server: number, time: number, duration: number): void;
  /** Any other queued event (never an arrival: those come from the stream), as Simulator.run() hands it over. */
  handle(time: number, payload: number): void;
}

/** What the loop reads and moves: the replication's parts it shares with the mail flow. */
export interface ArrivalParts {
  readonly simulator: Simulator;
  readonly arrivals: Random;
  readonly recipients: Random;
  readonly domains: AliasTable;
  readonly balancer: Balancer;
  /** The first attempts' pick stream. */
  readonly picks: Random;
  readonly board: ListingBoard;
  readonly tally: Tally;
  readonly capacity: CapacityRegime;
  readonly messages: MessageTable;
  /** Messages a second, all senders. */
  readonly rate: number;
  readonly horizon: number;
  readonly senders: number;
  readonly warmup: number;
}

export class RegimeArrivals {
  /** Channels with a fixed session length (its ring of sessions): runRing(); null for the general loop. */
  private readonly ring: Channels | null;

  constructor(
    private readonly parts: ArrivalParts,
    private readonly flow: ArrivalFlow,
  ) {
    const capacity = parts.capacity;
    this.ring = capacity instanceof Channels && capacity.heads !== null ? capacity : null;
  }

  /**
   * The arrival at `time` (message number `id`) and every following one, with the queued
   * attempts' starts between them, while each is the simulator's next event; returns the next
   * message number. The arrival it stops before is armed (Simulator.continueStream).
   */
  run(time: number, id: number): number {
    if (this.ring !== null) return this.runRing(this.ring, time, id);
    const p = this.parts;
    const flow = this.flow;
    const simulator = p.simulator;
    const arrivals = p.arrivals;
    const recipients = p.recipients;
    const domains = p.domains;
    const balancer = p.balancer;
    const picks = p.picks;
    const board = p.board;
    const capacity = p.capacity;
    const tally = p.tally;
    const delay = tally.delay;
    const rate = p.rate;
    const horizon = p.horizon;
    const senders = p.senders;
    const warmup = p.warmup;
    const serverAttempts = tally.serverAttempts;
    const serverRejections = tally.serverRejections;
    const bucketAttempts = tally.bucketAttempts;
    const bucketRejections = tally.bucketRejections;
    const bucketWidth = tally.bucketWidth;
    const buckets = tally.buckets;
    // Counters only the flow's integer sums move, kept in locals and added once at the end
    // (the events handled in between add to the same sums: integers, so the order is free).
    let messageCount = 0;
    let delivered = 0;
    let attempts = 0;
    for (;;) {
      // submit(): the next arrival's draw first, armed (or taken) after this message.
      const next = time + exponential(arrivals) / rate;
      const sender = Math.floor(arrivals() * senders);
      const domain = domains.sample(recipients);
      const counted = time >= warmup;
      if (counted) messageCount++;
      capacity.beforePick(time);
      const server = balancer.pick(sender, time, picks);
      const start = capacity.arrive(server, time, FIRST, counted);
      const duration = capacity.length;
      if (start !== time) {
        flow.firstWaits(id, sender, domain, server, time, start, counted);
      } else {
        const outcome = board.outcome(domain, server, time);
        const rejected = outcome !== DELIVERED;
        // Tally.countAttempt, written out.
        if (counted) {
          attempts++;
          serverAttempts[server]++;
          if (rejected) serverRejections[server]++;
        }
        const bucket = Math.floor(time / bucketWidth);
        if (bucket < buckets) {
          bucketAttempts[bucket]++;
          if (rejected) bucketRejections[bucket]++;
        }
        if (rejected) flow.firstRejected(id, sender, domain, server, time, duration, outcome, counted);
        else if (counted) {
          delivered++;
          // The delay is the session itself (submit(): `end - time` would round it).
          delay.add(duration);
        }
      }
      id++;
      if (!(next < horizon)) break;
      // The next arrival, unless queued events come first: then those (drain), and the arrival
      // after them if it is still the next event.
      if (!simulator.continueStream(next, ARRIVAL) && !this.drain(next)) break;
      time = next;
    }
    tally.messages += messageCount;
    tally.delivered += delivered;
    tally.attempts += attempts;
    return id;
  }

  /**
   * run() for Channels with a fixed session length: its arrive() written out (the ring: a
   * relay's session free soonest is its ring's head), and the waits too. A first attempt that
   * must wait takes its message slot and its ATTEMPT_START here (firstWaits, written out); at
   * its start, when it is delivered, its counts and its delay are taken here too (startSession
   * for a first attempt under Channels: no greylisting and no records on this path, and
   * Channels' sessionStarted does nothing). Anything else — a rejection, a resend's or retry's
   * start, every other event — goes to the flow as before.
   */
  private runRing(ring: Channels, time: number, id: number): number {
    const p = this.parts;
    const flow = this.flow;
    const simulator = p.simulator;
    const arrivals = p.arrivals;
    const recipients = p.recipients;
    const domains = p.domains;
    const balancer = p.balancer;
    const picks = p.picks;
    const board = p.board;
    const messages = p.messages;
    const tally = p.tally;
    const delay = tally.delay;
    const rate = p.rate;
    const horizon = p.horizon;
    const senders = p.senders;
    const warmup = p.warmup;
    const serverAttempts = tally.serverAttempts;
    const serverRejections = tally.serverRejections;
    const bucketAttempts = tally.bucketAttempts;
    const bucketRejections = tally.bucketRejections;
    const bucketWidth = tally.bucketWidth;
    const buckets = tally.buckets;
    const freeAt = ring.freeAt;
    const heads = ring.heads as Int32Array;
    const size = ring.capacity;
    const duration = ring.fixedLength;
    const serverBusy = tally.serverBusy;
    const serverSessions = tally.serverSessions;
    const serverWait = tally.serverWait;
    const busyFrom = tally.warmup;
    const busyTo = tally.horizon;
    // Counters only the flow's integer sums move, kept in locals and added once at the end
    // (the events handled in between add to the same sums: integers, so the order is free).
    let messageCount = 0;
    let delivered = 0;
    let attempts = 0;
    ring.length = duration;
    for (;;) {
      // submit(): the next arrival's draw first, armed (or taken) after this message.
      const next = time + exponential(arrivals) / rate;
      const sender = Math.floor(arrivals() * senders);
      const domain = domains.sample(recipients);
      const counted = time >= warmup;
      if (counted) messageCount++;
      // Channels.beforePick does nothing.
      const server = balancer.pick(sender, time, picks);
      // Channels.arrive for a fixed length: the ring's head is the session free soonest.
      const head = heads[server];
      const session = server * size + head;
      heads[server] = head + 1 === size ? 0 : head + 1;
      const start = Math.max(freeAt[session], time);
      const end = start + duration;
      freeAt[session] = end;
      // Tally.addBusyTime and countSession.
      const lo = Math.max(start, busyFrom);
      const hi = Math.min(end, busyTo);
      if (hi > lo) serverBusy[server] += hi - lo;
      if (counted) {
        serverSessions[server]++;
        serverWait[server] += start - time;
      }
      if (start !== time) {
        // MailModel.firstWaits → newMessage, waitForSession (start > time): a slot and its start event.
        const slot = messages.allocate();
        messages.sender[slot] = sender;
        messages.domain[slot] = domain;
        messages.submissions[slot] = 1;
        messages.attempts[slot] = 1;
        messages.firstSubmitted[slot] = time;
        messages.id[slot] = id;
        messages.counted[slot] = counted ? 1 : 0;
        messages.server[slot] = server;
        messages.pendingKind[slot] = FIRST;
        messages.queuedAt[slot] = time;
        messages.waitingSince[slot] = time;
        messages.duration[slot] = duration;
        simulator.scheduleSoon(start, (slot << KIND_BITS) | ATTEMPT_START);
      } else {
        const outcome = board.outcome(domain, server, time);
        const rejected = outcome !== DELIVERED;
        // Tally.countAttempt, written out.
        if (counted) {
          attempts++;
          serverAttempts[server]++;
          if (rejected) serverRejections[server]++;
        }
        const bucket = Math.floor(time / bucketWidth);
        if (bucket < buckets) {
          bucketAttempts[bucket]++;
          if (rejected) bucketRejections[bucket]++;
        }
        if (rejected) flow.firstRejected(id, sender, domain, server, time, duration, outcome, counted);
        else if (counted) {
          delivered++;
          // The delay is the session itself (submit(): `end - time` would round it).
          delay.add(duration);
        }
      }
      id++;
      if (!(next < horizon)) break;
      // The next arrival, unless queued events come first: then those, as Simulator.run() would
      // hand them over, and the arrival after them if it is still the next event.
      while (!simulator.continueStream(next, ARRIVAL)) {
        if (!simulator.takeQueuedBefore(next)) {
          tally.messages += messageCount;
          tally.delivered += delivered;
          tally.attempts += attempts;
          return id;
        }
        const payload = simulator.taken;
        const now = simulator.now;
        const slot = payload >> KIND_BITS;
        if ((payload & KIND_MASK) !== ATTEMPT_START) flow.handle(now, payload);
        else if (messages.pendingKind[slot] !== FIRST) {
          flow.startSession(slot, messages.server[slot], now, messages.duration[slot]);
        } else {
          // startSession of a first attempt: its outcome by the listings now.
          const at = messages.server[slot];
          const length = messages.duration[slot];
          const outcome = board.outcome(messages.domain[slot], at, now);
          if (outcome !== DELIVERED) flow.startSession(slot, at, now, length);
          else {
            const c = messages.counted[slot] === 1;
            if (c) {
              attempts++;
              serverAttempts[at]++;
            }
            const bucket = Math.floor(now / bucketWidth);
            if (bucket < buckets) bucketAttempts[bucket]++;
            if (c) {
              delivered++;
              // conclude(): the end of the session since the first submission.
              delay.add(now + length - messages.firstSubmitted[slot]);
            }
            messages.release(slot);
          }
        }
      }
      time = next;
    }
    tally.messages += messageCount;
    tally.delivered += delivered;
    tally.attempts += attempts;
    return id;
  }

  /**
   * The arrival at `next` is armed, and a queued event comes first (or the watch's tick): hand
   * over the queued events due by `next` as Simulator.run() would — a queued attempt's session
   * start, the most frequent, without the dispatch — then take the arrival if it is next.
   */
  private drain(next: number): boolean {
    const simulator = this.parts.simulator;
    const messages = this.parts.messages;
    const flow = this.flow;
    while (simulator.takeQueuedBefore(next)) {
      const payload = simulator.taken;
      if ((payload & KIND_MASK) === ATTEMPT_START) {
        const slot = payload >> KIND_BITS;
        flow.startSession(slot, messages.server[slot], simulator.now, messages.duration[slot]);
      } else {
        flow.handle(simulator.now, payload);
      }
    }
    return simulator.continueStream(next, ARRIVAL);
  }
}
