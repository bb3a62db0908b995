// No capacity limit and nothing to track: every session starts on arrival (DESIGN §2, the
// default `pool.capacity: null`).

import type { SessionLengths } from "../streams.js";
import type { CapacityRegime, RegimeContext } from "./regime.js";

export class UnlimitedCapacity implements CapacityRegime {
  length = 0;
  private readonly lengths: SessionLengths;

  constructor(context: RegimeContext) {
    this.lengths = context.lengths;
  }

  beforePick(_time: number): void {}

  arrive(_server: number, time: number, kind: number, _counted: boolean): number {
    this.length = this.lengths.draw(kind);
    return time;
  }

  admit(_slot: number, _server: number, _time: number, _kind: number): void {
    throw new Error("UnlimitedCapacity.admit: every start is known on arrival");
  }

  sessionStarted(_server: number, _time: number, _end: number, _waitingSince: number, _counted: boolean): void {}

  wake(_server: number, _time: number): void {}
}
