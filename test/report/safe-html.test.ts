// The one HTML builder of report/: everything interpolated is escaped unless it is SafeHtml, and
// scripts carry their texts, whose hashes the page's Content-Security-Policy (csp.ts) allows.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, scriptHash } from "../../src/report/csp.js";
import { escapeHtml, html, inlineScript, joinHtml, scriptJson, trustedHtml } from "../../src/report/safe-html.js";

const PAYLOAD = `"'><img src=x onerror=alert(1)></script><script>alert(2)</script>&<!--`;

describe("html", () => {
  it("escapes every interpolated string and number, in text and in quoted attributes", () => {
    const out = String(html`<p title="${PAYLOAD}">${PAYLOAD} ${42}</p>`);
    expect(out).toBe(
      `<p title="&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;&amp;&lt;!--">` +
        `&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;&amp;&lt;!-- 42</p>`,
    );
  });

  it("escapes whatever a crafted file puts where a number or a string was expected", () => {
    // JSON.parse gives plain objects and arrays: none of them is SafeHtml.
    const crafted = JSON.parse(`{"n": {"toString": "<b>"}, "list": ["<i>", 1], "html": {"text": "<u>"}}`);
    const values = [crafted.n, crafted.list, crafted.html, true] as never[];
    const out = String(html`${values[0]}|${values[1]}|${values[2]}|${values[3]}`);
    expect(out).toBe(
      "{&quot;toString&quot;:&quot;&lt;b&gt;&quot;}|&lt;i&gt;1|{&quot;text&quot;:&quot;&lt;u&gt;&quot;}|true",
    );
    expect(out).not.toMatch(/<[a-z]/);
  });

  it("shows a crafted deep array as text instead of overflowing the stack", () => {
    let deep: unknown = "<x>";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const out = String(html`<p>${deep as never}</p><p>${[["a", ["<b>"]]] as never}</p>`);
    expect(out).toBe("<p>[unprintable value]</p><p>a[&quot;&lt;b&gt;&quot;]</p>");
  });

  it("inserts SafeHtml as it is, and nothing for null, undefined and false", () => {
    const inner = html`<em>${"a<b"}</em>`;
    expect(String(html`<p>${inner}${null}${undefined}${false}${[inner, "<"]}</p>`)).toBe(
      "<p><em>a&lt;b</em><em>a&lt;b</em>&lt;</p>",
    );
    expect(String(trustedHtml("<svg><text>x</text></svg>"))).toBe("<svg><text>x</text></svg>");
  });

  it("joins parts with an escaped separator", () => {
    expect(String(joinHtml(["<a>", html`<b>`], " & "))).toBe("&lt;a&gt; &amp; <b>");
    expect(String(joinHtml([html`<i>`, html`<i>`], html`<br>`))).toBe("<i><br><i>");
  });

  it("escapes the five characters that matter in HTML", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("inlineScript and scriptJson", () => {
  it("keeps a string inside the script from ending it, and the JSON equal to the value", () => {
    const value = { a: PAYLOAD, b: "\u2028\u2029", c: [1, null, true] };
    const literal = scriptJson(value);
    expect(literal).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(literal)).toEqual(value);
    // As JavaScript too: a U+2028 in a string literal broke scripts before ES2019.
    expect(new Function(`return ${literal};`)()).toEqual(value);
  });

  it("hashes exactly the text between the tags, after neutralising </script and <!--", () => {
    const script = inlineScript('const s = "</script><!--";');
    const text = String(script).slice("<script>".length, -"</script>".length);
    expect(text).toBe('const s = "<\\/script><\\!--";');
    const digest = createHash("sha256").update(text).digest("base64");
    expect(script.scripts).toEqual([text]);
    expect(scriptHash(text)).toBe(`'sha256-${digest}'`);
  });

  it("carries scripts through html and joinHtml; trusted markup brings none", () => {
    const a = inlineScript("1");
    const b = inlineScript("2");
    const page = html`<main>${trustedHtml("<script>3</script>")}${joinHtml([a, html`<p>${b}</p>`])}</main>`;
    expect(page.scripts).toEqual([...a.scripts, ...b.scripts]);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows only the listed scripts and no source of any kind", () => {
    const csp = contentSecurityPolicy(["a()", "b()", "a()"]);
    const directives = Object.fromEntries(
      csp.split(/;\s*/).map((d) => {
        const [name, ...values] = d.split(" ");
        return [name, values];
      }),
    );
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual([scriptHash("a()"), scriptHash("b()")]);
    expect(directives["connect-src"]).toEqual(["'none'"]);
    expect(directives["img-src"]).toEqual(["data:"]);
    expect(directives["base-uri"]).toEqual(["'none'"]);
    expect(directives["form-action"]).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|unsafe-hashes|strict-dynamic|https?:|\*/);
    expect(directives["script-src"]).not.toContain("'unsafe-inline'");
    expect(contentSecurityPolicy([])).toContain("script-src 'none'");
  });
});
