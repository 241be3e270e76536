import { readFileSync } from 'node:fs';
import path from 'node:path';
import { atWordBoundary } from '../../service/app/views/index.ts';

/**
 * The bundled fonts (assets/fonts: DejaVu Sans and DejaVu Sans Bold, subsets for Latin, Greek,
 * Cyrillic and common symbols) and their glyph widths, read
 * from the font files themselves (the `cmap` and `hmtx` tables), so text is measured as it will
 * be drawn: a line is wrapped or cut before it would overflow its box, never after. Characters the
 * fonts have no glyph for (emoji, CJK) would draw as nothing; they are left out before measuring.
 *
 * @see https://learn.microsoft.com/en-us/typography/opentype/spec/cmap (format 4)
 */

export const FONT_DIR = path.resolve(import.meta.dirname, '../../assets/fonts');
export const FONT_FILES = { regular: path.join(FONT_DIR, 'DejaVuSans-subset.ttf'), bold: path.join(FONT_DIR, 'DejaVuSans-Bold-subset.ttf') } as const;
export const FONT_FAMILY = 'DejaVu Sans';

/** One parsed face: what measuring and drawing its text need. */
export interface Face {
  readonly buf: Buffer;
  readonly unitsPerEm: number;
  /** A table's offset in `buf` (throws when the font has none). */
  table(tag: string): number;
  /** The glyph a code point maps to (0: none). */
  glyph(cp: number): number;
  /** A glyph's advance width in font units. */
  advanceUnits(glyph: number): number;
  /** Advance width in em per code point; undefined when the font has no glyph for it. */
  advance(cp: number): number | undefined;
}

function parseFont(buf: Buffer): Face {
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) tables.set(buf.toString('latin1', 12 + 16 * i, 16 + 16 * i), buf.readUInt32BE(20 + 16 * i));
  const at = (tag: string) => {
    const o = tables.get(tag);
    if (o === undefined) throw new Error(`font has no ${tag} table`);
    return o;
  };
  const unitsPerEm = buf.readUInt16BE(at('head') + 18);
  const hMetrics = buf.readUInt16BE(at('hhea') + 34);
  const hmtx = at('hmtx');
  const cmap = at('cmap');
  let sub = -1;
  for (let i = 0; i < buf.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const offset = cmap + buf.readUInt32BE(rec + 4);
    if (buf.readUInt16BE(offset) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) sub = offset;
  }
  if (sub < 0) throw new Error('font has no Unicode BMP cmap');
  const segs = buf.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const ranges = deltas + 2 * segs;
  const glyph = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segs; s++) {
      if (buf.readUInt16BE(ends + 2 * s) < cp) continue;
      const start = buf.readUInt16BE(starts + 2 * s);
      if (start > cp) return 0;
      const delta = buf.readInt16BE(deltas + 2 * s);
      const range = buf.readUInt16BE(ranges + 2 * s);
      if (range === 0) return (cp + delta) & 0xffff;
      const g = buf.readUInt16BE(ranges + 2 * s + range + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const advanceUnits = (g: number) => buf.readUInt16BE(hmtx + 4 * Math.min(g, hMetrics - 1));
  const cache = new Map<number, number | undefined>();
  return {
    buf,
    unitsPerEm,
    table: at,
    glyph,
    advanceUnits,
    advance(cp) {
      if (cache.has(cp)) return cache.get(cp);
      const g = glyph(cp);
      const w = g === 0 ? undefined : advanceUnits(g) / unitsPerEm;
      cache.set(cp, w);
      return w;
    },
  };
}

let loaded: { regular: Face; bold: Face } | undefined;
const fonts = () => (loaded ??= { regular: parseFont(readFileSync(FONT_FILES.regular)), bold: parseFont(readFileSync(FONT_FILES.bold)) });

/** The parsed face of a style (regular or bold). */
export const faceOf = (style: { readonly bold?: boolean }): Face => (style.bold ? fonts().bold : fonts().regular);

export interface TextStyle {
  readonly size: number;
  readonly bold?: boolean;
}

/** Text as the fonts can draw it: whitespace collapsed, characters without a glyph left out. */
export function drawable(text: string): string {
  const m = fonts().regular;
  return Array.from(text.replace(/\s+/g, ' ').trim())
    .filter((c) => m.advance(c.codePointAt(0)!) !== undefined)
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Width in pixels of drawable text (kerning left out: it only ever narrows DejaVu's lines). */
export function textWidth(text: string, style: TextStyle): number {
  const m = style.bold ? fonts().bold : fonts().regular;
  let em = 0;
  for (const c of text) em += m.advance(c.codePointAt(0)!) ?? 0;
  return em * style.size;
}

/** The longest start of `text` that fits `max` pixels with "…", cut at a word boundary. */
export function fitLine(text: string, max: number, style: TextStyle): string {
  const s = drawable(text);
  if (textWidth(s, style) <= max) return s;
  const chars = Array.from(s);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${atWordBoundary(chars.slice(0, mid).join(''), chars[mid])}…`, style) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${atWordBoundary(chars.slice(0, lo).join(''), chars[lo])}…`;
}

/**
 * `text` wrapped into lines of at most `max` pixels, at most `maxLines` of them; the last one ends
 * in "…" when the text does not fit. A word longer than a line is broken where it must be.
 */
export function wrap(text: string, max: number, style: TextStyle, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let rest = drawable(text);
  while (rest && lines.length < maxLines) {
    if (lines.length === maxLines - 1 || textWidth(rest, style) <= max) {
      lines.push(fitLine(rest, max, style));
      break;
    }
    const words = rest.split(' ');
    let line = '';
    let used = 0;
    for (const w of words) {
      const next = line ? `${line} ${w}` : w;
      if (textWidth(next, style) > max) break;
      line = next;
      used++;
    }
    if (used === 0) {
      // One word wider than the line: as many characters as fit.
      const chars = Array.from(words[0]!);
      let n = 1;
      while (n < chars.length && textWidth(chars.slice(0, n + 1).join(''), style) <= max) n++;
      line = chars.slice(0, n).join('');
      rest = [chars.slice(n).join(''), ...words.slice(1)].join(' ').trim();
    } else {
      rest = words.slice(used).join(' ');
    }
    lines.push(line);
  }
  return lines;
}
