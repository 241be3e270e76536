import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findClaims } from '../domain/claims.ts';
import { colourName } from '../domain/colour-names.ts';
import { nextDraftStep } from '../domain/draft-flow.ts';
import type { DraftAttributes, DraftTexts } from '../domain/draft-outputs.ts';
import { marketplaceRulesFor } from '../domain/marketplace-rules.ts';
import { ruleSetFor } from '../providers/rules/rule-sets.ts';
import { PLACEHOLDER_SCORE_CAP, scoreDrafts } from './draft-score.ts';
import { writeOffline } from './draft-writer.ts';

/** The marketplace validators, the claim check, the rule table's dates and the offline writer's honesty. */

const AT = new Date('2026-11-22T00:00:00Z');
const rules = marketplaceRulesFor(AT, ruleSetFor(AT));

const none = { value: null, confidence: 0, evidence: 'not visible' };
const attrs = (over: Partial<DraftAttributes> = {}): DraftAttributes => ({
  productType: none, brand: none, material: none, colour: none, size: none, condition: none, features: [], printedText: [], ...over,
});

const clean: DraftTexts = {
  amazon: {
    title: 'Oatly Oat Drink, 1 l, Light Blue',
    bullets: Array.from({ length: 5 }, (_, i) => `Bullet ${i + 1}: a plain statement about the oat drink that is long enough to read well.`),
    description: 'Oatly oat drink in a one litre carton with a screw cap. Keep chilled after opening and shake before pouring it.',
    searchTerms: 'havre dryck dairy alternative',
  },
  ebay: { title: 'Oatly Oat Drink 1 l', itemSpecifics: [{ name: 'Brand', value: 'Oatly' }], condition: 'New', description: 'Oatly oat drink.' },
  etsy: { title: 'Oatly Oat Drink', tags: Array.from({ length: 13 }, (_, i) => `tag ${i}`), materials: ['carton'], description: 'Oat drink.' },
  shopify: { title: 'Oatly Oat Drink', description: 'Oatly oat drink.', seoTitle: 'Oatly Oat Drink 1 l', metaDescription: 'Oatly oat drink in a 1 l carton.' },
};

const score = (texts: DraftTexts, seen: DraftAttributes = attrs()) => scoreDrafts(texts, seen, [], AT).drafts;
const codes = (d: { problems: { code: string; severity: string }[] }) => d.problems.map((p) => `${p.severity}:${p.code}`);

describe('marketplace validators', () => {
  test('clean drafts are valid', () => {
    const d = score(clean);
    for (const m of ['amazon', 'ebay', 'etsy', 'shopify'] as const) expect(d[m].valid, `${m}: ${codes(d[m]).join(', ')}`).toBe(true);
    expect(d.shopify.score).toBe(100);
  });

  test('each marketplace’s limits are errors: Amazon 75-character title and search terms under 250 bytes, eBay 80, Etsy 140 and 13 tags of 20, Shopify SEO 70', () => {
    const d = score({
      amazon: { ...clean.amazon, title: `Oatly Oat Drink ${'x'.repeat(60)}`, searchTerms: 'é'.repeat(125) },
      ebay: { ...clean.ebay, title: 'E'.repeat(81) },
      etsy: { ...clean.etsy, title: 't'.repeat(141), tags: [...clean.etsy.tags, 'one too many', 'a tag that is far too long'] },
      shopify: { ...clean.shopify, seoTitle: 's'.repeat(71) },
    });
    expect(codes(d.amazon)).toEqual(expect.arrayContaining(['error:title_too_long', 'error:too_long']));
    expect(codes(d.ebay)).toContain('error:too_long');
    expect(codes(d.etsy)).toEqual(expect.arrayContaining(['error:too_long', 'error:too_many', 'error:tag_too_long']));
    expect(codes(d.shopify)).toContain('error:too_long');
    for (const m of ['amazon', 'ebay', 'etsy', 'shopify'] as const) expect(d[m].valid).toBe(false);
    // 250 bytes of "é" is 125 characters: the limit is counted in bytes.
    expect(d.amazon.problems.find((p) => p.field === 'search terms')?.message).toMatch(/250 bytes/);
  });

  test('Amazon: banned characters and promotional words in the title, and anything but 5 bullets, break its rules', () => {
    const d = score({ ...clean, amazon: { ...clean.amazon, title: 'Best Seller Oat Drink!', bullets: clean.amazon.bullets.slice(0, 4) } });
    expect(codes(d.amazon)).toEqual(expect.arrayContaining(['error:title_banned_chars', 'error:title_promo_words', 'error:bullet_count']));
  });

  test('warnings cost points but keep a draft valid; every lost point is an improvement', () => {
    const d = score({ ...clean, shopify: { ...clean.shopify, seoTitle: 's'.repeat(65), metaDescription: '' }, etsy: { ...clean.etsy, tags: ['one'] } });
    expect(d.shopify.valid).toBe(true);
    expect(codes(d.shopify)).toEqual(['warning:over_target', 'warning:missing']);
    expect(d.shopify.score).toBe(100 - d.shopify.improve.reduce((s, i) => s + i.gain, 0));
    expect(d.etsy.improve[0]).toEqual({ action: 'Add 12 more tags: Etsy search matches on every one', gain: 13 });
  });

  test('a placeholder never passes: "[Brand]" (or TBD, {size}) fails the draft with a plain reason, caps its score and says what to fill in', () => {
    const d = score({
      ...clean,
      amazon: { ...clean.amazon, title: '[Brand] [Product type], Light Grey' },
      ebay: { ...clean.ebay, itemSpecifics: [{ name: 'Brand', value: '[Brand]' }] },
      etsy: { ...clean.etsy, description: 'Oat drink, TBD.' },
      shopify: { ...clean.shopify, seoTitle: 'Oatly Oat Drink {size}' },
    });
    for (const m of ['amazon', 'ebay', 'etsy', 'shopify'] as const) {
      expect(d[m].valid, m).toBe(false);
      expect(d[m].score, m).toBeLessThanOrEqual(PLACEHOLDER_SCORE_CAP);
      expect(codes(d[m]), m).toContain('error:placeholder');
    }
    expect(d.amazon.fillIn).toEqual(['brand', 'product type']);
    expect(d.amazon.problems.find((p) => p.code === 'placeholder')?.message).toMatch(/fill in the brand and the product type/);
    expect(d.ebay.fillIn).toEqual(['brand']);
    expect(d.shopify.fillIn).toEqual(['size/volume']);
    expect(d.etsy.fillIn).toHaveLength(1);
    expect(score(clean).amazon.fillIn).toEqual([]);
  });

  test('a claim the photos do not show is an error; one printed on the product is accepted', () => {
    const claimed = { ...clean, shopify: { ...clean.shopify, description: 'Organic, eco-friendly oat drink. BPA free cap.' } };
    const unseen = score(claimed).shopify;
    expect(unseen.valid).toBe(false);
    expect(unseen.claims.map((c) => [c.term, c.verified])).toEqual([['organic', false], ['eco-friendly', false], ['BPA-free', false]]);
    const printed = score(claimed, attrs({ printedText: ['ORGANIC', 'BPA-FREE'] })).shopify;
    expect(printed.claims.filter((c) => !c.verified).map((c) => c.term)).toEqual(['eco-friendly']);
  });
});

describe('claims, colours, rule dates and the state machine', () => {
  test('claims are matched however they are written', () => {
    expect(findClaims('ECO FRIENDLY, Bpa-Free and 100% natural, made in the USA').map((c) => c.term)).toEqual(['eco-friendly', 'BPA-free', 'all-natural', 'made in USA']);
    expect(findClaims('A light blue carton with a screw cap')).toEqual([]);
  });

  test('measured colours get the words shoppers use', () => {
    expect(['#8db4c5', '#3955d4', '#f4b704', '#8c8c8c', '#ffffff', '#111111', '#6b4423', '#e8d9b5'].map(colourName)).toEqual(['light blue', 'blue', 'yellow', 'grey', 'white', 'black', 'brown', 'beige']);
  });

  test('the rules in force follow the date: Amazon titles go from 200 to 75 characters on 27 Jul 2026', () => {
    const before = new Date('2026-07-26T12:00:00Z');
    expect(marketplaceRulesFor(before, ruleSetFor(before)).amazon.titleMax).toBe(200);
    expect(rules.amazon.titleMax).toBe(75);
    expect(rules.version).toBe('marketplaces-2025-01-21+amazon-2026-07-27');
    expect(rules.ebay.titleMax).toBe(80);
  });

  test('the draft flow runs its stages in order and fails as a whole', () => {
    const rows = (...statuses: string[]) => ['draft_acquire', 'draft_analyze', 'draft_write', 'draft_score'].map((stage, i) => ({ stage, status: (statuses[i] ?? 'pending') as 'pending' }));
    expect(nextDraftStep(rows('succeeded'))).toEqual({ kind: 'enqueue', stage: 'draft_analyze' });
    expect(nextDraftStep(rows('succeeded', 'running'))).toEqual({ kind: 'wait' });
    expect(nextDraftStep(rows('succeeded', 'succeeded', 'succeeded', 'succeeded'))).toEqual({ kind: 'succeed' });
    expect(nextDraftStep([{ stage: 'draft_acquire', status: 'failed', errorCode: 'acquisition_failed' }])).toEqual({ kind: 'fail', code: 'acquisition_failed' });
  });
});

describe('the offline writer', () => {
  const word = fc.stringMatching(/^[A-Za-z]{3,12}$/);
  const attribute = (values: fc.Arbitrary<string>) =>
    fc.option(fc.record({ value: values, confidence: fc.double({ min: 0, max: 1, noNaN: true }), evidence: fc.constant('measured') }), { nil: none });
  const offlineAttributes = fc.record({
    productType: attribute(fc.constantFrom('juice', 'milk', 'shampoo', 'candle', 'mug')),
    brand: fc.constant(none),
    material: fc.constant(none),
    colour: attribute(fc.constantFrom('light blue', 'dark green', 'grey', 'beige', 'red')),
    size: attribute(fc.constantFrom('1 l', '500 ml', '12 oz', '250 g')),
    condition: fc.constant(none),
    features: fc.constant<DraftAttributes['features']>([]),
    printedText: fc.array(word, { maxLength: 12 }),
  });

  test('whatever it measured, its drafts break no rule but the placeholders it leaves, never pass with one, and claim nothing unseen', () => {
    fc.assert(
      fc.property(offlineAttributes, (a) => {
        const d = scoreDrafts(writeOffline(a, rules), a, [], AT).drafts;
        for (const m of ['amazon', 'ebay', 'etsy', 'shopify'] as const) {
          expect(d[m].problems.filter((p) => p.severity === 'error' && p.code !== 'placeholder'), m).toEqual([]);
          expect(d[m].claims.every((c) => c.verified)).toBe(true);
          // Offline, the brand is never known here: a [Brand] is left, so nothing passes.
          expect(d[m].valid, m).toBe(false);
          expect(d[m].fillIn, m).toContain('brand');
          expect(d[m].score).toBeLessThanOrEqual(PLACEHOLDER_SCORE_CAP);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('unknowns become [placeholders], never guesses', () => {
    const d = writeOffline(attrs({ colour: { value: 'light blue', confidence: 0.7, evidence: 'measured' } }), rules);
    expect(d.amazon.title).toBe('[Brand] [Product type], Light Blue');
    expect(d.ebay.itemSpecifics).toEqual([{ name: 'Brand', value: '[Brand]' }, { name: 'Type', value: '[Product type]' }, { name: 'Colour', value: 'Light Blue' }]);
    expect(d.ebay.condition).toBeNull();
    expect(d.etsy.materials).toEqual([]);
  });
});
