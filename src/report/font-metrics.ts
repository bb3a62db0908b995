// Text widths from the TrueType files the PNGs are drawn with. Headless vega has no canvas to
// measure text, and its fallback guess (0.8 em per character) is ~45 % too wide for DejaVu Sans:
// labels get truncated and charts get wide blank margins. Advance widths from the font fix both.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Debian's fonts-dejavu-core, installed by .ci/run: the only fonts the PNGs are drawn with
 * (render.ts), measured here, and cut into subsets by scripts/build-fonts.mjs.
 */
export const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
export const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) =>
  join(FONT_DIR, f),
);

/** Advance widths of one font, in em, by Unicode code point (Basic Multilingual Plane). */
export class FontWidths {
  private readonly advance: Float64Array;
  private readonly glyphOf = new Map<number, number>();
  private readonly fallback: number;

  constructor(ttf: Uint8Array) {
    const data = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
    const tables = new Map<string, number>();
    const numTables = data.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const at = 12 + 16 * i;
      const tag = String.fromCharCode(ttf[at], ttf[at + 1], ttf[at + 2], ttf[at + 3]);
      tables.set(tag, data.getUint32(at + 8));
    }
    const table = (tag: string) => {
      const offset = tables.get(tag);
      if (offset === undefined) throw new Error(`font has no ${tag} table`);
      return offset;
    };
    // OpenType spec: head.unitsPerEm at 18, hhea.numberOfHMetrics at 34, hmtx pairs of (advance, lsb).
    const unitsPerEm = data.getUint16(table("head") + 18);
    const metrics = data.getUint16(table("hhea") + 34);
    const hmtx = table("hmtx");
    this.advance = new Float64Array(metrics);
    for (let g = 0; g < metrics; g++) this.advance[g] = data.getUint16(hmtx + 4 * g) / unitsPerEm;
    this.readCmap(data, table("cmap"));
    this.fallback = this.width("n");
  }

  /** cmap format 4 (Windows Unicode BMP), the subtable every TrueType font for Windows carries. */
  private readCmap(data: DataView, cmap: number): void {
    const subtables = data.getUint16(cmap + 2);
    for (let i = 0; i < subtables; i++) {
      const platform = data.getUint16(cmap + 4 + 8 * i);
      const encoding = data.getUint16(cmap + 6 + 8 * i);
      const at = cmap + data.getUint32(cmap + 8 + 8 * i);
      if (platform !== 3 || encoding !== 1 || data.getUint16(at) !== 4) continue;
      const segments = data.getUint16(at + 6) / 2;
      const ends = at + 14;
      const starts = ends + 2 * segments + 2;
      const deltas = starts + 2 * segments;
      const rangeOffsets = deltas + 2 * segments;
      for (let s = 0; s < segments; s++) {
        const end = data.getUint16(ends + 2 * s);
        const start = data.getUint16(starts + 2 * s);
        const delta = data.getInt16(deltas + 2 * s);
        const rangeAt = rangeOffsets + 2 * s;
        const rangeOffset = data.getUint16(rangeAt);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number;
          if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
          else {
            const raw = data.getUint16(rangeAt + rangeOffset + 2 * (c - start));
            glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
          }
          if (glyph !== 0) this.glyphOf.set(c, glyph);
        }
      }
      return;
    }
    throw new Error("font has no Unicode BMP cmap (format 4)");
  }

  /** Whether the font has a glyph for a code point (of the Basic Multilingual Plane). */
  maps(codePoint: number): boolean {
    return this.glyphOf.has(codePoint);
  }

  /** Width of `text` in em (no kerning: vega's canvas measurement does not kern either). */
  width(text: string): number {
    let w = 0;
    for (const ch of text) {
      const glyph = this.glyphOf.get(ch.codePointAt(0) ?? 0);
      if (glyph === undefined) w += this.fallback ?? 0.6;
      else w += this.advance[Math.min(glyph, this.advance.length - 1)];
    }
    return w;
  }

  static load(file: string): FontWidths {
    return new FontWidths(readFileSync(file));
  }
}

/** The part of a vega text item that decides its width. */
export interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * A replacement for vega's `textMetrics.width(item, text)`: regular or bold widths by the item's
 * weight, at its size (vega's default 11 px), capped at the item's `limit` as vega truncates to it.
 */
export function textWidthFunction(regular: FontWidths, bold: FontWidths): (item: TextItem, text: unknown) => number {
  return (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const s = text == null ? "" : String(text).trim();
    if (size <= 0 || s.length === 0) return 0;
    const weight = item.fontWeight;
    const isBold = weight === "bold" || weight === "bolder" || (typeof weight === "number" && weight >= 600);
    const w = (isBold ? bold : regular).width(s) * size;
    return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
}
