// Interrupts: on SIGINT or SIGTERM, undo what is half done (staging folders, staged partial
// files, lock files) and exit 130 or 143 (128 + the signal's number), as shells expect.
// Exiting also stops the replication worker threads. A handler runs when this thread's event
// loop turns: between two replications simulated in this thread, never inside one.

/** Undo actions of the writes in progress. */
const cleanups = new Set<() => void>();

/** Register an action to run on interrupt; returns the function that unregisters it. */
export function registerCleanup(cleanup: () => void): () => void {
  const entry = () => cleanup();
  cleanups.add(entry);
  return () => {
    cleanups.delete(entry);
  };
}

/** Run every registered cleanup (each once, errors ignored: the next run recovers the rest). */
export function runCleanups(): number {
  const pending = [...cleanups];
  cleanups.clear();
  for (const cleanup of pending) {
    try {
      cleanup();
    } catch {
      // Best effort.
    }
  }
  return pending.length;
}

export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * While a command runs: on SIGINT or SIGTERM, clean up, say so on standard error and exit.
 * Returns the function that removes the handlers.
 */
export function handleInterrupts(
  stderr: (text: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as Array<keyof typeof SIGNAL_EXIT_CODES>).map((signal) => {
    const handler = () => {
      const cleaned = runCleanups();
      stderr(`\nsim: interrupted (${signal})${cleaned > 0 ? "; the unfinished output was removed" : ""}\n`);
      exit(SIGNAL_EXIT_CODES[signal]);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => {
    for (const off of handlers) off();
  };
}
