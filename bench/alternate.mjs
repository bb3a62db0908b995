// Old against new, alternated, as paired.mjs, chart-phase.mjs, startup.mjs and same-process.mjs
// measure: each round runs both sides, the order swapping each round, so that a load rising or
// falling within a round favours neither.

/** The sides of round `round` (from 0), in the order they run. */
export const sidesOf = (round) => (round % 2 === 0 ? ["old", "new"] : ["new", "old"]);

/** Takes `name N` out of `args` (a script's arguments, changed in place): N, or `fallback` when absent. */
export function takeCount(args, name, fallback) {
  const at = args.indexOf(name);
  return at < 0 ? fallback : Number(args.splice(at, 2)[1]);
}

/**
 * `OLD NEW [--rounds N] -- SIM ARGS…` (startup.mjs, same-process.mjs): the two checkouts, the rounds
 * (default `rounds`) and the command's arguments. Throws `usage` when they are not that.
 */
export function commandArgs(argv, usage, rounds) {
  const dash = argv.indexOf("--");
  const own = argv.slice(0, dash < 0 ? undefined : dash);
  const count = takeCount(own, "--rounds", rounds);
  const [old, fresh] = own;
  if (dash < 0 || own.length !== 2 || !(count >= 1)) throw new Error(usage);
  return { old, fresh, rounds: count, args: argv.slice(dash + 1) };
}

/**
 * `rounds` rounds of `run(side, round)` for "old" and "new" in sidesOf's order; `each(round, runs)`
 * after each round. Returns every run's result by side, in round order.
 */
export async function alternate(rounds, run, each = () => {}) {
  const runs = { old: [], new: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of sidesOf(round)) runs[side].push(await run(side, round));
    each(round, runs);
  }
  return runs;
}
