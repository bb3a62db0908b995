// Reading JSON that a user (or an attacker) hands us: bytes to text (UTF-8 only, a BOM
// accepted), then checks JSON.parse does not make — duplicate keys (JSON.parse silently keeps
// the last), numbers too large for a double (1e400 becomes Infinity) and nesting too deep for
// the recursive code that later walks the value (validation, JSON.stringify in messages).
// Pure functions: no Node APIs, so the browser build can read files the same way.

/** Deeper nesting is refused: scenarios need about 6 levels, partial files about 7. */
export const MAX_JSON_DEPTH = 64;

/** Something wrong in a JSON text: where (JSON path, character offset) and what. */
export interface JsonProblem {
  path: Array<string | number>;
  offset: number;
  message: string;
}

/** The UTF-8 byte-order mark, which some editors (Notepad) write and JSON.parse rejects. */
const BOM = 0xfeff;

/** Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The text of a JSON file's bytes, or a one-line reason why it is not UTF-8. A leading UTF-8
 * BOM is dropped; UTF-16 (with or without its BOM) and other encodings are named as such.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { problem: string } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { problem: "not UTF-8: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8" };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      problem: `not UTF-8 text: byte ${nul} is a NUL (UTF-16 or a binary file?); save it as UTF-8`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    const byte = bytes[at] ?? 0;
    return {
      problem: `not UTF-8: byte ${at} (0x${byte.toString(16).padStart(2, "0")}) is not valid UTF-8; save the file as UTF-8`,
    };
  }
  return { text: text.charCodeAt(0) === BOM ? text.slice(1) : text };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

interface Frame {
  object: boolean;
  /** Keys seen so far (objects only). */
  keys: Set<string> | null;
  /** The current member's key (objects) or element index (arrays). */
  at: string | number;
  /** Objects: the next string is a key. */
  expectKey: boolean;
}

/**
 * The first duplicate key, non-finite number or over-deep nesting in a text that JSON.parse
 * accepts, or null. A scan with an explicit stack: it never recurses, whatever the depth.
 */
export function jsonProblem(text: string, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const stack: Frame[] = [];
  const path = () => stack.map((f) => f.at);
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const top = stack.length > 0 ? stack[stack.length - 1] : null;
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        return { path: path(), offset: i, message: `expected at most ${maxDepth} levels of nesting` };
      }
      const object = c === 0x7b;
      stack.push({ object, keys: object ? new Set() : null, at: object ? "" : 0, expectKey: object });
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      if (top?.object) top.expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
      i++;
      continue;
    }
    if (c === 0x3a /* : */) {
      i++;
      continue;
    }
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i += 2;
        } else if (d === 0x22) break;
        else i++;
      }
      i++;
      if (top?.object && top.expectKey) {
        const raw = text.slice(start, i);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.expectKey = false;
        top.at = key;
        if (top.keys?.has(key)) {
          return {
            path: path(),
            offset: start,
            message: `duplicate key "${key}" (each key may appear once in an object)`,
          };
        }
        top.keys?.add(key);
      }
      continue;
    }
    // A number or a literal (true, false, null).
    const start = i;
    let exponent = false;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (isSpace(d) || d === 0x2c || d === 0x5d || d === 0x7d) break;
      if ((d | 0x20) === 0x65 /* e or E */) exponent = true;
      i++;
    }
    // Only an exponent or some 309 digits reach past a double's range: other numbers, nearly all
    // of a partial file's, are not converted (this scan took three times JSON.parse's time).
    if ((exponent || i - start > 300) && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39))) {
      const token = text.slice(start, i);
      if (!Number.isFinite(Number(token))) {
        const shown = token.length > 40 ? `${token.slice(0, 37)}...` : token;
        return { path: path(), offset: start, message: `expected a finite number, got ${shown}` };
      }
    }
  }
  return null;
}

/**
 * jsonProblem for a text that JSON.parse has already turned into `value`, in about a third of
 * its time (a partial file's 6.6 MB: 80 → 30 ms). A duplicate key leaves JSON.parse's objects
 * with fewer keys than the text has (every key is followed by the only colons outside strings);
 * a number beyond a double's range is ±Infinity in the value. So one pass over the text counts
 * its colons and its nesting, one walk over the value counts the keys kept and finds infinities,
 * and only when they disagree does jsonProblem scan again to say where.
 */
export function parsedJsonProblem(text: string, value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const keys = textKeys(text, maxDepth);
  return keys >= 0 && keptKeys(value) === keys ? null : jsonProblem(text, maxDepth);
}

/** The keys of a valid JSON text (its colons outside strings), or −1 past `maxDepth` levels. */
export function textKeys(text: string, maxDepth: number): number {
  let keys = 0;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // To the closing quote: the next one after an even number of backslashes.
      for (;;) {
        const close = text.indexOf('"', i + 1);
        if (close < 0) return -1; // not JSON: let jsonProblem look
        let b = close - 1;
        while (text.charCodeAt(b) === 0x5c /* \ */) b--;
        i = close;
        if ((close - 1 - b) % 2 === 0) break;
      }
    } else if (c === 0x3a /* : */) keys++;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return -1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return keys;
}

/** The keys of JSON.parse's objects in `value`, or −1 if a number in it is not finite. */
export function keptKeys(value: unknown): number {
  if (typeof value !== "object" || value === null) return typeof value === "number" && value - value !== 0 ? -1 : 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === "number") {
        if (v - v !== 0) return -1;
      } else if (typeof v === "object" && v !== null) {
        const k = keptKeys(v);
        if (k < 0) return -1;
        keys += k;
      }
    }
    return keys;
  }
  for (const key in value) {
    const k = keptKeys((value as Record<string, unknown>)[key]);
    if (k < 0) return -1;
    keys += k + 1;
  }
  return keys;
}
