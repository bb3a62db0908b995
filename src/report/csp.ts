// The report page's Content-Security-Policy: the SHA-256 of each script that inlineScript made
// (safe-html.ts carries their texts) and nothing else. Apart from safe-html.ts because hashing
// uses Node's crypto, and the browser page shares safe-html.ts.
import { createHash } from "node:crypto";

/** The CSP source that allows an inline script with exactly this text. */
export function scriptHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The page's Content-Security-Policy for the inline scripts whose texts are `scripts`: nothing
 * from any network or file, no plugins, forms or base URL, scripts only those listed by hash (so no inline event handler or injected <script>
 * runs and eval is refused), images only as data: URLs. Styles may be inline: vega-embed and
 * vega-tooltip add their own <style> elements, and CSS can neither run script nor, with every
 * fetch refused, send anything anywhere.
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = [...new Set(scripts.map(scriptHash))];
  return [
    "default-src 'none'",
    `script-src ${hashes.length > 0 ? hashes.join(" ") : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src 'none'",
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}
