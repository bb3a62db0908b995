// Several recipients per message (DESIGN §2, "Several recipients"): each recipient's domain is
// drawn from the popularity table, and the relay the balancer picked for the submission splits
// the message by domain into one SMTP transaction (a delivery) per distinct domain, as Postfix
// and Exim group a message's recipients by destination (DOMAIN.md). A submission's pass ends
// when each of its deliveries has had its session; the sender then gets one bounce (RFC 3464:
// one DSN, one group of fields per failed recipient) listing the recipients rejected with 5xx,
// and a user resend goes to those recipients only, through one newly picked relay. Deliveries
// deferred with 4xx stay in the relay's queue; one whose queue lifetime runs out bounces alone.
//
// Chosen at construction (compiled.perMessage non-null), so the one-recipient flow is untouched.

import { AliasTable as Alias } from "../engine/alias.js";
import type { AliasTable, Random } from "../engine/index.js";
import { DELIVERED, FIRST, KIND_BITS, REJECTED_5XX, RESEND, USER_RESEND } from "./codes.js";
import type { CompiledScenario } from "./compiled.js";
import { grown } from "./grown.js";
import { MailModel } from "./replication.js";
import type { AttemptSink } from "./sink.js";
import { perMessageStream } from "./streams.js";
import { RecipientTally } from "./tally.js";

export { recipientCountWeights, recipientsPerMessageTable } from "./recipient-counts.js";

/**
 * The bookkeeping above the message table, struct-of-arrays with free lists: letters (a message
 * with all its recipients), passes (one submission of some of its recipients, until its bounce)
 * and, per delivery slot of the MessageTable, its recipients, letter, open pass and bounce link.
 */
export class RecipientBook {
  // Per delivery slot (indexed like MessageTable).
  recipients = new Int32Array(64);
  letterOf = new Int32Array(64);
  /** The pass whose session this delivery is in, or -1 once that session has concluded. */
  passOf = new Int32Array(64);
  /** Next delivery in its pass's list of 5xx-rejected deliveries (-1 ends it). */
  nextBounced = new Int32Array(64);
  // Per letter.
  letterSender = new Int32Array(64);
  letterCounted = new Int32Array(64);
  letterSubmitted = new Float64Array(64);
  /** Deliveries not yet final (delivered, or bounced and not resent). */
  live = new Int32Array(64);
  failedRecipients = new Int32Array(64);
  bouncedOnce = new Int32Array(64);
  /** End of the session that delivered its latest delivery. */
  letterEnd = new Float64Array(64);
  // Per pass.
  passLetter = new Int32Array(64);
  submission = new Int32Array(64);
  outstanding = new Int32Array(64);
  bouncedHead = new Int32Array(64);
  bouncedCount = new Int32Array(64);
  passRejected = new Int32Array(64);
  passEnd = new Float64Array(64);
  /** The user's wait before this pass's resend (for resendFailureByDelay). */
  passDelay = new Float64Array(64);
  private freeLetters: number[] = [];
  private usedLetters = 0;
  private freePasses: number[] = [];
  private usedPasses = 0;

  /** Make room for delivery slot `slot`. */
  ensureSlot(slot: number): void {
    if (slot < this.recipients.length) return;
    const n = Math.max(slot + 1, this.recipients.length * 2);
    this.recipients = grown(this.recipients, n);
    this.letterOf = grown(this.letterOf, n);
    this.passOf = grown(this.passOf, n);
    this.nextBounced = grown(this.nextBounced, n);
  }

  newLetter(sender: number, counted: boolean, time: number): number {
    let l = this.freeLetters.pop();
    if (l === undefined) {
      l = this.usedLetters++;
      if (l === this.live.length) {
        const n = l * 2;
        this.letterSender = grown(this.letterSender, n);
        this.letterCounted = grown(this.letterCounted, n);
        this.letterSubmitted = grown(this.letterSubmitted, n);
        this.live = grown(this.live, n);
        this.failedRecipients = grown(this.failedRecipients, n);
        this.bouncedOnce = grown(this.bouncedOnce, n);
        this.letterEnd = grown(this.letterEnd, n);
      }
    }
    this.letterSender[l] = sender;
    this.letterCounted[l] = counted ? 1 : 0;
    this.letterSubmitted[l] = time;
    this.live[l] = 0;
    this.failedRecipients[l] = 0;
    this.bouncedOnce[l] = 0;
    this.letterEnd[l] = time;
    return l;
  }

  releaseLetter(l: number): void {
    this.freeLetters.push(l);
  }

  newPass(letter: number, submission: number): number {
    let p = this.freePasses.pop();
    if (p === undefined) {
      p = this.usedPasses++;
      if (p === this.outstanding.length) {
        const n = p * 2;
        this.passLetter = grown(this.passLetter, n);
        this.submission = grown(this.submission, n);
        this.outstanding = grown(this.outstanding, n);
        this.bouncedHead = grown(this.bouncedHead, n);
        this.bouncedCount = grown(this.bouncedCount, n);
        this.passRejected = grown(this.passRejected, n);
        this.passEnd = grown(this.passEnd, n);
        this.passDelay = grown(this.passDelay, n);
      }
    }
    this.passLetter[p] = letter;
    this.submission[p] = submission;
    this.outstanding[p] = 0;
    this.bouncedHead[p] = -1;
    this.bouncedCount[p] = 0;
    this.passRejected[p] = 0;
    this.passEnd[p] = 0;
    return p;
  }

  releasePass(p: number): void {
    this.freePasses.push(p);
  }

  /** Letters and passes in use (both 0 once a replication has drained). */
  get lettersInFlight(): number {
    return this.usedLetters - this.freeLetters.length;
  }
  get passesInFlight(): number {
    return this.usedPasses - this.freePasses.length;
  }
}

/** The class withRecipients makes: a MailModel that also shows its recipient bookkeeping. */
/** MailModel with messages of several recipients, one attempt per recipient domain. */
export class RecipientsModel extends MailModel {
  readonly book = new RecipientBook();
  private readonly counts: AliasTable;
  /** Recipient counts and the domains of second and later recipients. */
  private readonly extra: Random;
  private readonly perRecipient = new RecipientTally();
  /** Per domain: the message number that last used it and that message's delivery for it (grouping). */
  private readonly domainStamp: Float64Array;
  private readonly domainSlot: Int32Array;
  /** The deliveries of the message being split, in order of their domains' first recipient. */
  private readonly split: Int32Array;

  constructor(
    compiled: CompiledScenario,
    seed: number,
    replication: number,
    sink: AttemptSink | null = null,
    probes: readonly number[] | null = null,
  ) {
    // Shadow resends refuse several recipients themselves (shadowProblem), when probes are asked for.
    super(compiled, seed, replication, sink, probes);
    this.counts = compiled.perMessage ?? new Alias([1]);
    this.extra = perMessageStream(seed, replication);
    this.tally.recipients = this.perRecipient;
    const domains = compiled.scenario.recipients.domains;
    this.domainStamp = new Float64Array(domains).fill(-1);
    this.domainSlot = new Int32Array(domains);
    this.split = new Int32Array(this.counts.size);
  }

  /** A new message: its recipients' domains, one delivery per distinct domain, all through one relay. */
  protected override submit(time: number): void {
    this.scheduleNextArrival(time);
    const sender = Math.floor(this.arrivals.next() * this.senders);
    // The first recipient's domain comes from the one-recipient model's stream (common random numbers).
    const first = this.domainTable.sample(this.recipients);
    const counted = time >= this.warmup;
    const id = this.nextMessageId++;
    if (counted) this.tally.messages++;
    const server = this.pickServer(sender, time, FIRST);
    const n = this.counts.sample(this.extra) + 1;
    const b = this.book;
    const letter = b.newLetter(sender, counted, time);
    const pass = b.newPass(letter, 1);
    let deliveries = 0;
    for (let r = 0; r < n; r++) {
      const domain = r === 0 ? first : this.domainTable.sample(this.extra);
      if (this.domainStamp[domain] === id) {
        b.recipients[this.domainSlot[domain]]++;
        continue;
      }
      const slot = this.newMessage(id, sender, domain, time, counted);
      b.ensureSlot(slot);
      b.recipients[slot] = 1;
      b.letterOf[slot] = letter;
      b.passOf[slot] = pass;
      this.domainStamp[domain] = id;
      this.domainSlot[domain] = slot;
      this.split[deliveries++] = slot;
    }
    b.live[letter] = deliveries;
    b.outstanding[pass] = deliveries;
    if (counted) {
      this.perRecipient.recipients += n;
      this.perRecipient.domains += deliveries;
    }
    // Every delivery exists before the first starts: a pass ends only when all have had their session.
    for (let i = 0; i < deliveries; i++) this.beginAttempt(this.split[i], server, time, FIRST);
  }

  /** Counted here per pass (conclude), not per attempt. */
  protected override countSubmission(_slot: number, _kind: number, _rejected: boolean): void {}

  protected override conclude(slot: number, start: number, end: number, outcome: number): void {
    const b = this.book;
    const pass = b.passOf[slot];
    if (pass < 0) {
      // An MTA retry of a delivery deferred in an earlier pass.
      if (outcome === DELIVERED) this.delivered(slot, end);
      else if (outcome === REJECTED_5XX && !this.requeueBlocked) this.bounce(slot, end);
      else super.conclude(slot, start, end, outcome);
      return;
    }
    b.passOf[slot] = -1;
    if (end > b.passEnd[pass]) b.passEnd[pass] = end;
    const rejected = outcome !== DELIVERED;
    if (this.messages.counted[slot] === 1) {
      const c = b.recipients[slot];
      const t = this.perRecipient;
      if (b.submission[pass] === 1) {
        if (rejected) t.firstRejected += c;
      } else {
        t.resent += c;
        if (rejected) t.resentRejected += c;
      }
      if (rejected && b.passRejected[pass] === 0 && b.submission[pass] === 1) this.tally.firstRejected++;
    }
    if (rejected) b.passRejected[pass] = 1;
    if (outcome === DELIVERED) {
      this.delivered(slot, end);
    } else if (outcome === REJECTED_5XX && !this.requeueBlocked) {
      b.nextBounced[slot] = b.bouncedHead[pass];
      b.bouncedHead[pass] = slot;
      b.bouncedCount[pass]++;
    } else {
      // 4xx (or a requeued blocklist 5xx): queued and retried by the relay's MTA, outside the pass.
      super.conclude(slot, start, end, outcome);
    }
    if (--b.outstanding[pass] === 0) this.passEnded(pass);
  }

  /** A deferred delivery bounced on its own (5xx on an MTA retry, or its queue lifetime ran out): its own DSN. */
  protected override bounce(slot: number, time: number): void {
    const b = this.book;
    const pass = b.newPass(b.letterOf[slot], this.messages.submissions[slot]);
    b.bouncedHead[pass] = slot;
    b.nextBounced[slot] = -1;
    b.bouncedCount[pass] = 1;
    this.notify(pass, time);
  }

  /** A user resend of a bounce's recipients: one pick, one delivery per bounced domain. */
  protected override resubmit(pass: number, time: number): void {
    const b = this.book;
    const m = this.messages;
    const submission = ++b.submission[pass];
    let slot = b.bouncedHead[pass];
    b.outstanding[pass] = b.bouncedCount[pass];
    b.bouncedHead[pass] = -1;
    b.bouncedCount[pass] = 0;
    b.passRejected[pass] = 0;
    b.passEnd[pass] = time;
    for (let s = slot; s >= 0; s = b.nextBounced[s]) {
      b.passOf[s] = pass;
      m.submissions[s] = submission;
      m.attempts[s]++;
    }
    const server = this.pickServer(b.letterSender[b.passLetter[pass]], time, USER_RESEND);
    while (slot >= 0) {
      // Read the link first: the delivery's session may put it back on the pass's bounce list.
      const next = b.nextBounced[slot];
      this.beginAttempt(slot, server, time, USER_RESEND);
      slot = next;
    }
  }

  /** Every delivery of the pass has had its session: count a resend's outcome, then the bounce if any. */
  private passEnded(pass: number): void {
    const b = this.book;
    const letter = b.passLetter[pass];
    const submission = b.submission[pass];
    if (submission >= 2 && b.letterCounted[letter] === 1) {
      this.tally.resend(b.passDelay[pass], b.passRejected[pass] === 1, submission === 2);
    }
    if (b.bouncedCount[pass] === 0) b.releasePass(pass);
    else this.notify(pass, b.passEnd[pass]);
  }

  /** The sender gets one bounce at `time` listing the pass's rejected recipients: resend them later, or give up. */
  private notify(pass: number, time: number): void {
    const b = this.book;
    const letter = b.passLetter[pass];
    const counted = b.letterCounted[letter] === 1;
    if (b.bouncedOnce[letter] === 0) {
      b.bouncedOnce[letter] = 1;
      if (counted) this.tally.bounced++;
    }
    const resend =
      b.submission[pass] < this.maxSubmissions &&
      (this.resendProbability >= 1 || this.streams.resend.next() < this.resendProbability);
    if (resend) {
      const after = this.compiled.resendAfter.sample(this.streams.resend);
      b.passDelay[pass] = after;
      this.simulator.schedule(time + after, (pass << KIND_BITS) | RESEND);
      return;
    }
    let slot = b.bouncedHead[pass];
    b.releasePass(pass);
    while (slot >= 0) {
      const next = b.nextBounced[slot];
      const c = b.recipients[slot];
      if (counted) this.perRecipient.failed += c;
      b.failedRecipients[letter] += c;
      this.messages.release(slot);
      this.final(letter);
      slot = next;
    }
  }

  /** A delivery's recipients are delivered at `end`. */
  private delivered(slot: number, end: number): void {
    const b = this.book;
    const letter = b.letterOf[slot];
    if (b.letterCounted[letter] === 1) this.perRecipient.delivered += b.recipients[slot];
    if (end > b.letterEnd[letter]) b.letterEnd[letter] = end;
    this.messages.release(slot);
    this.final(letter);
  }

  /**
   * One more of the letter's deliveries is final; after the last, the message counts as delivered
   * (every recipient delivered; its delay runs to the last delivery) or failed (any recipient failed).
   */
  private final(letter: number): void {
    const b = this.book;
    if (--b.live[letter] > 0) return;
    if (b.letterCounted[letter] === 1) {
      if (b.failedRecipients[letter] > 0) {
        this.tally.failed++;
      } else {
        this.tally.delivered++;
        this.tally.delay.add(b.letterEnd[letter] - b.letterSubmitted[letter]);
      }
    }
    b.releaseLetter(letter);
  }
}
