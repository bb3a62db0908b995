// Escaping text for HTML, apart from html.ts (which reads the chart libraries from node_modules),
// so that code shared with the browser page (advice-html.ts) stays free of file access.

/** Text safe inside an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
