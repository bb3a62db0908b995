// The run behind advise's grid when each wait is a world of its own (shadow-resends.ts,
// `worldsNeeded`: balancers whose picks move their state, such as round-robin's pointer, or read
// the sessions in progress, as least-connections does): the same flow as MailModel, whose first
// submission also hands each world the attempt (sender, domain, time, session length) so that it
// picks, counts and bounces it as a run at its wait does.
// Only for the shapes shadowProblem accepts: every session starts on arrival, no greylisting, no
// attempt records. MailModel's first submissions for those shapes, as RegimeArrivals is for the
// regimes' (capacity/arrivals.ts): an object MailModel holds, not a subclass, so that a thread
// running both kinds of replication (`sim advise` runs every policy in each thread) sees one class
// of model. As a subclass, every MailModel method compiled for one class was deoptimised ("wrong
// map") when the thread first ran the other, and compiled again: newMessage, resubmit,
// beginAttempt, startSession, bounce, pickServer, Simulator.run with handle inlined…, ~10 a thread
// (docs/performance.md, section tf).
import type { Simulator } from "../engine/index.js";
import type { ArrivalFlow } from "./capacity/arrivals.js";
import type { CapacityRegime } from "./capacity/index.js";
import { ARRIVAL, DELIVERED, FIRST, KIND_BITS, KIND_MASK, SHADOW } from "./codes.js";
import type { ListingBoard } from "./listing-board.js";
import { BLOCK, type LookAhead } from "./look-ahead.js";
import type { ShadowResends } from "./shadow-resends.js";
import type { Tally } from "./tally.js";

/**
 * What the worlds' run calls back in its model (MailModel): the capacity loop's firstRejected and
 * handle (capacity/arrivals.ts's ArrivalFlow), and the balancer's pick.
 */
export interface WorldsFlow extends Pick<ArrivalFlow, "firstRejected" | "handle"> {
  /** The balancer's relay for a first attempt (`kind` FIRST), after the capacity regime's bookkeeping. */
  pickServer(sender: number, time: number, kind: number): number;
}

/** The run's parts the worlds' arrivals read. */
export interface WorldsParts {
  readonly simulator: Simulator;
  readonly capacity: CapacityRegime;
  readonly worlds: ShadowResends;
  readonly board: ListingBoard;
  readonly tally: Tally;
  /** The arrival and recipient streams' draws, taken in blocks (look-ahead.ts; no reading pass). */
  readonly drawsAhead: LookAhead;
  readonly rate: number;
  readonly horizon: number;
  readonly warmup: number;
}

export class WorldsArrivals {
  private readonly simulator: Simulator;
  private readonly capacity: CapacityRegime;
  private readonly worlds: ShadowResends;
  private readonly board: ListingBoard;
  private readonly tally: Tally;
  private readonly drawsAhead: LookAhead;
  private readonly rate: number;
  private readonly horizon: number;
  private readonly warmup: number;
  /** The board's eligibility before a check, to see whether the check changed it. */
  private readonly eligibleBefore: Uint8Array;

  constructor(
    parts: WorldsParts,
    private readonly flow: WorldsFlow,
  ) {
    this.simulator = parts.simulator;
    this.capacity = parts.capacity;
    this.worlds = parts.worlds;
    this.board = parts.board;
    this.tally = parts.tally;
    this.drawsAhead = parts.drawsAhead;
    this.rate = parts.rate;
    this.horizon = parts.horizon;
    this.warmup = parts.warmup;
    this.eligibleBefore = new Uint8Array(this.board.eligible.length);
  }

  /** Before the operator's check: the board's eligibility, to compare after it (checked). */
  beforeCheck(): void {
    this.eligibleBefore.set(this.board.eligible);
  }

  /** After the operator's check: when it changed eligibility, every world's balancer hears of it as the run's does. */
  checked(): void {
    const eligible = this.board.eligible;
    for (let v = 0; v < eligible.length; v++) {
      if (eligible[v] !== this.eligibleBefore[v]) {
        this.worlds.eligibilityChanged();
        return;
      }
    }
  }

  /**
   * MailModel.submit on a pool without session limits, greylisting or records, then the worlds'
   * attempts — for the arrival at `first` (message `firstId`) and every following one, as MailModel's plain loop takes
   * them: the same draws from the same streams in the same order (taken in blocks from a
   * LookAhead, the draws plainArrivalsAhead reads; nothing else draws from those two streams), the
   * same events scheduled. Unlike that loop it also takes the queued events that fall between
   * arrivals (Simulator.takeQueuedBefore, in run()'s order): here they are mostly the worlds'
   * resends, about one for every two arrivals, so runs of arrivals alone would be short. One
   * replication with the own world alone took 17.3 ms through submit() per event and 10.9 ms in a
   * loop (docs/performance.md, branch rrb).
   *
   * The next arrival is armed at one place. Armed at each of the loop's two exits,
   * Simulator.armStream, once inlined into the loop, left its error message's number-to-string
   * conversion on the path of every arrival with a resend due before the next one (in 4 of the 6
   * compilations that inlined it; TurboFan seems to share the two inlined conversions of `next`
   * and place the one left where both exits' paths still meet): a dns worlds replication of
   * round-robin-busy took ~160 ms instead of ~55, and the whole advise 1.2–2× its CPU, in whichever
   * phase had it inlined (docs/performance.md, section la). Simulator.armStream now builds that
   * message out of line (refuse), so no caller's inlining can do it again.
   *
   * Every way out of the loop passes through the block that hands the run's count, clock, draw
   * position and message id back, which the queued events' path runs too. A call takes a whole
   * replication (without a watch it leaves only at the horizon), so V8 compiles the loop on the
   * stack during the first call, before any call has left it: code after the loop had no type
   * feedback, and every later call that entered that cached on-stack code deoptimised on its way
   * out (3–81 times an advise of 18of20; docs/performance.md, section osr). The block has
   * feedback from the first resend on. Returns the next message's id.
   */
  run(first: number, firstId: number): number {
    // `+`: a number to the optimiser, so the loop's clock stays an unboxed double.
    let time = +first;
    const simulator = this.simulator;
    const capacity = this.capacity;
    const worlds = this.worlds;
    const board = this.board;
    const tally = this.tally;
    const delay = tally.delay;
    const rate = this.rate;
    const flow = this.flow;
    const horizon = this.horizon;
    const warmup = this.warmup;
    let id = firstId;
    // Arrivals taken without run()'s dispatch while before the heaps' earliest event and the
    // watch's next tick, reported (tookStream) before anything reads the clock, and at the end.
    let budget = simulator.streamBudget();
    let taken = 0;
    const ahead = this.drawsAhead;
    const gaps = ahead.gaps;
    const aheadSenders = ahead.senders;
    const aheadDomains = ahead.domains;
    let position = ahead.position;
    const deliveredCode = DELIVERED;
    let next = time;
    for (;;) {
      if (position === BLOCK) {
        ahead.fill();
        position = 0;
      }
      next = time + gaps[position] / rate;
      const sender = aheadSenders[position];
      const domain = aheadDomains[position];
      position++;
      const counted = time >= warmup;
      if (counted) tally.messages++;
      const server = flow.pickServer(sender, time, FIRST);
      const start = capacity.arrive(server, time, FIRST, counted);
      // Tracked sessions (least-connections) without a limit start on arrival too: their regime
      // defers a start only when `time + (end − time)` would not give back `end`, which rounding to
      // nearest never does for non-negative times and lengths.
      if (start !== time) throw new Error("shadow worlds: a session did not start on arrival");
      const duration = +capacity.length;
      worlds.firstAttempt(sender, domain, counted, time, duration);
      const outcome = board.outcome(domain, server, time);
      tally.countAttempt(time, server, outcome !== deliveredCode, counted);
      if (outcome !== deliveredCode) {
        simulator.tookStream(taken, time);
        budget -= taken;
        taken = 0;
        flow.firstRejected(id, sender, domain, server, time, duration, outcome, counted);
      } else if (counted) {
        tally.delivered++;
        delay.add(duration);
      }
      id++;
      // Every way out of the loop passes through this block (see above).
      if (!(next < horizon) || !(next < simulator.streamBound()) || taken >= budget) {
        ahead.position = position;
        simulator.tookStream(taken, time);
        budget -= taken;
        taken = 0;
        if (!(next < horizon)) return id;
        // The worlds' first attempts schedule their bounces' resends: the bound is read after them.
        if (!(next < simulator.streamBound())) {
          // Queued events due first (mostly the worlds' resends) are handled here, as run() would.
          while (simulator.takeQueuedBefore(next)) {
            const payload = simulator.taken;
            if ((payload & KIND_MASK) === SHADOW) worlds.fire(payload >> KIND_BITS, simulator.now);
            else flow.handle(simulator.now, payload);
          }
          budget = simulator.streamBudget();
        }
        if (!(next < simulator.streamBound()) || budget <= 0) {
          simulator.armStream(next, ARRIVAL);
          return id;
        }
      }
      taken++;
      time = next;
    }
  }
}
