// Whether a thread has met objects of more than one class at the call sites its hot loops share
// (replication.ts's balancers, shadow-resends.ts's worlds). V8 compiles such a call inlined behind
// a check of the classes seen so far, and each new class deoptimises the loop and has it compiled
// again; once a second class is seen, the callers switch to a plain call (`Function.prototype.call`)
// that stays valid whatever the class. See replication.ts's mixedBalancers.

/** The classes seen at one family of call sites, in this thread. */
export class ClassesSeen {
  private first: unknown = null;
  private mixed = false;

  /** Notes `object`'s class; true once a second class has been seen (and from then on). */
  note(object: object): boolean {
    if (this.first === null) this.first = object.constructor;
    else if (object.constructor !== this.first) this.mixed = true;
    return this.mixed;
  }

  /** Whether a second class has been seen. */
  get several(): boolean {
    return this.mixed;
  }
}
