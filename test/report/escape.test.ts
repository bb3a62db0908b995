// report/escape.ts: HTML escaping shared by report.html and the browser page's advice words.
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/report/escape.js";
import { escapeHtml as fromHtml } from "../../src/report/html.js";

describe("escapeHtml", () => {
  it("escapes the five characters that matter in elements and quoted attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("is the function html.ts exports", () => {
    expect(fromHtml).toBe(escapeHtml);
  });
});
