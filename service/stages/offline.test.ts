import { describe, expect, it } from 'vitest';
import { fixDetail } from '../providers/rules/fixes.ts';
import type { FactFinding } from './acquired.ts';
import { toEvidence } from './offline.ts';

const f = (id: string, severity: FactFinding['severity'], measured: FactFinding['measured'] = {}): FactFinding => ({ id, kind: 'main_image', severity, message: `${id} observed`, measured });

describe('toEvidence', () => {
  it('text on the main image is never positive: a few words are neutral, many are a compliance fix', () => {
    expect(toEvidence(f('A.main.text_present', 'info', { words: 2 })).effect).toBe('neutral');
    const many = toEvidence(f('A.main.text_present', 'minor', { words: 20 }), () => 7.5);
    expect(many).toMatchObject({ effect: 'negative', dimension: 'compliance', current: '20 words of text on the image', target: 'no text or badges', effort: 'photo-edit', compliance: true, scoreIfFixed: 7.5 });
  });

  it('a badge is a negative compliance finding with what is on the image and what to reach', () => {
    const e = toEvidence(f('B.main.promo_badge', 'critical', { matched: '"BEST SELLER"', badgeWords: 2 }), () => 6.1449);
    expect(e).toMatchObject({ effect: 'negative', current: '"BEST SELLER" on the image', target: 'no text or badges', effort: 'photo-edit', compliance: true });
    expect(e.fix).toContain('"BEST SELLER" badge');
    // Rounded down, so rounding never invents a gain.
    expect(e.scoreIfFixed).toBe(6.14);
  });

  it('fills the measured value and target with units', () => {
    expect(toEvidence(f('B.main.fill_low', 'minor', { fillLongSide: 0.69, fillMin: 0.85 }))).toMatchObject({ current: '69% of the frame', target: 'at least 85%', effort: 'photo-edit', compliance: false, dimension: 'fill' });
    expect(toEvidence(f('B.title.too_long', 'major', { chars: 230, titleMax: 75, ruleSet: 'amazon-2026-07-27' }))).toMatchObject({ current: '230 characters', target: 'at most 75 characters', effort: 'text', compliance: true });
    expect(toEvidence(f('B.main.resolution_no_zoom', 'major', { width: 400, height: 400, longSide: 400, zoomMinPx: 1000 }))).toMatchObject({ current: '400 × 400 px', target: 'at least 1,000 px on the long side', effort: 'new-shoot' });
    expect(toEvidence(f('B.gallery.count_low', 'minor', { count: 4, recommendedMin: 6 }))).toMatchObject({ current: '4 images', target: 'at least 6' });
    expect(toEvidence(f('B.bullets.missing', 'major', { count: 0, recommended: 5 }))).toMatchObject({ current: '0 of 5 bullets', target: '5 bullets' });
    expect(toEvidence(f('B.main.bg_off_white', 'minor', { whitePure: 0.93 }))).toMatchObject({ current: '93% of the border pure white', target: 'pure white (RGB 255,255,255)', compliance: true });
  });

  it('positive findings carry no fix details', () => {
    expect(toEvidence(f('A.main.fill_ok', 'info', { fillLongSide: 0.98 }))).toMatchObject({ effect: 'positive', fix: null, current: null, target: null, effort: null, compliance: null, scoreIfFixed: null });
  });
});

describe('fixDetail', () => {
  const ids = [
    'main.bg_not_white', 'main.bg_off_white', 'main.promo_badge', 'main.text_present', 'main.fill_low', 'main.thumbnail_weak',
    'main.resolution_no_zoom', 'main.resolution_below_recommended', 'main.missing', 'gallery.count_low', 'gallery.near_duplicates',
    'gallery.no_infographic', 'gallery.no_lifestyle', 'gallery.low_resolution', 'title.too_long', 'title.over_upcoming_limit',
    'title.promo_words', 'title.banned_chars', 'title.decorative_chars', 'title.symbols', 'title.repeated_words', 'title.all_caps',
    'bullets.missing', 'bullets.count_low', 'bullets.too_short', 'bullets.too_long', 'bullets.promo_words', 'bullets.special_chars',
    'description.missing', 'description.short', 'description.too_long', 'reviews.aspect_unaddressed.size',
  ];

  it.each(ids)('%s reads as plain words, even without measurements', (id) => {
    const d = fixDetail(id);
    expect(d).toBeDefined();
    for (const text of [d!.fix, d!.current, d!.target]) {
      expect(text).toMatch(/\S/);
      expect(text).not.toMatch(/\(s\)|amazon-20|in force|\b[AB]\.[a-z_]+\.|undefined|NaN/);
    }
  });

  it('compliance is the rules that can get a listing suppressed', () => {
    const compliance = ids.filter((id) => fixDetail(id)?.compliance);
    expect(compliance.sort()).toEqual(['main.bg_not_white', 'main.bg_off_white', 'main.missing', 'main.promo_badge', 'main.text_present', 'title.banned_chars', 'title.promo_words', 'title.too_long']);
  });
});
