// The run behind advise's grid when each wait is a world of its own (shadow-resends.ts,
// `worldsNeeded`: balancers whose picks move their state, such as round-robin's pointer, or read
// the sessions in progress, as least-connections does): the same flow as MailModel, whose first
// submission also hands each world the attempt (sender, domain, time, session length) so that it
// picks, counts and bounces it as a run at its wait does.
// Only for the shapes shadowProblem accepts: every session starts on arrival, no greylisting, no
// attempt records. A class of its own, so the plain loop of every other run pays nothing for it.
import { ARRIVAL, DELIVERED, FIRST, KIND_BITS, KIND_MASK, SHADOW } from "./codes.js";
import type { CompiledScenario } from "./compiled.js";
import { BLOCK, LookAhead } from "./look-ahead.js";
import { MailModel } from "./replication.js";
import type { ShadowResends } from "./shadow-resends.js";
import type { AttemptSink } from "./sink.js";

export class ShadowWorldsModel extends MailModel {
  private readonly worlds: ShadowResends;

  constructor(
    compiled: CompiledScenario,
    seed: number,
    replication: number,
    sink: AttemptSink | null,
    probes: readonly number[],
  ) {
    if (sink !== null) throw new RangeError("shadow worlds: attempt records are not supported with shadow waits");
    super(compiled, seed, replication, null, probes);
    if (this.shadow === null || !this.shadow.firstAttempts) {
      throw new RangeError("shadow worlds: the scenario's balancer keeps no state of its own (use MailModel)");
    }
    this.worlds = this.shadow;
    this.eligibleBefore = new Uint8Array(this.board.eligible.length);
    this.drawsAhead = new LookAhead(this.arrivals, this.recipients, this.domainTable, this.senders, null, null);
  }

  /** The arrival and recipient streams' draws, taken in blocks (look-ahead.ts; no reading pass). */
  private readonly drawsAhead: LookAhead;

  /** The board's eligibility before a check, to see whether the check changed it. */
  private readonly eligibleBefore: Uint8Array;

  /** The operator's check: when it changes eligibility, every world's balancer hears of it as the run's does. */
  protected override healthCheck(time: number): void {
    const eligible = this.board.eligible;
    this.eligibleBefore.set(eligible);
    super.healthCheck(time);
    for (let v = 0; v < eligible.length; v++) {
      if (eligible[v] !== this.eligibleBefore[v]) {
        this.worlds.eligibilityChanged();
        return;
      }
    }
  }

  /**
   * MailModel.submit on a pool without session limits, greylisting or records, then the worlds'
   * attempts — for the arrival at `time` and every following one, as MailModel's plain loop takes
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
   * feedback from the first resend on.
   */
  protected override submit(first: number): void {
    // `+`: a number to the optimiser, so the loop's clock stays an unboxed double.
    let time = +first;
    const simulator = this.simulator;
    const capacity = this.capacity;
    const worlds = this.worlds;
    const board = this.board;
    const tally = this.tally;
    const delay = tally.delay;
    const rate = this.arrivalRate;
    const horizon = this.horizon;
    const warmup = this.warmup;
    let id = this.nextMessageId;
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
      const server = this.pickServer(sender, time, FIRST);
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
        this.firstRejected(id, sender, domain, server, time, duration, outcome, counted);
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
        this.nextMessageId = id;
        if (!(next < horizon)) return;
        // The worlds' first attempts schedule their bounces' resends: the bound is read after them.
        if (!(next < simulator.streamBound())) {
          // Queued events due first (mostly the worlds' resends) are handled here, as run() would.
          while (simulator.takeQueuedBefore(next)) {
            const payload = simulator.taken;
            if ((payload & KIND_MASK) === SHADOW) worlds.fire(payload >> KIND_BITS, simulator.now);
            else this.handle(simulator.now, payload);
          }
          budget = simulator.streamBudget();
        }
        if (!(next < simulator.streamBound()) || budget <= 0) {
          simulator.armStream(next, ARRIVAL);
          return;
        }
      }
      taken++;
      time = next;
    }
  }
}
