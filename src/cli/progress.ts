// Progress on standard error: only on a terminal and never under CI, so logs and pipes stay
// clean. Shows replications done, rate and ETA, once a run has lasted a second.

export interface Progress {
  /** `total` may grow between calls (precision targets add batches). */
  update(done: number, total: number): void;
  finish(): void;
}

export const SILENT: Progress = { update() {}, finish() {} };

/** What the bar needs from its surroundings; tests pass their own. */
export interface ProgressContext {
  stream: Pick<NodeJS.WriteStream, "write"> & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Milliseconds. */
  now: () => number;
}

/** CI services set CI=true (GitHub Actions, GitLab, Travis, CircleCI, Buildkite…); "0"/"false" means not CI. */
function underCi(env: ProgressContext["env"]): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** Redraw at most this often: a fast run would otherwise spend its time writing to the terminal. */
const REDRAW_MS = 100;

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(0)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** One line: `label [####....] 12/40  8.1/s  ETA 3 s`. */
export function progressLine(label: string, done: number, total: number, elapsedSeconds: number): string {
  const rate = done / Math.max(elapsedSeconds, 1e-9);
  const eta = done > 0 ? (total - done) / rate : Number.NaN;
  const width = 24;
  const filled = total > 0 ? Math.min(width, Math.round((width * done) / total)) : 0;
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  return `${label} [${bar}] ${done}/${total}  ${rate.toFixed(1)}/s  ETA ${formatEta(eta)}`;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return progressBarIn(label, { stream, env: process.env, now: Date.now });
}

export function progressBarIn(label: string, context: ProgressContext): Progress {
  const { stream, env, now } = context;
  if (!stream.isTTY || underCi(env)) return SILENT;
  const started = now();
  let shown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLength = 0;
  return {
    update(done, total) {
      const t = now();
      const elapsed = (t - started) / 1000;
      // Runs under a second finish before a bar would help; then redraw at most every REDRAW_MS.
      if (elapsed < 1) return;
      if (done < total && t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      shown = true;
      const line = progressLine(label, done, total, elapsed).slice(0, Math.max(20, (stream.columns ?? 100) - 1));
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
