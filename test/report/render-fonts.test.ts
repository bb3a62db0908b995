// The fonts' subsets (scripts/build-fonts.mjs, dist/fonts/): resvg reads a font file whole for each
// text run, so the PNGs are drawn with subsets where those draw the same pixels — which holds only
// for text whose every character the subsets hold, and only for subsets cut from the fonts
// installed now. `npm run build` (npm test's first step) makes them.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  FONT_FILES as BUILT_FROM,
  SUBSET_RANGES,
  // @ts-expect-error: a build script, plain JavaScript without declarations
} from "../../scripts/build-fonts.mjs";
import {
  FONT_FILES,
  fontFilesFor,
  rasterise,
  readFontSubsets,
  SUBSET_DIR,
  svgWithin,
} from "../../src/report/render.js";

/** An SVG drawing `lines` of text, each in the given weight and style, 12 px apart. */
function textSvg(lines: { text: string; weight?: string; style?: string }[]): string {
  const escaped = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const body = lines
    .map(
      ({ text, weight = "normal", style = "normal" }, i) =>
        `<text x="4" y="${14 + 16 * i}" font-family="DejaVu Sans" font-size="11px" font-weight="${weight}" font-style="${style}">${escaped(text)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${20 + 16 * lines.length}">${body}</svg>`;
}

/** Every character of `ranges`, in lines of 64, in each of the three faces; and kerning pairs. */
function everyCharacter(ranges: [number, number][]): { text: string; weight?: string; style?: string }[] {
  let all = "";
  for (const [from, to] of ranges) for (let c = from; c <= to; c++) all += String.fromCodePoint(c);
  const lines: string[] = [
    "AV AW Ta To Te Ty Yo LT L' P. F, WA VA 'A r. y. f' ff fi -1 1/2 12 °C",
    "10 % – 5 min · ◆ ≤ ≥ → ×",
  ];
  for (let i = 0; i < all.length; i += 64) lines.push(all.slice(i, i + 64));
  return lines.flatMap((text) => [{ text }, { text, weight: "bold" }, { text, style: "italic" }]);
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe("the fonts' subsets", () => {
  const subsets = readFontSubsets(SUBSET_DIR);

  it("are built from the fonts the PNGs are drawn with, and are there after npm run build", () => {
    expect(BUILT_FROM).toEqual(FONT_FILES);
    expect(subsets, "run `npm run build` (needs fonts-dejavu-core)").not.toBeNull();
    // The characters asked for that every face has: Basic Latin whole, the bitcoin sign not.
    const asked = (c: number) => (SUBSET_RANGES as [number, number][]).some(([from, to]) => c >= from && c <= to);
    for (const [from, to] of subsets?.ranges ?? []) expect(asked(from) && asked(to)).toBe(true);
    expect(subsets?.ranges[0]).toEqual([0x20, 0x7e]);
    expect(asked(0x20bf) && !svgWithin("\u20bf", subsets?.ranges ?? [])).toBe(true);
    for (const file of subsets?.files ?? []) expect(readFileSync(file).length).toBeLessThan(200_000);
  });

  it("draw every character they hold, in every face, to the same pixels as the full fonts", () => {
    if (subsets === null) throw new Error("no subsets: run `npm run build`");
    const svg = textSvg(everyCharacter(subsets.ranges));
    expect(svgWithin(svg, subsets.ranges)).toBe(true);
    const full = rasterise(svg, { fontFiles: FONT_FILES });
    const cut = rasterise(svg, { fontFiles: subsets.files });
    expect(same(cut.pixels, full.pixels)).toBe(true);
    expect(same(cut.png, full.png)).toBe(true);
    // And it drew something: the full fonts' text is not the empty image.
    expect(same(full.png, rasterise(svg, { fontFiles: [] }).png)).toBe(false);
  });

  it("are not used for text with a character they lack, which the full fonts draw", () => {
    if (subsets === null) throw new Error("no subsets: run `npm run build`");
    for (const svg of [
      textSvg([{ text: "relay Ж-7 listed" }]), // Cyrillic, in DejaVu Sans but not in the subsets
      textSvg([{ text: "relay X-7 listed" }]).replace("X-7", "&#x416;-7"), // the same, as a reference
      textSvg([{ text: "relay ω listed" }]),
      textSvg([{ text: "cost \u20bf 3" }]), // in the ranges asked for, but no face of DejaVu Sans has it
    ]) {
      expect(fontFilesFor(svg)).toEqual(FONT_FILES);
      const full = rasterise(svg, { fontFiles: FONT_FILES });
      // The subsets would draw it otherwise (the glyph is missing): the choice matters.
      expect(same(rasterise(svg, { fontFiles: subsets.files }).png, full.png)).toBe(false);
      expect(same(rasterise(svg).png, full.png)).toBe(true);
    }
    expect(fontFilesFor(textSvg([{ text: "wait 5–15 min ◆" }]))).toEqual(subsets.files);
  });

  it("read characters written as references, and reject what they cannot read", () => {
    const ranges: [number, number][] = [[0x20, 0x7e]];
    expect(svgWithin("<text>A&#66;&#x43;&amp;</text>", ranges)).toBe(true);
    expect(svgWithin("<text>&#x416;</text>", ranges)).toBe(false);
    expect(svgWithin("<text>&#1046;</text>", ranges)).toBe(false);
    expect(svgWithin("<text>&#xZZ;</text>", ranges)).toBe(false);
    expect(svgWithin("<text>a\tb\nc\r</text>", ranges)).toBe(true);
    expect(svgWithin("<text>é</text>", ranges)).toBe(false);
    // A character beyond the BMP is one code point, not two halves of a surrogate pair.
    expect(svgWithin("<text>\u{1F4E7}</text>", [[0x20, 0xffff]])).toBe(false);
    expect(svgWithin("<text>\u{1F4E7}</text>", [...ranges, [0x1f4e7, 0x1f4e7]])).toBe(true);
    expect(svgWithin("<text>\u0007</text>", ranges)).toBe(false);
  });

  describe("are set aside when they do not match the installed fonts or their record is not ours", () => {
    const dir = mkdtempSync(join(tmpdir(), "relaysim-fonts-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const copy = (edit: (manifest: { ranges: unknown; fonts: Record<string, unknown>[] }) => void): string => {
      const to = mkdtempSync(join(dir, "case-"));
      cpSync(SUBSET_DIR, to, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(to, "fonts.json"), "utf8"));
      edit(manifest);
      writeFileSync(join(to, "fonts.json"), JSON.stringify(manifest));
      return to;
    };

    it("takes an unchanged copy", () => {
      expect(readFontSubsets(copy(() => {}))?.files.length).toBe(3);
    });
    it.each([
      ["another size", 0, { size: 1 }],
      ["another modification time", 1, { mtimeMs: 0 }],
      ["a path outside", 2, { subset: "../../../etc/hosts" }],
      ["a subset not there", 2, { subset: "Gone.ttf" }],
    ] as const)("%s", (_, font, patch) => {
      expect(readFontSubsets(copy((m) => Object.assign(m.fonts[font], patch)))).toBeNull();
    });
    it.each([
      ["ranges not numbers", [["a", "z"]]],
      ["a range backwards", [[0x7e, 0x20]]],
    ])("%s", (_, ranges) => {
      expect(readFontSubsets(copy((m) => Object.assign(m, { ranges })))).toBeNull();
    });
    it("a font missing", () => {
      expect(readFontSubsets(copy((m) => m.fonts.pop()))).toBeNull();
    });
    it("no record, or one that is not JSON", () => {
      expect(readFontSubsets(join(dir, "nowhere"))).toBeNull();
      const to = copy(() => {});
      writeFileSync(join(to, "fonts.json"), "{");
      expect(readFontSubsets(to)).toBeNull();
    });
  });
});
