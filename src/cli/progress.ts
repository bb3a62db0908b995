// Progress on standard error: only on a terminal and never under CI, so logs and pipes stay clean.

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

const SILENT: Progress = { update() {}, finish() {} };

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI) return SILENT;
  const started = Date.now();
  let shown = false;
  return {
    update(done, total) {
      const elapsed = (Date.now() - started) / 1000;
      if (elapsed < 1 && done < total) return;
      shown = true;
      const rate = done / Math.max(elapsed, 1e-9);
      const eta = done > 0 ? (total - done) / rate : Number.NaN;
      const width = 24;
      const filled = Math.round((width * done) / total);
      const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
      stream.write(
        `\r${label} [${bar}] ${done}/${total}  ${rate.toFixed(1)}/s  ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : "?"}  `,
      );
    },
    finish() {
      if (shown) stream.write("\n");
    },
  };
}
