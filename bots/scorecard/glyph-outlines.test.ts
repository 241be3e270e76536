import { Resvg } from '@resvg/resvg-js';
import { describe, expect, test } from 'vitest';
import { FONT_FAMILY, FONT_FILES, faceOf, textWidth } from './font-metrics.ts';
import { createGlyphOutlines } from './glyph-outlines.ts';
import { text } from './svg.ts';

/**
 * The outlines the scorecard draws its text with are the fonts' own: each character drawn from
 * glyph-outlines.ts covers the same pixels as resvg drawing it as `<text>` from the same font file
 * (one character at a time, so kerning cannot differ) — simple glyphs, composites (accented
 * letters built from a base and a mark), curves and punctuation, in both weights.
 */

const FONT = { loadSystemFonts: false, fontFiles: [FONT_FILES.regular, FONT_FILES.bold], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY };
const SIZE = 64;

/** Grey levels (0–255, 255 = white) of an SVG drawn 120 × 100 on white. */
function grey(body: string): Uint8Array {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="100">${body}</svg>`;
  const { pixels } = new Resvg(svg, { font: FONT, fitTo: { mode: 'original' }, background: '#ffffff' }).render();
  const out = new Uint8Array(pixels.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = pixels[i * 4]!;
  return out;
}

const ink = (g: Uint8Array) => g.reduce((s, v) => s + (255 - v), 0);

describe('glyph outlines', () => {
  const chars = ['A', 'g', 'Q', '8', '@', 'é', 'Å', 'Ç', 'ñ', 'Ž', 'ø', 'Ω', 'Ж', '“', '→', '≥', '×', '★', '%'];
  for (const bold of [false, true]) {
    test.each(chars)(`%s (${bold ? 'bold' : 'regular'}) covers the pixels resvg draws from the font`, (c) => {
      const weight = bold ? ' font-weight="bold"' : '';
      const expected = grey(`<text x="20" y="75" font-family="${FONT_FAMILY}" font-size="${SIZE}"${weight} fill="#000">${c}</text>`);
      const drawn = grey(text(20, 75, c, { size: SIZE, bold, fill: '#000' }));
      expect(ink(expected)).toBeGreaterThan(20_000); // something was drawn
      let diff = 0;
      for (let i = 0; i < drawn.length; i++) diff += Math.abs(drawn[i]! - expected[i]!);
      // Identical but for anti-aliasing at the edges: under 2 % of the ink differs.
      expect(diff / ink(expected)).toBeLessThan(0.02);
    });
  }

  test('a line is its glyphs advanced by their widths: as wide as font-metrics measures it', () => {
    const face = faceOf({});
    const line = createGlyphOutlines(face);
    const d = line('Hi Hi');
    // Two H-i groups: the second starts where the measured width of "Hi " puts it.
    const starts = [...d.matchAll(/[Mm](-?[\d.]+) (-?[\d.]+)/g)].map((m) => Number(m[1]));
    expect(starts.length).toBeGreaterThanOrEqual(4);
    const absolute = starts.reduce<number[]>((xs, dx, i) => [...xs, i === 0 ? dx : xs[i - 1]! + dx], []);
    const hWidth = (textWidth('Hi ', { size: face.unitsPerEm }));
    // The first contour of the second H is one "Hi " further than the first H's.
    expect(absolute).toContainEqual(expect.closeTo(absolute[0]! + hWidth, 0));
  });

  test('a curve through an implied on-curve point is written as `t` (its control point mirrored), not repeated', () => {
    const line = createGlyphOutlines(faceOf({}));
    // "o" is all curves, most of them through points TrueType leaves implied.
    const d = line('o');
    expect(d).toMatch(/t-?[\d.]+ -?[\d.]+/);
    expect(d.match(/t/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
  });

  test('characters the font cannot draw draw nothing, and a blank line is no element', () => {
    const line = createGlyphOutlines(faceOf({}));
    expect(line('😀')).toBe('');
    expect(text(0, 10, '   ', { size: 20 })).toBe('');
  });
});
