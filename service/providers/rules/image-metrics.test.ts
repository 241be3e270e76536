import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistance, measureImage } from './image-metrics.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p));

const WHITE_MAINS = ['abo/B0799CK52K/d80a51d3.jpg', 'abo/B07GTFSCHB/844a1cce.jpg', 'abo/B074M5HPBD/dcace9b5.jpg'];
const TRANSPARENT_PNGS = ['saleor/saleor-apple-drink.png', 'saleor/saleor-dash-tee-back.png', 'saleor/saleor-sunnies.png', 'saleor/saleor-white-parrot-cushion.png'];
const GROCERY_NATURAL = ['Alpro-Fresh-Soy-Milk', 'Arla-Standard-Milk', 'Oatly-Oat-Milk', 'Tropicana-Apple-Juice']
  .flatMap((p) => [1, 2].map((i) => `grocery/${p}/natural_${p}_00${i}.jpg`));

/** A canvas of `bg` with a rectangle of `fg` at (x, y, w, h); JPEG-encoded like a real upload. */
async function canvas(width: number, height: number, bg: string, fg: string, box: [number, number, number, number], format: 'jpeg' | 'png' = 'jpeg') {
  const [x, y, w, h] = box;
  const product = await sharp({ create: { width: w, height: h, channels: 3, background: fg } }).png().toBuffer();
  const img = sharp({ create: { width, height, channels: 3, background: bg } }).composite([{ input: product, left: x, top: y }]);
  return format === 'jpeg' ? img.jpeg({ quality: 88 }).toBuffer() : img.png().toBuffer();
}

/** Largest channel difference between two #rrggbb colours. */
function colourGap(a: string, b: string): number {
  const ch = (h: string, i: number) => parseInt(h.slice(1 + 2 * i, 3 + 2 * i), 16);
  return Math.max(...[0, 1, 2].map((i) => Math.abs(ch(a, i) - ch(b, i))));
}

describe('measureImage on real listings', () => {
  it.each(WHITE_MAINS)('%s is a compliant white-background main image', async (file) => {
    const m = await measureImage(fixture(file));
    expect(m.format).toBe('jpeg');
    expect(m.background.isWhite).toBe(true);
    expect(m.background.whiteNear).toBeGreaterThanOrEqual(0.9);
    expect(m.background.whitePure).toBeGreaterThan(0.85);
    expect(m.background.referenceColour).toBe('#ffffff');
    expect(m.fillLongSide).toBeGreaterThanOrEqual(0.85);
    expect(m.zoomReady).toBe(true);
    expect(m.recommendedSize).toBe(false);
  });

  it('reports the fill of a product with margins (vitamin jar: tall, narrow)', async () => {
    const m = await measureImage(fixture('abo/B07GTFSCHB/844a1cce.jpg'));
    expect(m.fillLongSide).toBeCloseTo(0.87, 1);
    expect(m.fillArea).toBeGreaterThan(0.35);
    expect(m.fillArea).toBeLessThan(0.5);
    expect(m.productBox).not.toBeNull();
  });

  it('a saturated yellow backdrop is not white, and its mean colour says so', async () => {
    const m = await measureImage(fixture('saleor/apparel.jpg'));
    expect(m.background.isWhite).toBe(false);
    expect(m.background.whiteNear).toBeLessThan(0.001);
    expect(m.background.meanColour).toMatch(/^#f[0-9a-f]b[0-9a-f]0[0-9a-f]$/);
    expect(m.dominantColours[0]?.share).toBeGreaterThan(0.8);
    expect(m.colourfulness).toBeGreaterThan(60);
  });

  it.each(TRANSPARENT_PNGS)('%s is white after flattening its transparency', async (file) => {
    const m = await measureImage(fixture(file));
    expect(m.hadAlpha).toBe(true);
    expect(m.background.isWhite).toBe(true);
    expect(m.background.whitePure).toBeGreaterThan(0.99);
    expect(m.fillArea).toBeGreaterThan(0.2);
  });

  it('handles the palette PNG with tRNS transparency (parrot cushion)', async () => {
    const m = await measureImage(fixture('saleor/saleor-white-parrot-cushion.png'));
    expect(m.format).toBe('png');
    expect(m.background.whitePure).toBe(1);
    expect(m.fillLongSide).toBeGreaterThan(0.6);
    expect(m.fillLongSide).toBeLessThan(0.85);
  });

  it.each(GROCERY_NATURAL)('%s (cluttered in-store photo) is not white', async (file) => {
    const m = await measureImage(fixture(file));
    expect(m.background.isWhite).toBe(false);
    expect(m.background.whiteNear).toBeLessThan(0.05);
    expect(m.background.uniformity).toBeLessThan(0.6);
    expect(m.zoomReady).toBe(false);
  });

  it('measures a dozen images quickly (a run measures ~12)', async () => {
    const files = [...WHITE_MAINS, ...TRANSPARENT_PNGS, 'saleor/apparel.jpg', 'abo/B07GTFSCHB/31afd5f5.jpg', ...GROCERY_NATURAL.slice(0, 3)];
    const start = performance.now();
    const all = await Promise.all(files.map((f) => measureImage(fixture(f))));
    expect(all).toHaveLength(12);
    expect(performance.now() - start).toBeLessThan(10_000);
  });
});

describe('measureImage on synthetic images', () => {
  it('a product covering 40% of a coloured backdrop has fillArea ≈ 0.4', async () => {
    // 800×500 on 1000×1000 = 0.40 of the area.
    const m = await measureImage(await canvas(1000, 1000, '#2a6fdb', '#e8c547', [100, 250, 800, 500]));
    expect(m.background.isWhite).toBe(false);
    expect(colourGap(m.background.meanColour, '#2a6fdb')).toBeLessThanOrEqual(4);
    expect(Math.abs(m.fillArea - 0.4)).toBeLessThanOrEqual(0.05);
    expect(m.fillLongSide).toBeCloseTo(0.8, 1);
  });

  it('a product filling 90% of a white canvas: white, and fillLongSide ≥ 0.85', async () => {
    const m = await measureImage(await canvas(1200, 1200, '#ffffff', '#303845', [60, 60, 1080, 1080]));
    expect(m.background.isWhite).toBe(true);
    expect(m.background.whitePure).toBeGreaterThan(0.99);
    expect(m.fillLongSide).toBeGreaterThanOrEqual(0.85);
    expect(m.fillArea).toBeCloseTo(0.81, 1);
    expect(m.legibility).toBeGreaterThan(0);
    expect(m.legibility).toBeLessThanOrEqual(1);
  });

  it('a product on a transparent canvas counts as white background', async () => {
    const product = await sharp({ create: { width: 400, height: 600, channels: 4, background: '#a02030ff' } }).png().toBuffer();
    const png = await sharp({ create: { width: 800, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: product, left: 200, top: 100 }]).png().toBuffer();
    const m = await measureImage(png);
    expect(m.hadAlpha).toBe(true);
    expect(m.background.whitePure).toBe(1);
    expect(m.fillHeight).toBeCloseTo(0.75, 1);
    expect(m.productBox).toEqual({ x: 200, y: 100, width: 400, height: 600 });
  });

  it('ignores specks of noise when finding the product', async () => {
    const speck = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000000' } }).png().toBuffer();
    const base = await canvas(1000, 1000, '#ffffff', '#204060', [300, 300, 400, 400], 'png');
    const noisy = await sharp(base).composite([{ input: speck, left: 20, top: 950 }, { input: speck, left: 960, top: 30 }]).png().toBuffer();
    const m = await measureImage(noisy);
    expect(m.fillLongSide).toBeCloseTo(0.4, 1);
  });

  it('flags resolution for zoom (≥ 1000 px) and the recommended size (≥ 1600 px)', async () => {
    const small = await measureImage(await canvas(900, 600, '#ffffff', '#000000', [100, 100, 700, 400]));
    const zoom = await measureImage(await canvas(1200, 1000, '#ffffff', '#000000', [100, 100, 1000, 800]));
    const big = await measureImage(await canvas(1000, 2000, '#ffffff', '#000000', [100, 100, 800, 1800]));
    expect([small.zoomReady, small.recommendedSize, small.longSide]).toEqual([false, false, 900]);
    expect([zoom.zoomReady, zoom.recommendedSize]).toEqual([true, false]);
    expect([big.zoomReady, big.recommendedSize, big.width, big.height]).toEqual([true, true, 1000, 2000]);
  });
});

describe('perceptual hash', () => {
  it('is stable under resizing and re-encoding, and tells different images apart', async () => {
    const bag = fixture('abo/B0799CK52K/d80a51d3.jpg');
    const smaller = await sharp(bag).resize(600).jpeg({ quality: 70 }).toBuffer();
    const [a, b, c] = await Promise.all([measureImage(bag), measureImage(smaller), measureImage(fixture('abo/B07GTFSCHB/844a1cce.jpg'))]);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(a.hash, b.hash)).toBeLessThanOrEqual(6);
    expect(hammingDistance(a.hash, c.hash)).toBeGreaterThan(6);
  });

  it('hammingDistance counts differing bits and rejects malformed hashes', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('0000000000000001', '0000000000000003')).toBe(1);
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(RangeError);
  });
});
