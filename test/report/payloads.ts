// Crafted input files for the report's injection tests: a script/markup payload put into each
// leaf of a real summary.json, sweep.json or partial in turn, and the variants that still give a
// page gathered into as few pages as possible (one browser load each).

/** Markup, a handler, a script end and a comment start: any of them run or parsed means injection. */
export const PAYLOAD =
  `"'><img src=x onerror="window.__pwned=1;alert(1)"><svg onload=window.__pwned=2></svg>` +
  `</script><script>window.__pwned=3;alert(3)</script><!--`;

/** Substrings that appear in a page only if the payload got in unescaped (HTML-escaped or JSON-escaped it has none). */
const RAW_MARKERS = ["<img src=x", "<svg onload", "<script>window.__pwned", "</script><script>"];

export type JsonPath = ReadonlyArray<string | number>;

export function pathText(path: JsonPath): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

/**
 * Every string, number, boolean and null in a JSON value, by path (empty arrays and objects have
 * none). With `ends`, only the first and last element of each array: its other elements are the
 * same field, read by the same code.
 */
export function leafPaths(value: unknown, ends = false, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) {
    const indices = value.map((_, i) => i).filter((i) => !ends || i === 0 || i === value.length - 1);
    return indices.flatMap((i) => leafPaths(value[i], ends, [...path, i]));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, ends, [...path, k]));
  }
  return [path];
}

/** Replace the leaf at `path` in `value` itself. */
function setLeaf(value: unknown, path: JsonPath, leaf: unknown): void {
  let node = value as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = leaf;
}

/** A deep copy of `value` with the leaf at `path` replaced. */
export function withLeaf<T>(value: T, path: JsonPath, leaf: unknown): T {
  const copy = structuredClone(value);
  setLeaf(copy, path, leaf);
  return copy;
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
  return n;
}

/** Markup outside <script> elements (report/ never lets "</script" inside one). */
export function outsideScripts(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, "");
}

export interface CraftedPage<T> {
  /** The leaves holding the payload. */
  paths: JsonPath[];
  value: T;
  html: string;
}

export interface CraftedRun<T> {
  leaves: number;
  /** Leaves whose payload makes the page builder throw: the command fails, nothing is written. */
  refused: JsonPath[];
  /** Leaves whose payload gives a page without the payload in it (it only moved numbers). */
  unseen: JsonPath[];
  /** Pages holding every other leaf's payload, several leaves per page. */
  pages: Array<CraftedPage<T>>;
}

/**
 * Put PAYLOAD into each leaf of `clean` in turn (see leafPaths for `ends`) and build its page with
 * `build`, which throws when the input is refused. Every page is checked here for raw markup
 * (counted against the clean page: the inlined libraries hold such strings of their own). The
 * variants whose payload shows in the page are then put together — all at once if the page still
 * builds, else greedily, leaf after leaf — so that a browser loads a few pages instead of hundreds.
 */
export function craftedPages<T>(clean: T, build: (value: T) => string, ends = false): CraftedRun<T> {
  const baseline = build(clean);
  const rawCounts = RAW_MARKERS.map((m) => occurrences(baseline, m));
  const scripts = occurrences(baseline, "<script");
  const check = (html: string, what: string): string => {
    RAW_MARKERS.forEach((m, i) => {
      if (occurrences(html, m) !== rawCounts[i]) throw new Error(`${what}: raw "${m}" in the page`);
    });
    if (occurrences(html, "<script") !== scripts) throw new Error(`${what}: a <script> element was added`);
    return html;
  };
  const tryBuild = (value: T): string | null => {
    try {
      return build(value);
    } catch {
      return null;
    }
  };
  const paths = leafPaths(clean, ends);
  const run: CraftedRun<T> = { leaves: paths.length, refused: [], unseen: [], pages: [] };
  const shown: JsonPath[] = [];
  for (const path of paths) {
    const html = tryBuild(withLeaf(clean, path, PAYLOAD));
    if (html === null) run.refused.push(path);
    else (check(html, pathText(path)).includes("__pwned") ? shown : run.unseen).push(path);
  }
  // One copy, every leaf replaced in it (withLeaf copies the whole value each time).
  const all = structuredClone(clean);
  for (const path of shown) setLeaf(all, path, PAYLOAD);
  const allHtml = shown.length > 0 ? tryBuild(all) : null;
  if (allHtml !== null) {
    run.pages.push({ paths: shown, value: all, html: check(allHtml, "every shown leaf") });
    return run;
  }
  let page: CraftedPage<T> | null = null;
  for (const path of shown) {
    const value: T = withLeaf(page?.value ?? clean, path, PAYLOAD);
    const html: string | null = page ? tryBuild(value) : build(value);
    if (html !== null) {
      const paths: JsonPath[] = [...(page?.paths ?? []), path];
      page = { paths, value, html: check(html, `${pathText(path)} with ${paths.length - 1} others`) };
    } else {
      if (page) run.pages.push(page);
      const alone = withLeaf(clean, path, PAYLOAD);
      page = { paths: [path], value: alone, html: check(build(alone), pathText(path)) };
    }
  }
  if (page) run.pages.push(page);
  return run;
}
