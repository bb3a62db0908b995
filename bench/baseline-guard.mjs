// When `npm run bench` (bench/run.mjs) keeps bench/baseline.json as it is: the static loop, the
// bench's most load-sensitive row, tells a machine in its normal state from a loaded or throttled
// one (this VM's slow mode read 4.5–13 M messages/s against ~25), whose figures would all read as
// regressions and replace the committed ones.

/** The share of its baseline figure below which the loop's speed keeps the baseline as it is. */
export const SLOW_MACHINE = 2 / 3;

/**
 * Why the baseline should be kept, given the loop's speed now and in the baseline (M messages/s;
 * `before` undefined when the baseline has no loop row); null to write it.
 */
export function slowMachine(now, before) {
  if (before === undefined || now >= before * SLOW_MACHINE) return null;
  return (
    `the loop ran at ${now.toFixed(2)} M messages/s against the baseline's ${before.toFixed(2)} ` +
    "(below two thirds): a loaded or throttled machine, or a regression to look at; --write-anyway writes it"
  );
}
