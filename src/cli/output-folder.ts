// The one place where sim replaces an output folder (run, sweep, merge, advise, compare, report).
// sim replaces only what it wrote itself: every folder it writes carries a manifest
// (.relaysim-output.json: tool, version, command, files), and a target that is anything else —
// a file, a link, a folder holding files sim did not write, `/`, the home folder, the working
// folder or one of its ancestors — is refused (exit 2) before any simulation starts.
//
// A new output is staged beside the target (.NAME.partial-PID), then swapped in: the old
// folder is renamed aside (.NAME.old-PID), the new one renamed in, the old one removed last.
// A lock file beside the target (.NAME.lock, created with O_EXCL, holding the owner's PID)
// keeps two runs from writing the same folder; a dead owner's lock, staging and aside folders
// are cleaned up (or the aside folder restored) by the next run that takes the lock.
import {
  closeSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { homedir, hostname } from "node:os";
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from "node:path";
import type { Argv } from "yargs";
import { VERSION } from "../version.js";
import { UsageError } from "./io.js";
import { registerCleanup } from "./signals.js";

/** The manifest's file name inside every output folder sim writes. */
export const MANIFEST = ".relaysim-output.json";

/** An output folder's manifest: what wrote it and which files (relative paths, `/`-separated). */
export interface Manifest {
  tool: "relaysim";
  version: string;
  command: string;
  /** Set while the folder is being staged; absent once it is complete. */
  state?: "staging";
  files: string[];
}

/** An I/O failure while writing output: exit 1 with one line naming the path and the cause. */
export class OutputError extends Error {
  override name = "OutputError";
}

/** Where sim looks for the home and working folders; tests pass their own. */
export interface Surroundings {
  cwd: string;
  home: string;
}

export interface OpenOptions {
  /** The command writing (recorded in the manifest). */
  command: string;
  /** Replace a folder written by an older version of sim. */
  force?: boolean;
  /** The folder must already be a sim output folder (sim report). */
  mustExist?: boolean;
  /** The flag that named the target, for messages (default --out). */
  flag?: string;
  surroundings?: Surroundings;
  /** Told what recovery did (a previous output restored, debris removed). */
  notify?: (text: string) => void;
}

/** Longest file name most file systems accept (NAME_MAX, in bytes). */
const NAME_MAX = 255;
/** A manifest larger than this is not one sim wrote. */
const MANIFEST_MAX_BYTES = 4 << 20;

const CAUSES: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENAMETOOLONG: "file name too long",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder",
  ENOENT: "no such file or folder",
  EEXIST: "already exists",
  ENOTEMPTY: "folder not empty",
  EMFILE: "too many open files",
  EIO: "input/output error",
  EBUSY: "busy",
  EXDEV: "on another file system",
};

/** `no space left on device (ENOSPC)`: a Node file-system error's cause in words. */
export function ioCause(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e.code === "string") return `${CAUSES[e.code] ?? e.message.split("\n")[0]} (${e.code})`;
  return String((error as Error)?.message ?? error).split("\n")[0];
}

/** True for errors the file system raised (they carry an errno code). */
export function isIoError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException;
  return e instanceof Error && typeof e.code === "string" && typeof e.syscall === "string";
}

function outputError(what: string, path: string, error: unknown): OutputError {
  return new OutputError(`sim: cannot ${what} ${path}: ${ioCause(error)}`);
}

/** `--force`, for every command that writes an output folder. */
export function forceFlag<T>(y: Argv<T>): Argv<T & { force: boolean }> {
  return y.option("force", {
    type: "boolean",
    default: false,
    describe: "replace an output folder written by an older version of sim (never anything else)",
  }) as Argv<T & { force: boolean }>;
}

/** The real path of `path`, or of its deepest existing ancestor joined with the rest. */
function realish(path: string): string {
  const rest: string[] = [];
  let p = path;
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      const parent = dirname(p);
      if (parent === p) return path;
      rest.push(basename(p));
      p = parent;
    }
  }
}

/** `a` is `b` or an ancestor of it. */
function contains(a: string, b: string): boolean {
  const r = relative(a, b);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r));
}

/**
 * Why `target` may never be an output folder, or null: the root, the home folder, the working
 * folder or an ancestor of it (compared both as written and with links resolved).
 */
export function forbiddenTarget(target: string, where: Surroundings): string | null {
  const absolute = resolve(where.cwd, target);
  const real = realish(absolute);
  const cwd = [resolve(where.cwd), realish(resolve(where.cwd))];
  const home = where.home ? [resolve(where.home), realish(resolve(where.home))] : [];
  for (const path of [absolute, real]) {
    if (parse(path).root === path) return "it is the root folder";
    if (home.includes(path)) return "it is your home folder";
    if (cwd.some((c) => c === path)) return "it is the working folder";
    if (cwd.some((c) => contains(path, c))) return "it contains the working folder";
  }
  return null;
}

/** A relative path inside a folder: `/`-separated names, none empty, `.` or `..`. */
export function isInsidePath(name: string): boolean {
  return (
    name.length > 0 &&
    name.length < 4096 &&
    name.split("/").every((p) => p !== "" && p !== "." && p !== ".." && !/[\\\0]/.test(p))
  );
}

/** Parse a manifest's text; null when it is not one sim wrote (a listed path leading out of the folder included). */
export function parseManifest(text: string): Manifest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const m = value as Partial<Manifest> | null;
  if (
    typeof m !== "object" ||
    m === null ||
    m.tool !== "relaysim" ||
    typeof m.version !== "string" ||
    typeof m.command !== "string" ||
    !Array.isArray(m.files) ||
    !m.files.every((f) => typeof f === "string" && isInsidePath(f)) ||
    (m.state !== undefined && m.state !== "staging")
  ) {
    return null;
  }
  return m as Manifest;
}

/** A folder's manifest, or null when it has none (or a damaged one). */
export function readManifest(folder: string): Manifest | null {
  const file = join(folder, MANIFEST);
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MANIFEST_MAX_BYTES) return null;
    return parseManifest(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** -1, 0 or 1 as version a is older than, equal to or newer than b (numeric x.y.z); null if unreadable. */
export function compareVersions(a: string, b: string): number | null {
  const parts = (v: string) => (/^\d+(\.\d+)*$/.test(v) ? v.split(".").map(Number) : null);
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The first entry of `folder` (relative path) that the manifest does not list, or null. */
export function foreignEntry(folder: string, manifest: Manifest): string | null {
  const files = new Set(manifest.files);
  files.add(MANIFEST);
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const walk = (rel: string): string | null => {
    for (const entry of readdirSync(rel === "" ? folder : join(folder, rel), { withFileTypes: true })) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!dirs.has(path)) return `${path}/`;
        const inner = walk(path);
        if (inner) return inner;
      } else if (!files.has(path)) return path;
    }
    return null;
  };
  return walk("");
}

/** A short display of a path. */
const shown = (path: string) => JSON.stringify(path).slice(1, -1);

/**
 * Check that sim may replace `target` (it need not exist); throws a UsageError saying what to do.
 * Returns the manifest of the folder there, or null when nothing is there (or an empty folder).
 */
export function checkTarget(target: string, options: OpenOptions): Manifest | null {
  const flag = options.flag ?? "--out";
  const where = options.surroundings ?? { cwd: process.cwd(), home: homedir() };
  const refuse = (why: string, todo: string) => new UsageError(`sim: ${flag} ${shown(target)}: ${why}. ${todo}`);
  const forbidden = forbiddenTarget(target, where);
  if (forbidden) {
    throw refuse(
      `${forbidden}; sim never replaces it`,
      options.mustExist
        ? "Run it from another folder, naming this one by its path"
        : "Name a new folder for the output, e.g. --out output/NAME",
    );
  }
  const name = basename(resolve(where.cwd, target));
  if (Buffer.byteLength(name) > NAME_MAX) {
    throw new OutputError(
      `sim: cannot write ${shown(target)}: file name too long (ENAMETOOLONG: ${Buffer.byteLength(name)} bytes, most file systems allow ${NAME_MAX}); choose a shorter --out or scenario name`,
    );
  }
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      if (options.mustExist) throw new UsageError(`sim: ${shown(target)}: no such folder`);
      return null;
    }
    throw outputError("use", target, error);
  }
  const other = "Choose another --out, or move or delete it yourself";
  if (stat.isSymbolicLink()) throw refuse("is a symbolic link; sim replaces only folders it wrote", other);
  if (!stat.isDirectory()) throw refuse("is a file, not an output folder of sim; sim will not replace it", other);
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (error) {
    throw outputError("read", target, error);
  }
  if (entries.length === 0) {
    if (options.mustExist)
      throw new UsageError(`sim: ${shown(target)}: the folder is empty; expected an output folder of sim`);
    return null;
  }
  const manifest = readManifest(target);
  if (!manifest || manifest.state === "staging") {
    throw refuse(
      `the folder holds files that sim did not write (no ${MANIFEST}, e.g. ${entries.slice(0, 3).join(", ")}); sim replaces only folders it wrote itself`,
      other,
    );
  }
  const foreign = foreignEntry(target, manifest);
  if (foreign) {
    throw refuse(
      `the folder holds ${foreign}, which sim did not write there; sim replaces only folders holding nothing but its own files`,
      `${other}, or move ${foreign} out of it`,
    );
  }
  const order = compareVersions(manifest.version, VERSION);
  if (order === null || order > 0) {
    throw refuse(
      `it was written by relaysim ${manifest.version}, not by this version (${VERSION}) or an older one`,
      `${other}, or use relaysim ${manifest.version}`,
    );
  }
  if (order < 0 && !options.force) {
    throw refuse(
      `it was written by relaysim ${manifest.version} (this is ${VERSION})`,
      "Add --force to replace it, or choose another --out to keep it",
    );
  }
  return manifest;
}

/** Is process `pid` alive (on this host)? */
export function processAlive(pid: number): boolean {
  if (!(Number.isSafeInteger(pid) && pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Short hidden names beside the target; a long target name is replaced by a hash to stay under NAME_MAX. */
function sideName(name: string, suffix: string): string {
  const readable = `.${name}.${suffix}`;
  if (Buffer.byteLength(readable) <= NAME_MAX) return readable;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return `.relaysim-${h.toString(16).padStart(8, "0")}.${suffix}`;
}

interface LockRecord {
  pid: number;
  host: string;
}

/** Take the lock file beside the target, replacing a dead owner's; refuse (exit 2) if a live run holds it. */
function takeLock(lock: string, target: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw outputError("write", lock, error);
      let owner: Partial<LockRecord> = {};
      try {
        owner = JSON.parse(readFileSync(lock, "utf8")) as LockRecord;
      } catch {
        // Empty or torn: its writer died between creating and writing it (or is writing it now).
      }
      const here = owner.host === hostname();
      if (here && typeof owner.pid === "number" && !processAlive(owner.pid)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (owner.host === undefined) {
        // A lock without a readable owner older than a minute is debris of a killed run.
        try {
          if (Date.now() - statSync(lock).mtimeMs > 60_000) {
            rmSync(lock, { force: true });
            continue;
          }
        } catch {
          continue;
        }
      }
      const who = owner.pid ? `sim (pid ${owner.pid}${here ? "" : ` on ${owner.host}`})` : "another sim";
      throw new UsageError(
        `sim: ${shown(target)} is being written by ${who} (lock ${shown(lock)}). Wait for it to finish or choose another --out${here ? "" : "; delete the lock file if that run is gone"}`,
      );
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
    } finally {
      closeSync(fd);
    }
    return;
  }
  throw new UsageError(`sim: ${shown(target)}: could not take the lock ${shown(lock)}; try again`);
}

/**
 * Staging and aside folders a dead run left beside the target: restore a whole previous output
 * the run had moved aside (when the target is gone), remove the rest. Only folders that carry
 * sim's manifest are touched. Called with the lock held.
 */
function recover(parent: string, name: string, target: string): string[] {
  const notes: string[] = [];
  const pattern = /^\.(.*)\.(partial|old)-(\d+)$/;
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return notes;
  }
  for (const entry of entries) {
    const match = pattern.exec(entry);
    if (!match) continue;
    const [, , kind, pidText] = match;
    if (entry !== sideName(name, `${kind}-${pidText}`)) continue;
    const pid = Number(pidText);
    if (pid === process.pid || processAlive(pid)) continue;
    const folder = join(parent, entry);
    const manifest = readManifest(folder);
    if (!manifest) continue;
    if (kind === "old" && manifest.state === undefined && !existsSync(target)) {
      renameSync(folder, target);
      notes.push(`restored ${shown(target)} from ${entry}, left by an interrupted run`);
    } else {
      rmSync(folder, { recursive: true, force: true });
      notes.push(`removed ${entry}, left by an interrupted run`);
    }
  }
  return notes;
}

/**
 * An output folder being written: files go to a staging folder beside the target; commit()
 * swaps it in, abandon() removes it. Open it before simulating: opening checks the target,
 * takes the lock and proves the parent folder writable.
 */
export class OutputFolder {
  readonly staging: string;
  private readonly aside: string;
  private readonly lock: string;
  private readonly files = new Set<string>();
  private closed = false;
  private readonly unregister: () => void;
  /** What recovery did when opening (shown by commands on standard error). */
  readonly notes: string[];
  /** The manifest of the folder being replaced, if any. */
  previous: Manifest | null = null;

  private constructor(
    readonly target: string,
    private readonly command: string,
    mustExist: boolean,
  ) {
    const parent = dirname(resolve(target));
    const name = basename(resolve(target));
    this.staging = join(parent, sideName(name, `partial-${process.pid}`));
    this.aside = join(parent, sideName(name, `old-${process.pid}`));
    this.lock = join(parent, sideName(name, "lock"));
    if (mustExist && !existsSync(parent)) throw new UsageError(`sim: ${shown(target)}: no such folder`);
    try {
      mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw outputError("create the folder", parent, error);
    }
    takeLock(this.lock, target);
    this.unregister = registerCleanup(() => this.abandon());
    try {
      this.notes = recover(parent, name, resolve(target));
      rmSync(this.staging, { recursive: true, force: true });
      mkdirSync(this.staging);
      this.writeManifest("staging");
      // The target's own name must be usable too (length, characters): probe it when free.
      if (!existsSync(target) && !mustExist) {
        mkdirSync(target);
        rmdirSync(target);
      }
    } catch (error) {
      this.abandon();
      throw error instanceof UsageError || error instanceof OutputError ? error : outputError("write", target, error);
    }
  }

  /** Check the target, take its lock and start staging (throws UsageError or OutputError). */
  static open(target: string, options: OpenOptions): OutputFolder {
    // Checked before touching anything, and again once locked and recovered: another run may
    // have committed in between, or a killed run's output may have been restored.
    checkTarget(target, { ...options, mustExist: false });
    const folder = new OutputFolder(target, options.command, options.mustExist ?? false);
    for (const note of folder.notes) options.notify?.(`sim: ${note}\n`);
    try {
      folder.previous = checkTarget(target, options);
    } catch (error) {
      folder.abandon();
      throw error;
    }
    return folder;
  }

  /** The staged path of a file (for streamed writers such as attempts.csv); the file is recorded. */
  path(name: string): string {
    if (!isInsidePath(name)) throw new Error(`OutputFolder: ${JSON.stringify(name)} is not a path inside the folder`);
    this.files.add(name);
    return join(this.staging, ...name.split("/"));
  }

  /** Write a file (relative path, `/`-separated) into the staged folder. */
  write(name: string, content: string | Uint8Array): void {
    const file = this.path(name);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    } catch (error) {
      throw outputError("write", join(this.target, name), error);
    }
  }

  /** Copy a file of the current target into the staged folder (hard link where possible). */
  keep(name: string): void {
    const from = join(this.target, ...name.split("/"));
    const file = this.path(name);
    try {
      mkdirSync(dirname(file), { recursive: true });
      try {
        linkSync(from, file);
      } catch {
        writeFileSync(file, readFileSync(from));
      }
    } catch (error) {
      throw outputError("copy", from, error);
    }
  }

  /**
   * A file-system error raised while writing into the staging folder (a streamed file), as the
   * one-line OutputError naming the target's path; other errors unchanged.
   */
  explain(error: unknown): unknown {
    if (!isIoError(error)) return error;
    const path = typeof error.path === "string" ? error.path : this.staging;
    const shownPath = path.startsWith(this.staging) ? join(this.target, path.slice(this.staging.length)) : path;
    return outputError("write", shownPath, error);
  }

  /** Remove a staged file or folder (relative path) and every recorded file under it. */
  remove(name: string): void {
    for (const f of [...this.files]) if (f === name || f.startsWith(`${name}/`)) this.files.delete(f);
    rmSync(join(this.staging, ...name.split("/")), { recursive: true, force: true });
  }

  private writeManifest(state?: "staging"): void {
    const manifest: Manifest = {
      tool: "relaysim",
      version: VERSION,
      command: this.command,
      ...(state ? { state } : {}),
      files: [...this.files].sort(),
    };
    try {
      writeFileSync(join(this.staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (error) {
      throw outputError("write", join(this.target, MANIFEST), error);
    }
  }

  /** Swap the staged folder in: old aside, new in, old removed; then release the lock. */
  commit(): void {
    if (this.closed) throw new Error("OutputFolder: already closed");
    this.writeManifest();
    try {
      const had = existsSync(this.target);
      if (had) renameSync(this.target, this.aside);
      try {
        renameSync(this.staging, this.target);
      } catch (error) {
        if (had) renameSync(this.aside, this.target);
        throw error;
      }
      rmSync(this.aside, { recursive: true, force: true });
    } catch (error) {
      this.abandon();
      throw outputError("replace", this.target, error);
    }
    this.release();
  }

  /** Remove the staged folder and release the lock; the target is left as it was. Never throws. */
  abandon(): void {
    if (this.closed) return;
    try {
      rmSync(this.staging, { recursive: true, force: true });
    } catch {
      // Best effort: the next run removes it (recover()).
    }
    this.release();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.unregister();
    try {
      unlinkSync(this.lock);
    } catch {
      // Already gone.
    }
  }
}

/** A chart failure after the results were saved: exit 1, the data files stay. */
export class ChartsFailed extends Error {
  override name = "ChartsFailed";
}

/**
 * The sequence every command follows once its results are computed: data files, then charts
 * (a failure there is reported, never loses the data), then run.json, then the swap.
 */
export async function completeOutput(
  out: OutputFolder,
  steps: {
    files: (out: OutputFolder) => void;
    charts?: (out: OutputFolder) => Promise<void>;
    run?: () => string;
  },
): Promise<{ chartError: string | null }> {
  steps.files(out);
  let chartError: string | null = null;
  if (steps.charts) {
    try {
      await steps.charts(out);
    } catch (error) {
      if (error instanceof OutputError) throw error;
      chartError = String((error as Error)?.message ?? error).split("\n")[0];
      // Drop whatever charts were half written: the folder holds the data and no charts.
      out.remove("charts");
      out.remove("report.html");
    }
  }
  if (steps.run) out.write("run.json", steps.run());
  out.commit();
  return { chartError };
}

/** What to throw after printing the results when the charts failed. */
export function chartsFailed(out: OutputFolder, message: string): ChartsFailed {
  return new ChartsFailed(
    `sim: the charts could not be rendered (${message}); the results are in ${shown(out.target)}/ without charts (sim report ${shown(out.target)} tries again)`,
  );
}

/**
 * Write a file whole or not at all (staged beside, then renamed), replacing only a file of the
 * same kind: `replaceable` says whether the current file's first bytes are one sim wrote.
 */
export function writeFileWhole(
  file: string,
  content: string,
  replaceable: (head: string) => boolean,
  surroundings?: Surroundings,
): void {
  checkFileTarget(file, replaceable, surroundings);
  const staging = `${file}.partial-${process.pid}`;
  const unregister = registerCleanup(() => rmSync(staging, { force: true }));
  try {
    mkdirSync(dirname(file) || ".", { recursive: true });
    writeFileSync(staging, content);
    renameSync(staging, file);
  } catch (error) {
    rmSync(staging, { force: true });
    throw outputError("write", file, error);
  } finally {
    unregister();
  }
}

/** Refuse a file target that sim did not write (exit 2), before any work; cleans dead runs' staging files. */
export function checkFileTarget(
  file: string,
  replaceable: (head: string) => boolean,
  surroundings: Surroundings = { cwd: process.cwd(), home: homedir() },
): void {
  const forbidden = forbiddenTarget(file, surroundings);
  if (forbidden) throw new UsageError(`sim: --out ${shown(file)}: ${forbidden}; name a file, e.g. --out part-0.json`);
  if (Buffer.byteLength(basename(resolve(file))) > NAME_MAX - 24) {
    throw new OutputError(`sim: cannot write ${shown(file)}: file name too long (ENAMETOOLONG)`);
  }
  const parent = dirname(resolve(file));
  const stem = `${basename(resolve(file))}.partial-`;
  try {
    for (const entry of readdirSync(parent)) {
      if (!entry.startsWith(stem)) continue;
      const pid = Number(entry.slice(stem.length));
      if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue;
      const leftover = join(parent, entry);
      if (lstatSync(leftover).isFile() && (statSync(leftover).size === 0 || replaceable(head(leftover)))) {
        rmSync(leftover, { force: true });
      }
    }
  } catch {
    // The parent does not exist yet: nothing to clean.
  }
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(file);
  } catch {
    return;
  }
  if (!stat.isFile() || !replaceable(head(file))) {
    throw new UsageError(
      `sim: --out ${shown(file)}: ${stat.isDirectory() ? "is a folder" : "is not a file that sim wrote"}; sim will not replace it. Choose another --out, or move or delete it yourself`,
    );
  }
}

function head(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(64);
    const n = readSyncSafe(fd, buffer);
    return buffer.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function readSyncSafe(fd: number, buffer: Buffer): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, 0);
  } catch {
    return 0;
  }
}

/**
 * Each command's default output folder, so that one command never replaces another's files:
 * output/NAME (run, and merge of run shards), output/NAME-sweep (sweep, and merge of sweep
 * shards), output/NAME-advice (advise).
 */
export function defaultFolder(kind: "run" | "sweep" | "advise", name: string): string {
  // A name from a file (a partial's scenario.name) must not lead out of output/.
  if (name === "" || name === "." || name === ".." || /[\\/\0]/.test(name)) {
    throw new UsageError(`sim: the scenario name ${JSON.stringify(name)} cannot name an output folder; give --out`);
  }
  return join("output", kind === "run" ? name : `${name}-${kind === "advise" ? "advice" : kind}`);
}
