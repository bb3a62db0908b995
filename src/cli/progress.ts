// Progress on standard error: only on a terminal and never under CI, so logs and pipes stay
// clean. Shows replications done, rate, simulated time and ETA, once a run has lasted a second.
// Replications in flight count by their simulated share, so one long replication shows progress.

import { formatDuration } from "../format.js";

export interface Progress {
  /**
   * `total` may grow between calls (precision targets add batches); `running` is the simulated
   * share of the replications in flight, in replications.
   */
  update(done: number, total: number, running?: number): void;
  finish(): void;
}

export const SILENT: Progress = { update() {}, finish() {} };

/** What the bar needs from its surroundings; tests pass their own. */
export interface ProgressContext {
  stream: Pick<NodeJS.WriteStream, "write"> & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Milliseconds. */
  now: () => number;
  /** Simulated seconds per replication (optional): shown as simulated time. */
  horizon?: number;
}

/** CI services set CI=true (GitHub Actions, GitLab, Travis, CircleCI, Buildkite…); "0"/"false" means not CI. */
function underCi(env: ProgressContext["env"]): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** Redraw at most this often: a fast run would otherwise spend its time writing to the terminal. */
const REDRAW_MS = 100;

/**
 * One line: `label [####....] 12/40  8.1/s  ETA 3 s`; with replications in flight (`running`,
 * their simulated share) and a horizon: `label [#.......] 0/1  sim 2.3 d of 7.0 d  ETA 40 s`.
 */
export function progressLine(
  label: string,
  done: number,
  total: number,
  elapsedSeconds: number,
  running = 0,
  horizon?: number,
): string {
  const progress = done + running;
  const rate = progress / Math.max(elapsedSeconds, 1e-9);
  const eta = progress > 0 ? (total - progress) / rate : Number.NaN;
  const width = 24;
  const filled = total > 0 ? Math.min(width, Math.round((width * progress) / total)) : 0;
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const simulated =
    horizon !== undefined ? `  sim ${formatDuration(progress * horizon)} of ${formatDuration(total * horizon)}` : "";
  return `${label} [${bar}] ${done}/${total}  ${rate.toFixed(1)}/s${simulated}  ETA ${formatDuration(eta)}`;
}

/** `horizon`: simulated seconds per replication, to show simulated time. */
export function progressBar(label: string, options: { horizon?: number; stream?: NodeJS.WriteStream } = {}): Progress {
  return progressBarIn(label, {
    stream: options.stream ?? process.stderr,
    env: process.env,
    now: Date.now,
    horizon: options.horizon,
  });
}

export function progressBarIn(label: string, context: ProgressContext): Progress {
  const { stream, env, now, horizon } = context;
  if (!stream.isTTY || underCi(env)) return SILENT;
  const started = now();
  let shown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLength = 0;
  return {
    update(done, total, running = 0) {
      const t = now();
      const elapsed = (t - started) / 1000;
      // Runs under a second finish before a bar would help; then redraw at most every REDRAW_MS.
      if (elapsed < 1) return;
      if (done < total && t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      shown = true;
      const line = progressLine(label, done, total, elapsed, running, horizon).slice(
        0,
        Math.max(20, (stream.columns ?? 100) - 1),
      );
      // Pad over the previous line's tail: the ETA may get shorter.
      stream.write(`\r${line.padEnd(lastLength)}`);
      lastLength = line.length;
    },
    finish() {
      if (shown) stream.write("\n");
      shown = false;
    },
  };
}
