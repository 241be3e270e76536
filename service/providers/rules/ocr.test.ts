import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { OcrResult, OcrWord } from './ocr.ts';
import { confidentWords, createOcr, detectBadges } from './ocr.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p));

/** Big black words on white, rendered by librsvg with an installed font. */
async function textImage(lines: readonly string[], width = 1200, height = 800): Promise<Buffer> {
  const size = 130;
  const top = height / 2 - ((lines.length - 1) * size * 1.2) / 2 + size / 3;
  const text = lines.map((l, i) => `<text x="${width / 2}" y="${top + i * size * 1.2}" font-family="DejaVu Sans" font-weight="bold" font-size="${size}" text-anchor="middle" fill="#000">${l}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

describe('OCR (tesseract.js, offline English model)', () => {
  const ocr = createOcr();
  afterAll(() => ocr.close());

  it('reads a "BEST SELLER" banner and detects the badge', async () => {
    const start = performance.now();
    const result = await ocr.recognize(await textImage(['BEST SELLER']));
    const elapsed = performance.now() - start;
    expect(result.text).toMatch(/BEST\s+SELLER/);
    expect(detectBadges(result).map((b) => b.badge)).toContain('BEST SELLER');
    expect(result.words.every((w) => w.bbox.x1 > w.bbox.x0 && w.bbox.x1 <= 1200)).toBe(true);
    expect(elapsed).toBeLessThan(20_000); // worker start-up included
  });

  it('finds a "50% OFF" sticker composited onto a real main image', async () => {
    const sticker = `<svg xmlns="http://www.w3.org/2000/svg" width="260" height="260"><circle cx="130" cy="130" r="125" fill="#d0021b"/>
      <text x="130" y="125" font-family="DejaVu Sans" font-weight="bold" font-size="60" text-anchor="middle" fill="#fff">50%</text>
      <text x="130" y="185" font-family="DejaVu Sans" font-weight="bold" font-size="52" text-anchor="middle" fill="#fff">OFF</text></svg>`;
    const img = await sharp(fixture('abo/B0799CK52K/d80a51d3.jpg')).composite([{ input: Buffer.from(sticker), left: 740, top: 20 }]).jpeg().toBuffer();
    const badges = detectBadges(await ocr.recognize(img));
    expect(badges.map((b) => b.badge)).toContain('% OFF');
  });

  it.each(['abo/B07GTFSCHB/31afd5f5.jpg', 'abo/B07GTFSCHB/3238d76f.jpg'])('reads words on the label strip %s', async (file) => {
    const result = await ocr.recognize(fixture(file));
    // The labels are German and Italian: only English words and numbers count as confident words.
    expect(confidentWords(result).length).toBeGreaterThanOrEqual(5);
    expect(result.text).toMatch(/nutri|capsul|kapsel|vitamin|colorant|recomend/i);
    expect(detectBadges(result)).toEqual([]);
  });

  it.each(['abo/B0799CK52K/d80a51d3.jpg', 'abo/B074M5HPBD/dcace9b5.jpg', 'abo/B07GTFSCHB/844a1cce.jpg'])('finds no promotional badge on the compliant main image %s', async (file) => {
    expect(detectBadges(await ocr.recognize(fixture(file)))).toEqual([]);
  });

  it('ends its worker after idleMs without work, and starts a new one for the next image', async () => {
    const idle = createOcr({ idleMs: 300 });
    try {
      expect(idle.running()).toBe(false);
      const first = await idle.recognize(await textImage(['SALE']));
      expect(idle.running()).toBe(true);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(idle.running()).toBe(false);
      const again = await idle.recognize(await textImage(['SALE']));
      expect(again.text).toBe(first.text);
      expect(detectBadges(again).map((b) => b.badge)).toContain('SALE');
    } finally {
      await idle.close();
    }
    expect(idle.running()).toBe(false);
  }, 60_000);

  it('loads the model from node_modules and writes no cache file into the working directory', () => {
    expect(existsSync(path.join(process.cwd(), 'eng.traineddata'))).toBe(false);
  });
});

describe('detectBadges', () => {
  const result = (lines: readonly string[], confidence = 90): OcrResult => {
    const words: OcrWord[] = lines.flatMap((l, line) => l.split(' ').map((text) => ({ text, confidence, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, line })));
    return { text: lines.join('\n'), words };
  };
  const badges = (lines: readonly string[], confidence?: number) => detectBadges(result(lines, confidence)).map((b) => b.badge);

  it('recognises the usual promotional badges', () => {
    expect(badges(['Best Seller'])).toEqual(['BEST SELLER']);
    expect(badges(['BEST', 'SELLER'])).toEqual(['BEST SELLER']); // stacked on two lines
    expect(badges(['#1 in Kitchen'])).toContain('#1');
    expect(badges(['Save', '30% OFF today'])).toContain('% OFF');
    expect(badges(['SALE'])).toEqual(['SALE']);
    expect(badges(['FREE SHIPPING'])).toEqual(['FREE']);
    expect(badges(['NEW!'])).toEqual(['NEW']);
    expect(badges(['Hot Deal'])).toContain('DEAL');
    expect(badges(['Limited Time Offer'])).toContain('LIMITED');
    expect(badges(['100% money back guarantee'])).toContain('GUARANTEE');
    expect(badges(["Amazon's Choice"])).toContain("AMAZON'S CHOICE");
  });

  it('does not mistake product claims printed on packaging for promotions', () => {
    expect(badges(['GLUTEN FREE', 'BPA-FREE bottle', 'New York style bagels', 'Limited liability company'])).toEqual([]);
    expect(badges(['High Strength Vitamin E 268 mg', '365 Capsules'])).toEqual([]);
  });

  it('ignores words read with low confidence', () => {
    expect(badges(['SALE'], 20)).toEqual([]);
  });
});

describe('confidentWords', () => {
  const read = (words: readonly [string, number][]): OcrResult => ({
    text: words.map(([t]) => t).join(' '),
    words: words.map(([text, confidence], i) => ({ text, confidence, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, line: i })),
  });
  const texts = (words: readonly [string, number][]) => confidentWords(read(words)).map((w) => w.text);

  it('ignores what OCR reads in the texture of a photo: no English word, not a number', () => {
    expect(texts([['Yau', 95], ['L9', 95], ['ee', 95], ['Xq7', 90], ['|', 99]])).toEqual([]);
  });

  it('keeps English words, numbers and measurements read with confidence', () => {
    expect(texts([['High', 92], ['Strength', 90], ['Vitamin-D3', 88], ['365', 91], ['50%', 93], ['10cm', 85], ['STARTER', 80]])).toEqual(['High', 'Strength', 'Vitamin-D3', '365', '50%', '10cm', 'STARTER']);
  });

  it('ignores words under the confidence floor, dictionary word or not', () => {
    expect(texts([['Strength', 40], ['High', 59], ['Capsules', 60]])).toEqual(['Capsules']);
  });
});
