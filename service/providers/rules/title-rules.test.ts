import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Listing, ReviewAspect } from '../../domain/listing.ts';
import type { Finding } from './findings.ts';
import { finding } from './findings.ts';
import { isMediaCategory, nextRuleSetAfter, ruleSetFor } from './rule-sets.ts';
import { checkText } from './title-rules.ts';

const BEFORE = new Date('2026-07-26T12:00:00Z');
const AFTER = new Date('2026-07-27T00:00:00Z');

const BULLET = 'Durable 600D polyester shell with a water-resistant coating keeps gym clothes dry; reinforced base panel stands up on locker-room floors and wipes clean in seconds.';

function listing(overrides: Partial<Listing> = {}): Listing {
  return {
    title: 'Starter Yoga Duffel Bag with Shoulder Strap, Iron Grey',
    bullets: [BULLET, BULLET, BULLET, BULLET, BULLET],
    description: 'A roomy gym duffel with a yoga mat pocket, two stretch-mesh interior pockets and a zipper pocket for keys and cards. Fast-drying fabric.',
    images: ['main.jpg'],
    ...overrides,
  };
}

const byId = (fs: readonly Finding[], id: string) => fs.find((f) => f.id === id);
const ids = (fs: readonly Finding[]) => fs.map((f) => f.id);

describe('ruleSetFor', () => {
  it('switches non-media titles from 200 to 75 characters on 27 Jul 2026', () => {
    expect(ruleSetFor(BEFORE)).toMatchObject({ version: 'amazon-2025-01-21', titleMax: 200, mediaCategory: false });
    expect(ruleSetFor(AFTER)).toMatchObject({ version: 'amazon-2026-07-27', titleMax: 75 });
    expect(ruleSetFor(new Date('2019-01-01'))).toMatchObject({ titleMax: 200 });
    expect(nextRuleSetAfter(BEFORE)?.titleMax).toBe(75);
    expect(nextRuleSetAfter(AFTER)).toBeUndefined();
  });

  it('keeps 200 for media categories', () => {
    for (const category of ['Books', 'Music', 'Video/DVD', 'Movies & TV', 'Software', 'Video Games', 'Kindle Store', 'Books › Literature & Fiction']) {
      expect(isMediaCategory(category), category).toBe(true);
      expect(ruleSetFor(AFTER, category).titleMax, category).toBe(200);
    }
    for (const category of ['Musical Instruments', 'Electronics › Video Projectors', 'Sports & Outdoors', '']) {
      expect(isMediaCategory(category), category).toBe(false);
      expect(ruleSetFor(AFTER, category).titleMax, category).toBe(75);
    }
  });

  it('an invalid date gets the newest (strictest) set instead of throwing', () => {
    expect(ruleSetFor(new Date(Number.NaN)).version).toBe('amazon-2026-07-27');
  });
});

describe('checkText: title', () => {
  const long = `Starter Yoga Duffel Bag ${'with Padded Shoulder Strap and Mesh Pockets '.repeat(5)}`.padEnd(230, 'x').slice(0, 230);

  it('a 230-character title fails the 75 rule after 27 Jul 2026 and passes 200 before', () => {
    expect(long).toHaveLength(230);
    const after = byId(checkText(listing({ title: long }), AFTER), 'title.too_long');
    expect(after?.severity).toBe('major');
    expect(after?.message).toContain("230 characters; Amazon's limit is 75: 155 over");
    // The rule set is recorded for the prompt and the record, not in the sentence a seller reads.
    expect(after?.measured).toMatchObject({ chars: 230, titleMax: 75, ruleSet: 'amazon-2026-07-27' });
    expect(after?.message).not.toContain('amazon-20');
    const before = checkText(listing({ title: long.slice(0, 190) }), BEFORE);
    expect(ids(before)).not.toContain('title.too_long');
    expect(byId(before, 'title.over_upcoming_limit')?.message).toContain('over the 75-character limit from 2026-07-27');
    expect(byId(checkText(listing({ title: long }), BEFORE), 'title.too_long')?.measured?.titleMax).toBe(200);
  });

  it('a book keeps 200 after the change', () => {
    const title = 'The Art of the Duffel: A Field Guide to Packing, Travelling Light and Choosing Bags for the Gym, the Weekend and the Long Haul, Illustrated Edition';
    const findings = checkText(listing({ title, category: 'Books' }), AFTER);
    expect(byId(findings, 'title.length_ok')?.message).toBe(`Title is ${title.length} characters (Amazon's limit is 200)`);
  });

  it('detects words used more than twice, but not articles and prepositions', () => {
    const rep = byId(checkText(listing({ title: 'Dog Leash for Dog Walking, Dog Training Lead' }), AFTER), 'title.repeated_words');
    expect(rep?.message).toContain('"dog" 3×');
    expect(ids(checkText(listing({ title: 'Bag for the Gym, for the Beach, for the Pool' }), AFTER))).toContain('title.repetition_ok');
  });

  it('detects promotional and subjective words', () => {
    const promo = byId(checkText(listing({ title: 'Best Seller Yoga Bag - Free Shipping, #1 Amazing Gym Duffel' }), AFTER), 'title.promo_words');
    expect(promo?.severity).toBe('major');
    expect(promo?.message).toMatch(/"best seller".*"free shipping".*"#1".*"amazing"/);
    expect(ids(checkText(listing({ title: 'Wholesale Dealer Sampler Pack' }), AFTER))).toContain('title.promo_ok');
  });

  it('detects banned characters and decorative symbols, allows identifiers and measurements', () => {
    const banned = checkText(listing({ title: 'Yoga Bag! Only $19? {New}' }), AFTER);
    expect(byId(banned, 'title.banned_chars')?.measured?.banned).toBe('! $ ? { }');
    expect(ids(checkText(listing({ title: 'Beach Coverup << Size Kids XXS >>' }), AFTER))).toContain('title.decorative_chars');
    expect(ids(checkText(listing({ title: 'Yoga Bag Style #4301, <10 lb, 30*20 cm' }), AFTER))).toContain('title.chars_ok');
  });

  it('flags ALL CAPS words beyond short acronyms', () => {
    expect(byId(checkText(listing({ title: 'STARTER Yoga Bag with LED Light and USB Port' }), AFTER), 'title.all_caps')?.message).toContain('STARTER');
    expect(ids(checkText(listing({ title: 'Yoga Bag with LED Light and USB Port, BPA Free' }), AFTER))).toContain('title.caps_ok');
  });
});

describe('checkText: bullets and description', () => {
  it('counts bullets and measures their length', () => {
    const few = checkText(listing({ bullets: [BULLET, 'Too short.', 'x'.repeat(600)] }), AFTER);
    expect(byId(few, 'bullets.count_low')?.message).toBe('Only 3 bullet points of the 5 Amazon shows');
    expect(byId(few, 'bullets.too_long')?.message).toContain('#3 (600)');
    expect(byId(few, 'bullets.too_short')?.message).toContain('#2 (10)');
    expect(byId(checkText(listing({ bullets: [] }), AFTER), 'bullets.missing')?.severity).toBe('major');
    const good = checkText(listing(), AFTER);
    expect(ids(good)).toEqual(expect.arrayContaining(['bullets.count_ok', 'bullets.length_ok', 'bullets.promo_ok']));
  });

  it('checks the description is there and within 2000 characters', () => {
    expect(ids(checkText(listing({ description: '' }), AFTER))).toContain('description.missing');
    expect(ids(checkText(listing({ description: '<p>Short.</p>' }), AFTER))).toContain('description.short');
    expect(ids(checkText(listing({ description: 'word '.repeat(500) }), AFTER))).toContain('description.too_long');
  });

  it('a compliant listing gets only positive findings, each with a message', () => {
    const findings = checkText(listing(), AFTER);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(findings.every((f) => f.message.length > 10)).toBe(true);
  });
});

describe('checkText: review coverage', () => {
  const aspect = (a: Partial<ReviewAspect> & { name: string }): ReviewAspect =>
    ({ sentiment: 'NEUTRAL', mentions: 0, positive: 0, negative: 0, summary: '', snippets: [], ...a });
  const insights = {
    summary: '',
    aspects: [
      aspect({ name: 'Zipper quality', sentiment: 'NEGATIVE', mentions: 40, negative: 31, summary: 'Zippers break and the zipper pull snaps off.' }),
      aspect({ name: 'Durability', sentiment: 'POSITIVE', mentions: 120, positive: 100 }),
      aspect({ name: 'Odor', sentiment: 'MIXED', mentions: 12, snippets: ['chemical smell when new', 'smell faded after a week'] }),
    ],
  };

  it('flags a negative theme the copy never addresses, and credits the ones it does', () => {
    const findings = checkText(listing({ reviewInsights: insights }), AFTER);
    const zipper = byId(findings, 'reviews.aspect_unaddressed.zipper_quality');
    expect(zipper?.severity).toBe('major');
    expect(zipper?.message).toContain('"Zipper quality" (negative, 40 mentions, 31 negative)');
    expect(byId(findings, 'reviews.aspect_addressed.durability')?.message).toContain('(durable)');
    expect(byId(findings, 'reviews.aspect_unaddressed.odor')?.severity).toBe('minor');
    expect(byId(findings, 'reviews.coverage')?.message).toBe('1 of 3 review themes are addressed in the title and bullets; negative themes: 0 of 1');
  });

  it('addressing the objection in a bullet clears it', () => {
    const bullets = [BULLET, 'YKK metal zippers with reinforced pulls, tested for 10,000 open-close cycles so they do not snag or break.'];
    const findings = checkText(listing({ bullets, reviewInsights: insights }), AFTER);
    expect(ids(findings)).toContain('reviews.aspect_addressed.zipper_quality');
  });

  it('no insights is said plainly', () => {
    expect(ids(checkText(listing({ reviewInsights: null }), AFTER))).toContain('reviews.no_insights');
  });
});

describe('checkText on arbitrary listings (property)', () => {
  const text = fc.string({ unit: 'binary', maxLength: 300 });
  const aspectArb = fc.record({
    name: text, sentiment: fc.constantFrom('POSITIVE', 'NEGATIVE', 'MIXED', 'NEUTRAL' as const),
    mentions: fc.nat(), positive: fc.nat(), negative: fc.nat(), summary: text, snippets: fc.array(text, { maxLength: 4 }),
  });
  const listingArb: fc.Arbitrary<Listing> = fc.record({
    title: fc.oneof(text, fc.string({ unit: fc.constantFrom('!', '#', '<', '*', ' ', 'a', 'A', 'dog', '1', '~'), maxLength: 400 })),
    bullets: fc.array(text, { maxLength: 8 }),
    description: text,
    images: fc.constant(['main.jpg']),
    category: fc.option(text, { nil: undefined }),
    reviewInsights: fc.option(fc.record({ summary: text, aspects: fc.array(aspectArb, { maxLength: 6 }) }), { nil: undefined }),
  }, { requiredKeys: ['title', 'bullets', 'description', 'images'] });

  it('never throws, ids are unique, and every measured number is finite', () => {
    fc.assert(fc.property(listingArb, fc.date({ noInvalidDate: false }), (l, date) => {
      const findings = checkText(l, date);
      expect(findings.length).toBeGreaterThan(0);
      expect(new Set(ids(findings)).size).toBe(findings.length);
      for (const f of findings) {
        expect(f.message.length).toBeGreaterThan(0);
        for (const v of Object.values(f.measured ?? {})) {
          if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
        }
      }
    }), { numRuns: 300 });
  });
});

describe('finding', () => {
  it('drops non-finite measurements', () => {
    expect(finding('x.y', 'title', 'info', 'm', { a: Number.NaN, b: Infinity, c: 1, d: 'ok' }).measured).toEqual({ c: 1, d: 'ok' });
  });
});
