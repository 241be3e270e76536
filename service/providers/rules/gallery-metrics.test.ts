import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GalleryImageInput, OcrSummary } from './gallery-metrics.ts';
import { guessRole, measureGallery, summariseOcr } from './gallery-metrics.ts';
import type { ImageMetrics } from './image-metrics.ts';
import { measureImage } from './image-metrics.ts';
import { ruleSetFor } from './rule-sets.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p));
const rules = ruleSetFor(new Date('2026-08-01T00:00:00Z'));
const ocr = (text: string): OcrSummary => ({ words: text.split(/\s+/).filter(Boolean).length, chars: text.replace(/\s/g, '').length, text });

const BAG = ['d80a51d3', '528c608a', '95f7ee92', 'a8a14cd2', '25ffa37c'].map((id) => `abo/B0799CK52K/${id}.jpg`);

describe('measureGallery on a real listing (ABO duffel bag, 5 images)', () => {
  let metrics: ImageMetrics[];
  beforeAll(async () => {
    metrics = await Promise.all(BAG.map((f) => measureImage(fixture(f))));
  });

  it('counts the images and says 5 is short of the 6 recommended', () => {
    const report = measureGallery(metrics.map((m) => ({ metrics: m })), rules);
    expect(report.count).toBe(5);
    const count = report.findings.find((f) => f.id === 'gallery.count_low');
    expect(count?.severity).toBe('minor');
    expect(count?.message).toContain('5 images');
  });

  it('finds no near-duplicates among distinct angles, and flags a re-encoded copy', async () => {
    expect(measureGallery(metrics.map((m) => ({ metrics: m })), rules).nearDuplicates).toEqual([]);
    const copy = await measureImage(await sharp(fixture(BAG[0]!)).resize(700).jpeg({ quality: 75 }).toBuffer());
    const report = measureGallery([...metrics, copy].map((m) => ({ metrics: m })), rules);
    expect(report.nearDuplicates).toHaveLength(1);
    expect(report.nearDuplicates[0]).toMatchObject({ a: 0, b: 5 });
    expect(report.findings.map((f) => f.id)).toContain('gallery.near_duplicates');
  });

  it('reports per-image resolution and flags images without zoom', () => {
    const report = measureGallery(metrics.map((m) => ({ metrics: m })), rules);
    expect(report.images.map((i) => i.longSide)).toEqual([1024, 1024, 1024, 1024, 1024]);
    expect(report.images.every((i) => i.zoomReady)).toBe(true);
    expect(report.findings.map((f) => f.id)).toContain('gallery.resolution_ok');
  });

  it('guesses white-background detail for the studio shots, with a reason', () => {
    const report = measureGallery(metrics.map((m) => ({ metrics: m, ocr: ocr('') })), rules);
    expect(report.images[0]?.role).toBe('white_background_detail');
    expect(report.images[0]?.reason).toMatch(/border \d+% white, 0 words/);
    expect(report.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['gallery.roles', 'gallery.no_lifestyle', 'gallery.no_infographic']));
  });
});

describe('guessRole', () => {
  let white: ImageMetrics, strip: ImageMetrics, scene: ImageMetrics, yellow: ImageMetrics;
  beforeAll(async () => {
    [white, strip, scene, yellow] = await Promise.all([
      'abo/B07GTFSCHB/844a1cce.jpg', 'abo/B07GTFSCHB/31afd5f5.jpg',
      'grocery/Oatly-Oat-Milk/natural_Oatly-Oat-Milk_001.jpg', 'saleor/apparel.jpg',
    ].map((f) => measureImage(fixture(f)))) as [ImageMetrics, ImageMetrics, ImageMetrics, ImageMetrics];
  });
  const role = (input: GalleryImageInput) => guessRole(input).role;

  it('text-heavy images are infographics', () => {
    const words = Array.from({ length: 37 }, (_, i) => `word${i}`).join(' ');
    expect(guessRole({ metrics: strip, ocr: ocr(words) })).toEqual({ role: 'infographic', reason: 'text-heavy: OCR reads 37 words' });
  });

  it('text cues pick comparison, scale and what is in the box', () => {
    expect(role({ metrics: white, ocr: ocr('Ours vs other brands: thicker walls') })).toBe('comparison');
    expect(role({ metrics: white, ocr: ocr('Height 12 in Width 8.5 in') })).toBe('scale');
    expect(role({ metrics: white, ocr: ocr('Package includes 1 bag and 1 strap') })).toBe('in_the_box');
  });

  it('white studio shots, scenes and plain coloured backdrops', () => {
    expect(role({ metrics: white, ocr: ocr('High Strength Vitamin E') })).toBe('white_background_detail');
    expect(role({ metrics: scene })).toBe('lifestyle');
    expect(guessRole({ metrics: yellow }).reason).toMatch(/banner-shaped/); // 1950×550
  });

  it('summariseOcr keeps only confident words', () => {
    const summary = summariseOcr({
      text: 'HIGH strength ~~',
      words: [
        { text: 'HIGH', confidence: 95, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, line: 0 },
        { text: 'strength', confidence: 88, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, line: 0 },
        { text: '~~', confidence: 30, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, line: 1 },
      ],
    });
    expect(summary).toEqual({ words: 2, chars: 12, text: 'HIGH strength' });
  });

  it('an empty gallery is a major count finding and nothing else breaks', () => {
    const report = measureGallery([], rules);
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['gallery.count_low', 'major']]);
  });

  it('small images are flagged for zoom, and seven images are enough', () => {
    const seven = measureGallery([white, white, strip, scene, yellow, scene, white].map((m) => ({ metrics: m })), rules);
    expect(seven.findings.map((f) => f.id)).toContain('gallery.count_ok');
    const low = seven.findings.find((f) => f.id === 'gallery.low_resolution');
    expect(low?.message).toContain('image 4 348×348');
  });
});
