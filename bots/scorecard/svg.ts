import { faceOf, textWidth, wrap, type TextStyle } from './font-metrics.ts';
import { createGlyphOutlines } from './glyph-outlines.ts';

/**
 * SVG pieces for the scorecard. Every text that reaches the document goes through `esc` (titles,
 * fixes and personas come from listings and models), and every text element is measured against
 * its box first (font-metrics.ts), so nothing a listing says can break the document or overflow.
 */

export const WIDTH = 1200;
export const MARGIN = 40;

export const COLOURS = {
  ink: '#1f2328',
  muted: '#57606a',
  faint: '#d0d7de',
  panel: '#f6f8fa',
  win: '#1a7f37',
  winSoft: '#dafbe1',
  mine: '#0969da',
  bad: '#cf222e',
  warn: '#9a6700',
  bar: '#8c959f',
  /** The measured product box drawn on a main image. */
  measure: '#e36209',
  white: '#ffffff',
} as const;

/** XML-escaped text for element content and attribute values; control characters dropped. */
export function esc(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface TextOptions extends TextStyle {
  readonly fill?: string;
  /** 'end': `x` is the right edge. */
  readonly anchor?: 'start' | 'middle' | 'end';
}

const outlines = { regular: undefined as ((text: string) => string) | undefined, bold: undefined as ((text: string) => string) | undefined };
const linePath = (s: string, bold: boolean) => (bold ? (outlines.bold ??= createGlyphOutlines(faceOf({ bold: true }))) : (outlines.regular ??= createGlyphOutlines(faceOf({}))))(s);

/**
 * One line of text whose baseline is at `y` (already fitted to its box by the caller), drawn as
 * its glyphs' outlines (glyph-outlines.ts): one path scaled from font units, its left edge where
 * the anchor puts the measured width. `aria-label` keeps what it says; `data-font` its size and
 * weight (the overflow test measures each line with them).
 */
export function text(x: number, y: number, s: string, o: TextOptions): string {
  const bold = o.bold === true;
  const width = o.anchor === 'middle' || o.anchor === 'end' ? textWidth(s, o) : 0;
  const left = o.anchor === 'middle' ? x - width / 2 : o.anchor === 'end' ? x - width : x;
  const k = o.size / faceOf({ bold }).unitsPerEm;
  const d = linePath(s, bold);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return d
    ? `<path transform="matrix(${k} 0 0 ${-k} ${r(left)} ${r(y)})" fill="${o.fill ?? COLOURS.ink}" data-font="${o.size}${bold ? ' bold' : ''}" aria-label="${esc(s)}" d="${d}"/>`
    : '';
}

/** Line height for a font size: 1.3 em. */
export const lineHeight = (size: number) => Math.round(size * 1.3);

/**
 * A paragraph wrapped into `width` from the top `y` (not the baseline): its SVG and the height it
 * took. At most `maxLines` lines, the last one ending in "…" when cut.
 */
export function paragraph(x: number, y: number, width: number, s: string, o: TextOptions & { maxLines?: number }): { svg: string; height: number } {
  const lines = wrap(s, width, o, o.maxLines);
  const lh = lineHeight(o.size);
  const svg = lines.map((l, i) => text(x, y + Math.round(o.size * 0.95) + i * lh, l, o)).join('');
  return { svg, height: lines.length * lh };
}

export const rect = (x: number, y: number, w: number, h: number, fill: string, extra = '') =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;

/** A rounded label ("WINS", "YOURS") with white bold text; returns its SVG and width. */
export function pill(x: number, y: number, label: string, fill: string, size = 22, width?: number): { svg: string; width: number } {
  const w = width ?? Math.round(textWidth(label, { size, bold: true }) + size * 1.4);
  const h = Math.round(size * 1.6);
  return {
    svg: `${rect(x, y, w, h, fill, `rx="${Math.round(h / 2)}"`)}${text(x + w / 2, y + Math.round(h / 2 + size * 0.36), label, { size, bold: true, fill: COLOURS.white, anchor: 'middle' })}`,
    width: w,
  };
}

/** The whole document: a white page of WIDTH × height. */
export function document(height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">${rect(0, 0, WIDTH, height, COLOURS.white)}${body}</svg>`;
}
