import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forSide, SEVERITY_RANK, sortFindings } from './findings.ts';
import { measureImage } from './image-metrics.ts';
import { checkMainImage } from './main-image-rules.ts';
import type { OcrResult } from './ocr.ts';
import { ruleSetFor } from './rule-sets.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p));
const rules = ruleSetFor(new Date('2026-08-01T00:00:00Z'));
const check = async (file: string, ocr?: OcrResult) => checkMainImage(await measureImage(fixture(file)), rules, ocr);
const ids = (fs: readonly { id: string }[]) => fs.map((f) => f.id);

describe('checkMainImage', () => {
  it('a compliant main image has only positive or minor findings, with evidence', async () => {
    const findings = await check('abo/B0799CK52K/d80a51d3.jpg');
    expect(ids(findings)).toEqual(expect.arrayContaining(['main.bg_white', 'main.fill_ok', 'main.thumbnail_legible']));
    expect(findings.every((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK.minor)).toBe(true);
    const bg = findings.find((f) => f.id === 'main.bg_white');
    expect(bg?.message).toMatch(/\d+% of the border is exactly RGB 255,255,255/);
    expect(bg?.measured?.whitePure).toBeGreaterThan(0.9);
  });

  it('a yellow backdrop is a critical background finding with the measured share', async () => {
    const findings = await check('saleor/apparel.jpg');
    const bg = findings.find((f) => f.id === 'main.bg_not_white');
    expect(bg?.severity).toBe('critical');
    expect(bg?.message).toMatch(/^Main image background is 0% white \(mean border colour #f\w+\)/);
  });

  it('a cluttered photo: not white, busy, and fill is reported as unmeasurable rather than judged', async () => {
    const findings = await check('grocery/Arla-Standard-Milk/natural_Arla-Standard-Milk_001.jpg');
    expect(findings.find((f) => f.id === 'main.bg_not_white')?.message).toContain('busy scene');
    expect(ids(findings)).toContain('main.fill_unmeasurable');
    expect(ids(findings)).toContain('main.resolution_no_zoom');
  });

  it('a small product on white: fill is flagged with both numbers', async () => {
    const findings = await check('saleor/saleor-sunnies.png');
    const fill = findings.find((f) => f.id === 'main.fill_low');
    expect(fill?.message).toMatch(/reaches only \d+% of the frame .* box covers \d+% of the area/);
    expect(ids(findings)).toContain('main.resolution_ok'); // 2160 px
  });

  it('text on the main image: badges are critical, plain packaging text is evidence', async () => {
    const word = (text: string, line: number) => ({ text, confidence: 92, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, line });
    const promo = await check('abo/B07GTFSCHB/844a1cce.jpg', { text: 'BEST SELLER\n50% OFF', words: [word('BEST', 0), word('SELLER', 0), word('50%', 1), word('OFF', 1)] });
    expect(promo.find((f) => f.id === 'main.promo_badge')?.severity).toBe('critical');
    expect(promo.find((f) => f.id === 'main.promo_badge')?.measured).toMatchObject({ matched: '"BEST SELLER", "50% OFF"', badgeWords: 4 });
    // The badge's words are the badge: not reported a second time as text on the image.
    expect(ids(promo)).not.toContain('main.text_present');
    expect(ids(promo)).not.toContain('main.no_text');
    const mixed = await check('abo/B07GTFSCHB/844a1cce.jpg', { text: 'BEST SELLER\nVitamin', words: [word('BEST', 0), word('SELLER', 0), word('Vitamin', 1)] });
    expect(mixed.find((f) => f.id === 'main.text_present')?.measured?.words).toBe(1);
    // OCR junk (no English word, not a number) is not text on the image.
    const junk = await check('abo/B07GTFSCHB/844a1cce.jpg', { text: 'Yau L9', words: [word('Yau', 0), word('L9', 0)] });
    expect(ids(junk)).toContain('main.no_text');
    const overlay = await check('abo/B07GTFSCHB/844a1cce.jpg', { text: '', words: 'Soft strong light warm bright clean fresh small large deep quick easy simple'.split(' ').map((t) => word(t, 0)) });
    expect(overlay.find((f) => f.id === 'main.text_present')?.severity).toBe('minor');
    const label = await check('abo/B07GTFSCHB/844a1cce.jpg', { text: 'High Strength', words: [word('High', 0), word('Strength', 0)] });
    expect(label.find((f) => f.id === 'main.text_present')?.severity).toBe('info');
    const none = await check('abo/B07GTFSCHB/844a1cce.jpg', { text: '', words: [] });
    expect(ids(none)).toContain('main.no_text');
  });

  it('ids are prefixed with the side, and sorting puts the worst first', async () => {
    const findings = forSide('B', sortFindings(await check('saleor/apparel.jpg')));
    expect(findings[0]?.id).toBe('B.main.bg_not_white');
    expect(findings.every((f) => f.id.startsWith('B.main.'))).toBe(true);
  });
});
