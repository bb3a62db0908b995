// The one way report/ builds HTML: the `html` tagged template escapes every interpolated value
// unless it is already SafeHtml, so text read from summary.json, sweep.json or a partial can only
// ever become text on the page. Scripts are made by inlineScript alone, which records each one's
// text so the page's Content-Security-Policy (csp.ts) allows exactly those scripts by hash and nothing
// else. No Node API here: the browser page builds its tables with the same helper.

/**
 * HTML that is safe to insert as is: made by {@link html}, {@link inlineScript} or, for markup
 * produced by a trusted generator, {@link trustedHtml}. JSON.parse can never produce one (it is a
 * class instance with a private field, and the class is not exported), so a crafted input file
 * cannot pass as markup.
 */
class SafeHtml {
  /** The markup in pieces, joined once by toString: nesting never copies the inlined libraries. */
  readonly #chunks: readonly string[];
  #text: string | null = null;
  /** The texts of the inline scripts inside, in document order (csp.ts scripts them for the policy). */
  readonly scripts: readonly string[];

  constructor(chunks: readonly string[], scripts: readonly string[] = []) {
    this.#chunks = chunks;
    this.scripts = scripts;
  }

  /** Append this markup's pieces and scripts to a builder's (loops, not spreads: a table may have 10⁵ rows). */
  appendTo(chunks: string[], scripts: string[]): void {
    for (const chunk of this.#chunks) chunks.push(chunk);
    for (const script of this.scripts) scripts.push(script);
  }

  toString(): string {
    this.#text ??= this.#chunks.join("");
    return this.#text;
  }
}

export type { SafeHtml };

/** What `html` accepts: nothing is inserted for null, undefined or false, arrays are concatenated. */
export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

/** Text safe inside an HTML element or a quoted attribute (always quote attributes). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Append a value's markup. Arrays are flattened two levels deep, as the builders use them; a
 * deeper array can only come from a crafted file and is shown as its JSON text instead of being
 * recursed into (a 10⁵-deep array would overflow the stack).
 */
function append(value: unknown, out: string[], scripts: string[], depth = 0): void {
  if (value === null || value === undefined || value === false) return;
  if (value instanceof SafeHtml) value.appendTo(out, scripts);
  else if (Array.isArray(value) && depth < 2) for (const item of value) append(item, out, scripts, depth + 1);
  else out.push(escapeHtml(plainText(value)));
}

/**
 * A value as text: strings as they are, numbers as String gives them, and an object that a crafted
 * file put where a number or string was expected as its JSON (String would call the file's own
 * "toString" key, or throw).
 */
function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" && typeof value !== "function") return String(value);
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "[unprintable value]";
  }
}

/**
 * Markup with every `${value}` escaped: html`<td>${cell}</td>`. SafeHtml values are inserted as
 * they are (and their scripts' scripts carried along). Only for element content and quoted
 * attribute values — never inside <script>, <style>, an unquoted attribute or a URL.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  const out: string[] = [strings[0]];
  const scripts: string[] = [];
  values.forEach((value, i) => {
    append(value, out, scripts);
    out.push(strings[i + 1]);
  });
  return new SafeHtml(out, scripts);
}

/** Parts joined by a separator ("\n", ", "), each and the separator escaped unless SafeHtml. */
export function joinHtml(parts: readonly HtmlValue[], separator: HtmlValue = ""): SafeHtml {
  const out: string[] = [];
  const scripts: string[] = [];
  parts.forEach((part, i) => {
    if (i > 0) append(separator, out, scripts);
    append(part, out, scripts);
  });
  return new SafeHtml(out, scripts);
}

/**
 * Markup inserted unescaped. Only for text this program generates itself (a constant style sheet,
 * vega's SVG, whose text and attributes vega escapes): never for anything read from a file.
 * A <script> inside runs only if made by inlineScript: its hash is not in the page's policy.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml([markup]);
}

/** JavaScript that no "</script" or "<!--" inside can end early or confuse. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** A <script> element holding `js`, allowed by the page's policy through its hash. */
export function inlineScript(js: string): SafeHtml {
  const text = scriptText(js);
  return new SafeHtml(["<script>", text, "</script>"], [text]);
}

/**
 * A value as a JavaScript literal for inlineScript: JSON with "<", ">", "&" and the line
 * separators U+2028/2029 escaped, so nothing in a string can end the script or start a comment.
 */
export function scriptJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return "undefined";
  return json
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
