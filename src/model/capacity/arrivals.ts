// First submissions for a pool whose relays track or limit their sessions (Channels,
// TrackedSessions): MailModel.submit() for a run of arrivals in one loop, as plainArrivals does
// for the unlimited shape, plus the queued attempts' session starts that fall between two
// arrivals. With a capacity, about a third of a busy pool's attempts wait for a session, each
// an ATTEMPT_START event (or a SESSION_WAKE of its server); handling those here instead of
// returning to Simulator.run() for each keeps the runs of arrivals long, so the loop's set-up
// (its locals) and the simulator's dispatch are paid per run, not per message.
//
// Three loops, chosen once: runRing for Channels with a fixed session length (the bench's
// `capacity` row), runTracked for TrackedSessions with a fixed length (least-connections), run
// for the rest; each writes out its regime's common case so that the draws, the pick and the
// histogram keep V8's inlining budget (the limit here: raising it makes these loops 15-30 %
// faster). Same draws from the same streams in the same order as submit() (arrival gap, sender,
// the recipient's domain, the pick's stream, the session length in the regime's arrive()), the
// same counts, the same events in the same order (runRing holds its first attempts' waits itself,
// each with the order number its event would have had): only the dispatch and the counters'
// homes differ. test/model/capacity/arrivals.equivalence.test.ts holds it to submit() through
// the simulator's dispatch.
import {
  ALEA_MULTIPLIER,
  ALEA_UNIT,
  type AleaRandom,
  type AliasTable,
  exponential,
  exponentialFast,
  exponentialRest,
  type Simulator,
  slotUntil,
} from "../../engine/index.js";
import type { Balancer } from "../balancers/balancer.js";
import { LeastConnectionsBalancer } from "../balancers/least-connections.js";
import { RandomBalancer } from "../balancers/random.js";
import { ARRIVAL, ATTEMPT_START, DELIVERED, FIRST, KIND_BITS, KIND_MASK } from "../codes.js";
import type { ListingBoard } from "../listing-board.js";
import type { MessageTable } from "../messages.js";
import { bitCount } from "../session-counts.js";
import { FifoSessionEnds } from "../session-ends.js";
import type { Tally } from "../tally.js";
import { Channels } from "./channels.js";
import { FirstWaits } from "./first-waits.js";
import type { CapacityRegime } from "./regime.js";
import { TrackedSessions } from "./tracked-sessions.js";

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
  readonly arrivals: AleaRandom;
  readonly recipients: AleaRandom;
  readonly domains: AliasTable;
  readonly balancer: Balancer;
  /** The first attempts' pick stream. */
  readonly picks: AleaRandom;
  readonly board: ListingBoard;
  readonly tally: Tally;
  readonly capacity: CapacityRegime;
  readonly messages: MessageTable;
  /** Messages a second, all senders. */
  readonly rate: number;
  readonly horizon: number;
  readonly senders: number;
  readonly warmup: number;
  /**
   * Whether a first attempt's wait may be held without a message slot (runRing): not when the
   * slots' order is read (RetryRoutes.moveOffExcluded draws for deferred messages in slot order).
   */
  readonly holdWaits: boolean;
  /**
   * The times of the replication's LIST_ON events (all scheduled at its start), sorted, then
   * Infinity: runRing settles a held wait at its arrival when none falls before its start.
   */
  readonly listingStarts: Float64Array;
}

/**
 * The parts, copied into an object of a class. The replication hands them over as an object
 * literal, and a literal's fields lose their tracked types the second time it is built (V8 keeps a
 * boilerplate from then on): the loops, compiled against the first replication's, were deoptimised
 * at the second one's start. Objects of a class whose fields keep one representation (Simulator,
 * the regimes, the histograms) get the same map and field types in every replication.
 */
class HeldParts implements ArrivalParts {
  readonly simulator: Simulator;
  readonly arrivals: AleaRandom;
  readonly recipients: AleaRandom;
  readonly domains: AliasTable;
  readonly balancer: Balancer;
  readonly picks: AleaRandom;
  readonly board: ListingBoard;
  readonly tally: Tally;
  readonly capacity: CapacityRegime;
  readonly messages: MessageTable;
  readonly rate: number;
  readonly horizon: number;
  readonly senders: number;
  readonly warmup: number;
  readonly holdWaits: boolean;
  readonly listingStarts: Float64Array;
  constructor(p: ArrivalParts) {
    this.simulator = p.simulator;
    this.arrivals = p.arrivals;
    this.recipients = p.recipients;
    this.domains = p.domains;
    this.balancer = p.balancer;
    this.picks = p.picks;
    this.board = p.board;
    this.tally = p.tally;
    this.capacity = p.capacity;
    this.messages = p.messages;
    this.rate = p.rate;
    this.horizon = p.horizon;
    this.senders = p.senders;
    this.warmup = p.warmup;
    this.holdWaits = p.holdWaits;
    this.listingStarts = p.listingStarts;
  }
}

/** Arrivals a loop takes in one call (see RegimeArrivals' `resume`). */
const SLICE = 2048;

export class RegimeArrivals {
  /** Channels with a fixed session length (its ring of sessions): runRing(); null for the general loop. */
  private readonly ring: Channels | null;

  /** The replication's parts (a HeldParts). */
  private readonly parts: ArrivalParts;

  constructor(
    parts: ArrivalParts,
    private readonly flow: ArrivalFlow,
  ) {
    this.parts = new HeldParts(parts);
    const capacity = parts.capacity;
    this.ring = capacity instanceof Channels && capacity.heads !== null ? capacity : null;
    this.tracked =
      capacity instanceof TrackedSessions && capacity.ends instanceof FifoSessionEnds && capacity.lengths.constant
        ? capacity
        : null;
    this.randomPicks = parts.balancer instanceof RandomBalancer ? parts.balancer : null;
    this.settle = parts.holdWaits && parts.board.outcomeBetweenListings;
  }

  /**
   * Whether runRing may settle a held wait at its arrival: the waits are held (no message slot),
   * and the board's outcome moves only at listing changes. An attempt the board delivers as it
   * stands is delivered at any later time before the next listing starts (a delisting only clears
   * a relay's lists). A held wait delivered at its start does nothing then but count — integers,
   * and its delay in the histogram — so when no listing starts before its start it is counted at
   * its arrival: no order number, nothing held. Only the delay sum's order moves (LogHistogram's
   * compensated sum: the same correctly rounded value unless the exact sum lies within about n·ε²
   * of a rounding midpoint).
   */
  private readonly settle: boolean;

  /**
   * runRing's place in `listingStarts`: the first listing start at or after the clock, as far as
   * it looked (one at the clock itself may be handled after the arrival, so it still counts).
   */
  private listing = 0;

  /** Held waits runRing settled at their arrival (see `settle`), this replication. */
  settled = 0;

  /**
   * The balancer when it is `random` (its pick one uniform of the pick stream, RandomBalancer.at):
   * runRing then steps the pick stream in locals; null for any other policy, whose pick draws itself.
   * The loops step the arrival and recipient streams in locals too (engine/random.ts's AleaState):
   * only first submissions draw from these streams and from the first attempts' pick stream, and
   * every first submission is made in these loops while they run, so the locals are written back
   * only before the ziggurat's rare rest (which draws from the stream itself) and when a loop stops.
   */
  private readonly randomPicks: RandomBalancer | null;

  /** TrackedSessions with a fixed session length (its ends a FIFO): runTracked(); null otherwise. */
  private readonly tracked: TrackedSessions | null;

  /**
   * Where runRing or runTracked left off after a slice of SLICE arrivals, the next arrival taken
   * (its time: the clock is there); NaN when the loop stopped (a double from construction on, see
   * Simulator.now). The loops return after each slice
   * so that they are called often: V8 then optimises them as functions, with their stream states,
   * clock and bucket as unboxed doubles. Run as one long call, a loop is compiled on the stack
   * (OSR), where the values at the loop's entry are of unknown type — every double stepped in
   * the loop was then a new heap number (95 bytes a message on `capacity` against 31 before the
   * streams were stepped in locals).
   */
  private resume = Number.NaN;

  /**
   * The loops' (runRing, runTracked) loop-carried doubles — the arrival, recipient and pick streams' states (lags and
   * carry, 0–3, 4–7, 8–11) and the clock (12) — in memory rather than in locals: when V8 runs the
   * loop in code compiled on the stack (OSR, after a deoptimisation at a replication's start) the
   * loop's locals are of unknown type and every double stepped in them became a new heap number
   * (about 64 bytes a message); loads and stores to a typed array never allocate. 13: a held wait's
   * start, for FirstWaits.pushFrom.
   */
  private readonly lanes = new Float64Array(14);

  /** runRing()'s waiting first attempts, between two of its calls always handed to the simulator. */
  private readonly waits = new FirstWaits();

  /**
   * The arrival at `time` (message number `id`) and every following one, with the queued
   * attempts' starts between them, while each is the simulator's next event; returns the next
   * message number. The arrival it stops before is armed (Simulator.continueStream).
   */
  run(time: number, id: number): number {
    if (this.ring !== null || this.tracked !== null) {
      // In slices of at most SLICE arrivals (see `resume`).
      let at = time;
      let next = id;
      for (;;) {
        this.resume = Number.NaN;
        next =
          this.ring !== null
            ? this.runRing(this.ring, at, next)
            : this.runTracked(this.tracked as TrackedSessions, at, next);
        if (!(this.resume >= 0)) return next;
        at = this.resume;
      }
    }
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
      const sender = Math.floor(arrivals.next() * senders);
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
   * must wait is held in FirstWaits (no message slot, no heap event) with the order number
   * scheduleSoon() would have given its ATTEMPT_START (Simulator.nextSeq); between arrivals the
   * held waits, the queued events and the next arrival are taken in Simulator.run()'s order (time,
   * then order number; the stream after queued events at equal times). At its start a held wait
   * delivered is counted here (startSession for a first attempt under Channels: no greylisting
   * and no records on this path, and Channels' sessionStarted does nothing); a rejected one takes
   * the slot firstWaits() would have given it and goes to startSession. Everything else goes to
   * the flow as before. When the message slots' order is read (holdWaits false) waits take their
   * slots as firstWaits() gives them.
   */
  private runRing(ring: Channels, first: number, id: number): number {
    const p = this.parts;
    const flow = this.flow;
    const simulator = p.simulator;
    const arrivals = p.arrivals;
    const domains = p.domains;
    const balancer = p.balancer;
    const picks = p.picks;
    const board = p.board;
    const messages = p.messages;
    const waits = this.waits;
    const hold = p.holdWaits;
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
    const settle = this.settle;
    const listingStarts = p.listingStarts;
    let listing = this.listing;
    let settled = 0;
    // Counters only the flow's integer sums move, kept in locals and added once at the end
    // (the events handled in between add to the same sums: integers, so the order is free).
    let messageCount = 0;
    let delivered = 0;
    let attempts = 0;
    ring.length = duration;
    // The arrival, recipient and (with random balancing) pick streams stepped in locals (see
    // randomPicks): written back before the ziggurat's rare rest and when the loop stops.
    const aState = arrivals.state;
    const rState = p.recipients.state;
    const random = this.randomPicks;
    const pState = picks.state;
    const lane = this.lanes;
    lane[0] = aState.s0;
    lane[1] = aState.s1;
    lane[2] = aState.s2;
    lane[3] = aState.c;
    lane[4] = rState.s0;
    lane[5] = rState.s1;
    lane[6] = rState.s2;
    lane[7] = rState.c;
    lane[8] = pState.s0;
    lane[9] = pState.s1;
    lane[10] = pState.s2;
    lane[11] = pState.c;
    lane[12] = first;
    // Imported constants and functions as locals (imported bindings are read from their module
    // cell, with a check, at every use).
    const multiplier = ALEA_MULTIPLIER;
    const unit = ALEA_UNIT;
    const fastExponential = exponentialFast;
    const deliveredCode = DELIVERED;
    // The time bucket of the last time looked up: every time in [bucketFrom, bucketUntil] has it
    // (engine/slots.ts).
    let bucket = 0;
    let bucketFrom = Number.POSITIVE_INFINITY;
    let bucketUntil = Number.NEGATIVE_INFINITY;
    let slice = 0;
    for (;;) {
      // submit(): the next arrival's draw first, armed (or taken) after this message.
      const time = lane[12];
      let u = 0;
      {
        const s = multiplier * lane[0] + lane[3] * unit;
        lane[0] = lane[1];
        lane[1] = lane[2];
        const c = s | 0;
        lane[3] = c;
        u = s - c;
        lane[2] = u;
      }
      let gap = fastExponential(u);
      if (!(gap >= 0)) {
        aState.s0 = lane[0];
        aState.s1 = lane[1];
        aState.s2 = lane[2];
        aState.c = lane[3] | 0;
        gap = +exponentialRest(u, arrivals);
        lane[0] = aState.s0;
        lane[1] = aState.s1;
        lane[2] = aState.s2;
        lane[3] = aState.c;
      }
      const next = time + gap / rate;
      {
        const s = multiplier * lane[0] + lane[3] * unit;
        lane[0] = lane[1];
        lane[1] = lane[2];
        const c = s | 0;
        lane[3] = c;
        u = s - c;
        lane[2] = u;
      }
      const sender = Math.floor(u * senders);
      {
        const s = multiplier * lane[4] + lane[7] * unit;
        lane[4] = lane[5];
        lane[5] = lane[6];
        const c = s | 0;
        lane[7] = c;
        u = s - c;
        lane[6] = u;
      }
      const domain = domains.at(u);
      const counted = time >= warmup;
      if (counted) messageCount++;
      // Channels.beforePick does nothing.
      let server: number;
      if (random !== null) {
        let v = 0;
        {
          const s = multiplier * lane[8] + lane[11] * unit;
          lane[8] = lane[9];
          lane[9] = lane[10];
          const c = s | 0;
          lane[11] = c;
          v = s - c;
          lane[10] = v;
        }
        server = random.at(v);
      } else server = balancer.pick(sender, time, picks);
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
        if (settle) while (listingStarts[listing] < time) listing++;
        if (
          settle &&
          start < listingStarts[listing] &&
          simulator.streamBudget() >= 1 &&
          board.outcome(domain, server, start) === deliveredCode
        ) {
          // Delivered at its start, and no listing starts before it: settled now (see
          // `settle`), as the held wait's start below would count it — one more event handled,
          // the clock left at the arrival (tookStream).
          simulator.tookStream(1, time);
          settled++;
          if (counted) {
            attempts++;
            serverAttempts[server]++;
          }
          if (!(start <= bucketUntil && start >= bucketFrom)) {
            bucket = Math.floor(start / bucketWidth);
            bucketFrom = start;
            bucketUntil = slotUntil(bucket, 0, bucketWidth);
          }
          if (bucket < buckets) bucketAttempts[bucket]++;
          if (counted) {
            delivered++;
            delay.add(start + duration - time);
          }
        } else if (hold) {
          // Held here, numbered where scheduleSoon() would have numbered its ATTEMPT_START. The
          // start and the submission time handed over in the lanes (13, 12): as arguments of a
          // call that is not inlined, each would be a new heap number.
          lane[13] = start;
          waits.pushFrom(lane, simulator.nextSeq(), id, sender, domain, server, counted);
        } else {
          // lane[12]: the clock, not `time`, in every call that is not inlined (see runTracked).
          flow.firstWaits(id, sender, domain, server, lane[12], start, counted);
        }
      } else {
        const outcome = board.outcome(domain, server, time);
        const rejected = outcome !== deliveredCode;
        // Tally.countAttempt, written out.
        if (counted) {
          attempts++;
          serverAttempts[server]++;
          if (rejected) serverRejections[server]++;
        }
        if (!(time <= bucketUntil && time >= bucketFrom)) {
          bucket = Math.floor(time / bucketWidth);
          bucketFrom = time;
          bucketUntil = slotUntil(bucket, 0, bucketWidth);
        }
        if (bucket < buckets) {
          bucketAttempts[bucket]++;
          if (rejected) bucketRejections[bucket]++;
        }
        if (rejected) flow.firstRejected(id, sender, domain, server, lane[12], duration, outcome, counted);
        else if (counted) {
          delivered++;
          // The delay is the session itself (submit(): `end - time` would round it); mostly the
          // histogram's last value (LogHistogram.addRepeated: add() is not inlined here).
          if (!delay.addRepeated(duration)) delay.add(duration);
        }
      }
      id++;
      if (!(next < horizon)) break;
      // The next arrival, unless a held wait or a queued event comes first: then those, in the
      // order Simulator.run() would hand them over (by time, then order number; the stream after
      // the queued events at equal times), and the arrival after them if it is still next.
      let armed = false;
      for (;;) {
        const queuedAt = simulator.streamBound();
        const waitAt = waits.nextTime;
        if (next < waitAt && next < queuedAt) {
          if (!simulator.continueStream(next, ARRIVAL)) armed = true;
          break;
        }
        if (waitAt < queuedAt || (waitAt === queuedAt && waits.nextSeq < simulator.earliestSeq())) {
          // A held wait's start is the next event (at or before the arrival): takeQueuedBefore's
          // bookkeeping (clock, events handled, the watch's countdown), then startSession's.
          if (simulator.streamBudget() < 1) {
            simulator.armStream(next, ARRIVAL);
            armed = true;
            break;
          }
          simulator.tookStream(1, waitAt);
          const record = waits.pop();
          const at = waits.server[record];
          const outcome = board.outcome(waits.domain[record], at, waitAt);
          if (outcome !== deliveredCode) {
            this.rejectedWait(record, waitAt, duration);
            continue;
          }
          const c = waits.counted[record] === 1;
          if (c) {
            attempts++;
            serverAttempts[at]++;
          }
          if (!(waitAt <= bucketUntil && waitAt >= bucketFrom)) {
            bucket = Math.floor(waitAt / bucketWidth);
            bucketFrom = waitAt;
            bucketUntil = slotUntil(bucket, 0, bucketWidth);
          }
          if (bucket < buckets) bucketAttempts[bucket]++;
          if (c) {
            delivered++;
            // conclude(): the end of the session since the first submission.
            delay.add(waitAt + duration - waits.submitted[record]);
          }
          waits.release(record);
          continue;
        }
        if (!simulator.takeQueuedBefore(next)) {
          simulator.armStream(next, ARRIVAL);
          armed = true;
          break;
        }
        const payload = simulator.taken;
        if ((payload & KIND_MASK) !== ATTEMPT_START) flow.handle(simulator.now, payload);
        else {
          const slot = payload >> KIND_BITS;
          flow.startSession(slot, messages.server[slot], simulator.now, messages.duration[slot]);
        }
      }
      if (armed) break;
      if (++slice === SLICE) {
        // The arrival at `next` is taken (the clock is there): the next call goes on from it.
        this.resume = next;
        break;
      }
      lane[12] = next;
    }
    aState.s0 = lane[0];
    aState.s1 = lane[1];
    aState.s2 = lane[2];
    aState.c = lane[3] | 0;
    rState.s0 = lane[4];
    rState.s1 = lane[5];
    rState.s2 = lane[6];
    rState.c = lane[7] | 0;
    if (random !== null) {
      pState.s0 = lane[8];
      pState.s1 = lane[9];
      pState.s2 = lane[10];
      pState.c = lane[11] | 0;
    }
    this.listing = listing;
    this.settled += settled;
    // One exit for a slice's end and a stop, so that the call has type feedback from the first
    // slice on: a call site reached for the first time in optimised code deoptimises it, and V8
    // then ran the loop in code compiled on the stack (see `resume`) for the whole replication.
    return this.stop(id, messageCount, delivered, attempts);
  }

  /**
   * run() for TrackedSessions with a fixed session length (least-connections): its beforePick()
   * and arrive() written out for a session that starts at once — the ends released (one
   * comparison unless a session ended), the server's queue and count checked, the length
   * `end − time` handed over, the end pushed, busy time and the session counted — so the pick,
   * the draws and the histogram keep the optimiser's inlining budget. An attempt that must wait,
   * or whose `time + (end − time)` would not give back `end`, goes to the regime's own arrive()
   * as before (it releases nothing more at the same time and draws no length: it is fixed).
   */
  private runTracked(tracked: TrackedSessions, first: number, id: number): number {
    const p = this.parts;
    const flow = this.flow;
    const simulator = p.simulator;
    const arrivals = p.arrivals;
    const domains = p.domains;
    const balancer = p.balancer;
    const picks = p.picks;
    const board = p.board;
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
    const serverBusy = tally.serverBusy;
    const serverSessions = tally.serverSessions;
    const busyFrom = tally.warmup;
    const busyTo = tally.horizon;
    const clock = tracked.ends as FifoSessionEnds;
    const sessionCounts = clock.sessions;
    const sessions = tracked.sessions;
    const waiting = tracked.waiting;
    const limit = tracked.capacity;
    const fixed = +tracked.lengths.draw(FIRST);
    // least-connections reads the counts the clock keeps (PoolView.sessions).
    const counts = balancer instanceof LeastConnectionsBalancer ? clock.sessions : null;
    let messageCount = 0;
    let delivered = 0;
    let attempts = 0;
    // The run's arrivals taken without continueStream() while nothing is scheduled, as
    // plainArrivals does: before the queued events' earliest time and the watch's next tick
    // (Simulator.streamBound, streamBudget), reported (tookStream) before anything else reads the
    // clock or schedules. A session that starts at once schedules nothing (its end is lazy).
    let bound = +simulator.streamBound();
    let budget = simulator.streamBudget();
    let taken = 0;
    // The arrival, recipient and (with least-connections) pick streams stepped in locals (see
    // randomPicks): written back before the ziggurat's rare rest and when the loop stops.
    const aState = arrivals.state;
    const rState = p.recipients.state;
    const pState = picks.state;
    const lane = this.lanes;
    lane[0] = aState.s0;
    lane[1] = aState.s1;
    lane[2] = aState.s2;
    lane[3] = aState.c;
    lane[4] = rState.s0;
    lane[5] = rState.s1;
    lane[6] = rState.s2;
    lane[7] = rState.c;
    lane[8] = pState.s0;
    lane[9] = pState.s1;
    lane[10] = pState.s2;
    lane[11] = pState.c;
    lane[12] = first;
    const multiplier = ALEA_MULTIPLIER;
    const unit = ALEA_UNIT;
    const fastExponential = exponentialFast;
    const deliveredCode = DELIVERED;
    let bucket = 0;
    let bucketFrom = Number.POSITIVE_INFINITY;
    let bucketUntil = Number.NEGATIVE_INFINITY;
    let stopped = false;
    let slice = 0;
    for (;;) {
      // submit(): the next arrival's draw first, armed (or taken) after this message.
      // The clock read again from lane[12] (unchanged until the loop's end) wherever a call that is
      // not inlined takes it: with `time` itself in those calls, its conversion to a tagged value
      // was shared by them and placed before their branches, a new heap number at every arrival.
      const time = lane[12];
      let u = 0;
      {
        const s = multiplier * lane[0] + lane[3] * unit;
        lane[0] = lane[1];
        lane[1] = lane[2];
        const c = s | 0;
        lane[3] = c;
        u = s - c;
        lane[2] = u;
      }
      let gap = fastExponential(u);
      if (!(gap >= 0)) {
        aState.s0 = lane[0];
        aState.s1 = lane[1];
        aState.s2 = lane[2];
        aState.c = lane[3] | 0;
        gap = +exponentialRest(u, arrivals);
        lane[0] = aState.s0;
        lane[1] = aState.s1;
        lane[2] = aState.s2;
        lane[3] = aState.c;
      }
      const next = time + gap / rate;
      {
        const s = multiplier * lane[0] + lane[3] * unit;
        lane[0] = lane[1];
        lane[1] = lane[2];
        const c = s | 0;
        lane[3] = c;
        u = s - c;
        lane[2] = u;
      }
      const sender = Math.floor(u * senders);
      {
        const s = multiplier * lane[4] + lane[7] * unit;
        lane[4] = lane[5];
        lane[5] = lane[6];
        const c = s | 0;
        lane[7] = c;
        u = s - c;
        lane[6] = u;
      }
      const domain = domains.at(u);
      const counted = time >= warmup;
      if (counted) messageCount++;
      // TrackedSessions.beforePick: the sessions ended by now released (FifoSessionEnds.release
      // with SessionCounts.remove, written out: as a call it was 13 % of the time, and its
      // argument a heap number each time).
      if (time >= clock.next) {
        const ends = clock.ends;
        const owners = clock.owners;
        const mask = ends.length - 1;
        const chosen = sessionCounts.chosen;
        const byCount = sessionCounts.byCount;
        const atCount = sessionCounts.atCount;
        const words = sessionCounts.words;
        let fewest = sessionCounts.fewest;
        let head = clock.head;
        let size = clock.size;
        while (size > 0 && ends[head] <= time) {
          const v = owners[head];
          const c = sessions[v]--;
          if (chosen[v] !== 0) {
            const w = v >> 5;
            const bit = 1 << (v & 31);
            byCount[c * words + w] ^= bit;
            byCount[(c - 1) * words + w] ^= bit;
            atCount[c]--;
            atCount[c - 1]++;
            if (c - 1 < fewest) fewest = c - 1;
          }
          head = (head + 1) & mask;
          size--;
        }
        sessionCounts.fewest = fewest;
        clock.head = head;
        clock.size = size;
        clock.next = size > 0 ? ends[head] : Number.POSITIVE_INFINITY;
      }
      let server: number;
      if (counts !== null) {
        // LeastConnectionsBalancer.pick: the j-th of the servers tied at the fewest sessions
        // (SessionCounts.nthLeast's first word written out).
        const ties = counts.atCount[counts.fewest];
        const at = counts.fewest * counts.words;
        const x = counts.byCount[at];
        if (ties === 1 && x !== 0) server = 31 - Math.clz32(x & -x);
        else if (ties === 1) server = counts.nthLeast(0);
        else {
          let v = 0;
          {
            const s = multiplier * lane[8] + lane[11] * unit;
            lane[8] = lane[9];
            lane[9] = lane[10];
            const c = s | 0;
            lane[11] = c;
            v = s - c;
            lane[10] = v;
          }
          let j = Math.floor(v * ties);
          if (j >= bitCount(x)) server = counts.nthLeast(j);
          else {
            // nthBit(x, j) written out (as a call it is not inlined here): the j-th set bit without a
            // branch, by the bit counts of the word's halves, bytes, nibbles and pairs.
            const pairs = (x - ((x >>> 1) & 0x55555555)) | 0;
            const nibbles = (pairs & 0x33333333) + ((pairs >>> 2) & 0x33333333);
            const bytes = (nibbles + (nibbles >>> 4)) & 0x0f0f0f0f;
            let n = (bytes + (bytes >>> 8)) & 0xff;
            let up = (n - j - 1) >> 31;
            j -= n & up;
            let bit = 16 & up;
            n = (bytes >>> bit) & 0xff;
            up = (n - j - 1) >> 31;
            j -= n & up;
            bit += 8 & up;
            n = (nibbles >>> bit) & 0xf;
            up = (n - j - 1) >> 31;
            j -= n & up;
            bit += 4 & up;
            n = (pairs >>> bit) & 0x3;
            up = (n - j - 1) >> 31;
            j -= n & up;
            bit += 2 & up;
            n = (x >>> bit) & 1;
            server = bit + (1 & ((n - j - 1) >> 31));
          }
        }
      } else server = balancer.pick(sender, time, picks);
      // TrackedSessions.arrive for a session that fits now (nobody waiting, a free session).
      let start = -1;
      let duration = fixed;
      if (waiting[server] === 0 && sessions[server] < limit) {
        const end = time + fixed;
        duration = end - time;
        if (time + duration === end) {
          start = time;
          clock.push(server, end);
          // Tally.addBusyTime and countSession (a wait of 0).
          const lo = Math.max(time, busyFrom);
          const hi = Math.min(end, busyTo);
          if (hi > lo) serverBusy[server] += hi - lo;
          if (counted) serverSessions[server]++;
        }
      }
      if (start < 0) {
        // `+`: numbers to the optimiser, as every other value of start and duration is. A call's
        // result is of unknown type, which made both variables tagged values, and `start = time`
        // then put the clock in a new heap number at every arrival (the loop allocated 34 bytes a
        // message, 18 after; the same `+` on the bound and the bucket's end below saves 1 more).
        start = +tracked.arrive(server, lane[12], FIRST, counted);
        duration = +tracked.length;
      }
      if (start !== time) {
        simulator.tookStream(taken, lane[12]);
        budget -= taken;
        taken = 0;
        flow.firstWaits(id, sender, domain, server, lane[12], start, counted);
        bound = +simulator.streamBound();
      } else {
        const outcome = board.outcome(domain, server, time);
        const rejected = outcome !== deliveredCode;
        // Tally.countAttempt, written out.
        if (counted) {
          attempts++;
          serverAttempts[server]++;
          if (rejected) serverRejections[server]++;
        }
        if (!(time <= bucketUntil && time >= bucketFrom)) {
          bucket = Math.floor(time / bucketWidth);
          bucketFrom = time;
          bucketUntil = +slotUntil(bucket, 0, bucketWidth);
        }
        if (bucket < buckets) {
          bucketAttempts[bucket]++;
          if (rejected) bucketRejections[bucket]++;
        }
        if (rejected) {
          simulator.tookStream(taken, lane[12]);
          budget -= taken;
          taken = 0;
          flow.firstRejected(id, sender, domain, server, lane[12], duration, outcome, counted);
          bound = +simulator.streamBound();
        } else if (counted) {
          delivered++;
          // The delay is the session itself (submit(): `end - time` would round it).
          delay.add(duration);
        }
      }
      id++;
      if (!(next < horizon)) break;
      if (next < bound && taken < budget && ++slice < SLICE) {
        taken++;
        lane[12] = next;
        continue;
      }
      // A queued event first, or the watch's tick: as run() (continueStream, drain).
      simulator.tookStream(taken, lane[12]);
      taken = 0;
      // (drain() takes the arrival at once when no queued event comes first: one call site, so
      // that it has type feedback before the loop is optimised — see `resume`.)
      if (!this.drain(next)) {
        // Stopped for the watch's tick, with the arrival armed; the clock is the last event's.
        stopped = true;
        break;
      }
      if (slice >= SLICE) {
        // The arrival at `next` is taken (the clock is there): the next call goes on from it.
        this.resume = next;
        stopped = true;
        break;
      }
      bound = +simulator.streamBound();
      budget = simulator.streamBudget();
      lane[12] = next;
    }
    aState.s0 = lane[0];
    aState.s1 = lane[1];
    aState.s2 = lane[2];
    aState.c = lane[3] | 0;
    rState.s0 = lane[4];
    rState.s1 = lane[5];
    rState.s2 = lane[6];
    rState.c = lane[7] | 0;
    if (counts !== null) {
      pState.s0 = lane[8];
      pState.s1 = lane[9];
      pState.s2 = lane[10];
      pState.c = lane[11] | 0;
    }
    // The same statements at every exit (a slice's end included), so that none of them lacks type
    // feedback when the loop is optimised: one first met at a replication's end deoptimised it.
    const last = lane[12];
    simulator.tookStream(stopped ? 0 : taken, stopped ? simulator.now : last);
    tally.messages += messageCount;
    tally.delivered += delivered;
    tally.attempts += attempts;
    return id;
  }

  /**
   * runRing() returns: its counters flushed; when it stops (the last arrival, or the watch's
   * tick; not at a slice's end) the waits it holds are handed to the simulator as firstWaits()
   * would have queued them, each with the order number it was given.
   */
  private stop(id: number, messageCount: number, delivered: number, attempts: number): number {
    const tally = this.parts.tally;
    tally.messages += messageCount;
    tally.delivered += delivered;
    tally.attempts += attempts;
    if (this.resume >= 0) return id;
    const waits = this.waits;
    const simulator = this.parts.simulator;
    const duration = (this.ring as Channels).fixedLength;
    while (waits.size > 0) {
      const start = waits.nextTime;
      const seq = waits.nextSeq;
      const record = waits.pop();
      const slot = this.slotOf(record, duration);
      simulator.scheduleSoonAt(start, seq, (slot << KIND_BITS) | ATTEMPT_START);
    }
    return id;
  }

  /** A held wait rejected at its start (`time`): a message slot as firstWaits() gave it, then startSession. */
  private rejectedWait(record: number, time: number, duration: number): void {
    const slot = this.slotOf(record, duration);
    this.flow.startSession(slot, this.waits.server[record], time, duration);
  }

  /** The message slot firstWaits() would have given a held wait; the record is released. */
  private slotOf(record: number, duration: number): number {
    const waits = this.waits;
    const m = this.parts.messages;
    const slot = m.allocate();
    const submitted = waits.submitted[record];
    m.sender[slot] = waits.sender[record];
    m.domain[slot] = waits.domain[record];
    m.submissions[slot] = 1;
    m.attempts[slot] = 1;
    m.firstSubmitted[slot] = submitted;
    m.id[slot] = waits.id[record];
    m.counted[slot] = waits.counted[record];
    m.server[slot] = waits.server[record];
    m.pendingKind[slot] = FIRST;
    m.queuedAt[slot] = submitted;
    m.waitingSince[slot] = submitted;
    m.duration[slot] = duration;
    waits.release(record);
    return slot;
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
