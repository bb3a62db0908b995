// The engine's public face: clock, event queue, random streams and distributions.
// It imports nothing from the rest of relaysim and knows nothing of mail.
export { AliasTable } from "./alias.js";
export {
  type DistributionSpec,
  type Sampler,
  sampler,
  supremum,
} from "./distributions.js";
export { EventQueue } from "./event-queue.js";
export { exponential, exponentialFast, exponentialRest } from "./exponential.js";
export {
  ALEA_MULTIPLIER,
  ALEA_UNIT,
  AleaRandom,
  type AleaState,
  hashKey,
  hashUniform,
  type Random,
  randomStream,
} from "./random.js";
export { type ClockWatch, type EventHandler, Simulator } from "./simulator.js";
export { slotUntil } from "./slots.js";
