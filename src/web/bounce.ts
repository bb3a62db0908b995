// The page's "Paste a bounce" box: `sim explain`'s own functions (explain/bounce.ts parses,
// classify/ classifies, explain/explain.ts words it) with the page's latest advice for the
// current scenario standing in for `--scenario`. Everything the user pasted reaches the page as
// text nodes (textContent); the only attribute built from a result is a lookup link's href, and
// only after `safeHref` has checked it is a plain http(s) URL.
import type { Advice } from "../experiment/advise.js";
import { parseBounce } from "../explain/bounce.js";
import { type Explanation, explainBounce, explanationText, needsAdvice } from "../explain/explain.js";

/**
 * An http(s) URL as an href, or null: parsed by the URL parser (not matched by prefix), no
 * credentials, and re-serialised so what the link opens is exactly what it shows.
 */
export function safeHref(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username !== "" || url.password !== "") return null;
  return url.href === text ? url.href : null;
}

/**
 * `sim explain`'s explanation of a pasted bounce: with `advice` (the page's `advise` on the
 * current scenario) exactly as `sim explain --scenario`, which asks for advice only when the
 * bounce is a permanent block.
 */
export function explainPaste(text: string, advice: Advice | null): Explanation {
  const bounce = parseBounce(text);
  return explainBounce(bounce, advice && needsAdvice(bounce) ? advice : null);
}

/** `sim explain --json`'s bytes (report/files.ts jsonText). */
export function explanationJson(e: Explanation): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

/** A line of `sim explain`'s text as nodes: its lookup URLs (checked) as links, the rest as text. */
function lineNodes(line: string, urls: string[]): Node[] {
  const nodes: Node[] = [];
  let rest = line;
  for (;;) {
    let at = -1;
    let url = "";
    for (const u of urls) {
      const i = rest.indexOf(u);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        url = u;
      }
    }
    if (at < 0) break;
    if (at > 0) nodes.push(document.createTextNode(rest.slice(0, at)));
    const a = document.createElement("a");
    a.href = url;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.textContent = url;
    nodes.push(a);
    rest = rest.slice(at + url.length);
  }
  if (rest) nodes.push(document.createTextNode(rest));
  return nodes;
}

/**
 * Render `sim explain`'s text, line for line: the diagnostic a reply quoted (indented by two
 * spaces in the terminal) as code, every other line as a paragraph. The box's text is the
 * CLI's text without its blank lines and indentation.
 */
export function renderExplanation(box: HTMLElement, e: Explanation): void {
  const urls = [
    ...new Set(
      e.recipients
        .map((r) => r.classification.lookupUrl)
        .filter((u): u is string => u !== null && safeHref(u) !== null),
    ),
  ];
  const diagnostics = new Set(e.recipients.map((r) => r.diagnostic).filter((d) => d !== null));
  const children: HTMLElement[] = [];
  for (const line of explanationText(e).split("\n")) {
    if (line === "") continue;
    if (line.startsWith("  ") && diagnostics.has(line.slice(2))) {
      const quote = document.createElement("blockquote");
      const code = quote.appendChild(document.createElement("code"));
      code.textContent = line.slice(2);
      children.push(quote);
      continue;
    }
    const p = document.createElement("p");
    if (line.startsWith("What to do: ")) p.className = "todo";
    p.append(...lineNodes(line, urls));
    children.push(p);
  }
  box.replaceChildren(...children);
}
