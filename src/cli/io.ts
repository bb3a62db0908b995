// What every command shares with main.ts: where it writes, how it reports a usage failure and
// the exit status it settles on. A file of its own so that the commands, which main.ts imports,
// do not import main.ts back.

/** A failure the user caused (bad flag, bad scenario): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The exit code a command settles on without throwing (e.g. some files invalid). */
export interface Status {
  code: number;
}
