// The run behind advise's grid when each wait is a world of its own (shadow-resends.ts,
// `worldsNeeded`: balancers whose picks move their state, such as round-robin's pointer, or read
// the sessions in progress, as least-connections does): the same flow as MailModel, whose first
// submission also hands each world the attempt (sender, domain, time, session length) so that it
// picks, counts and bounces it as a run at its wait does.
// Only for the shapes shadowProblem accepts: every session starts on arrival, no greylisting, no
// attempt records. A class of its own, so the plain loop of every other run pays nothing for it.
import { ALEA_MULTIPLIER, ALEA_UNIT, exponentialFast, exponentialRest } from "../engine/index.js";
import { ARRIVAL, DELIVERED, FIRST, KIND_BITS, KIND_MASK, SHADOW } from "./codes.js";
import type { CompiledScenario } from "./compiled.js";
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
  }

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
   * them: the same draws from the same streams in the same order, the arrival and recipient
   * streams stepped in locals (engine/random.ts's AleaState; nothing else draws from them), the
   * same events scheduled. Unlike that loop it also takes the queued events that fall between
   * arrivals (Simulator.takeQueuedBefore, in run()'s order): here they are mostly the worlds'
   * resends, about one for every two arrivals, so runs of arrivals alone would be short. A copy of
   * the plain loop's draws, kept because it pays: one replication with the own world alone took
   * 17.3 ms through submit() per event and 10.9 ms so (docs/performance.md, branch rrb).
   */
  protected override submit(first: number): void {
    // `+`: a number to the optimiser, so the loop's clock stays an unboxed double.
    let time = +first;
    const simulator = this.simulator;
    const arrivals = this.arrivals;
    const domainTable = this.domainTable;
    const capacity = this.capacity;
    const worlds = this.worlds;
    const board = this.board;
    const tally = this.tally;
    const delay = tally.delay;
    const rate = this.arrivalRate;
    const horizon = this.horizon;
    const senders = this.senders;
    const warmup = this.warmup;
    let id = this.nextMessageId;
    // Arrivals taken without run()'s dispatch while before the heaps' earliest event and the
    // watch's next tick, reported (tookStream) before anything reads the clock, and at the end.
    let budget = simulator.streamBudget();
    let taken = 0;
    const aState = arrivals.state;
    const rState = this.recipients.state;
    let a0 = aState.s0;
    let a1 = aState.s1;
    let a2 = aState.s2;
    let ac = aState.c;
    let r0 = rState.s0;
    let r1 = rState.s1;
    let r2 = rState.s2;
    let rc = rState.c;
    let t = 0;
    // Imported constants and functions as locals (see MailModel's plain loop).
    const multiplier = ALEA_MULTIPLIER;
    const unit = ALEA_UNIT;
    const fastExponential = exponentialFast;
    const deliveredCode = DELIVERED;
    for (;;) {
      t = multiplier * a0 + ac * unit;
      a0 = a1;
      a1 = a2;
      ac = t | 0;
      a2 = t - ac;
      let gap = fastExponential(a2);
      if (!(gap >= 0)) {
        aState.s0 = a0;
        aState.s1 = a1;
        aState.s2 = a2;
        aState.c = ac;
        gap = +exponentialRest(a2, arrivals);
        a0 = aState.s0;
        a1 = aState.s1;
        a2 = aState.s2;
        ac = aState.c;
      }
      const next = time + gap / rate;
      t = multiplier * a0 + ac * unit;
      a0 = a1;
      a1 = a2;
      ac = t | 0;
      a2 = t - ac;
      const sender = Math.floor(a2 * senders);
      t = multiplier * r0 + rc * unit;
      r0 = r1;
      r1 = r2;
      rc = t | 0;
      r2 = t - rc;
      const domain = domainTable.atAlea(r2);
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
      if (!(next < horizon)) break;
      // The worlds' first attempts schedule their bounces' resends: the bound is read after them.
      if (!(next < simulator.streamBound())) {
        // Queued events due first (mostly the worlds' resends) are handled here, as run() would.
        simulator.tookStream(taken, time);
        taken = 0;
        this.nextMessageId = id;
        while (simulator.takeQueuedBefore(next)) {
          const payload = simulator.taken;
          if ((payload & KIND_MASK) === SHADOW) worlds.fire(payload >> KIND_BITS, simulator.now);
          else this.handle(simulator.now, payload);
        }
        budget = simulator.streamBudget();
        if (!(next < simulator.streamBound())) {
          simulator.armStream(next, ARRIVAL);
          break;
        }
      }
      if (taken >= budget) {
        simulator.armStream(next, ARRIVAL);
        break;
      }
      taken++;
      time = next;
    }
    aState.s0 = a0;
    aState.s1 = a1;
    aState.s2 = a2;
    aState.c = ac;
    rState.s0 = r0;
    rState.s1 = r1;
    rState.s2 = r2;
    rState.c = rc;
    simulator.tookStream(taken, time);
    this.nextMessageId = id;
  }
}
