import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axessoItem, notFoundItem } from '../../test/emulators/axesso-items.ts';
import { PermanentError, UserError } from '../domain/errors.ts';
import { ListingSchema } from '../domain/listing.ts';
import { axessoToListing, parseRating } from './axesso.ts';

const IMG = 'https://m.media-amazon.com/images/I';

describe('axessoToListing', () => {
  it('maps a FOUND item onto the listing', () => {
    const result = axessoToListing(axessoItem('B0799CK52K', 'https://img.example'), 'B0799CK52K');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const listing = result.value;
    expect(listing.asin).toBe('B0799CK52K');
    expect(listing.title).toMatch(/^Starter Yoga Duffel Bag/);
    expect(listing.brand).toBe('Starter'); // "Visit the Starter Store"
    expect(listing.bullets).toHaveLength(4);
    expect(listing.description).toMatch(/light duffel/);
    expect(listing.price).toBe(24.99);
    expect(listing.rating).toBe(4.4);
    expect(listing.reviewCount).toBe(1873);
    expect(listing.category).toBe('Sports & Outdoors > Sports & Fitness > Exercise & Fitness > Yoga > Bags');
    // main image first, the gallery's copy of it not repeated
    expect(listing.images).toEqual([
      'https://img.example/abo/B0799CK52K/d80a51d3.jpg',
      'https://img.example/abo/B0799CK52K/528c608a.jpg',
      'https://img.example/abo/B0799CK52K/25ffa37c.jpg',
      'https://img.example/abo/B0799CK52K/95f7ee92.jpg',
      'https://img.example/abo/B0799CK52K/a8a14cd2.jpg',
    ]);
    expect(ListingSchema.safeParse(listing).success).toBe(true);
  });

  it('maps review insights: feature aspects with sentiment, counts, summary and snippets', () => {
    const result = axessoToListing(axessoItem('B0799CK52K', 'https://img.example'));
    if (!result.ok) throw result.error;
    const insights = result.value.reviewInsights;
    expect(insights?.summary).toMatch(/mat pocket/);
    expect(insights?.aspects).toHaveLength(4);
    expect(insights?.aspects[0]).toEqual({
      name: 'Size',
      sentiment: 'POSITIVE',
      mentions: 214,
      positive: 188,
      negative: 26,
      summary: 'Roomy enough for a change of clothes and shoes.',
      snippets: ['Fits my mat, towel and sneakers with room to spare.'],
    });
    expect(insights?.aspects.map((a) => a.sentiment)).toEqual(['POSITIVE', 'POSITIVE', 'MIXED', 'NEGATIVE']);
  });

  it('keeps null insights as null and absent insights absent', () => {
    const withNull = axessoToListing(axessoItem('B07GTFSCHB', 'https://img.example'));
    if (!withNull.ok) throw withNull.error;
    expect(withNull.value.reviewInsights).toBeNull();
    const absent = axessoToListing(axessoItem('B07GTFSCHB', 'https://img.example', { reviewInsights: undefined }));
    if (!absent.ok) throw absent.error;
    expect(absent.value.reviewInsights).toBeUndefined();
  });

  it('accepts other aspect spellings (name, flat counts, snippet objects) and infers sentiment from counts', () => {
    const result = axessoToListing({
      productTitle: 'A mug',
      imageUrlList: [`${IMG}/A1.jpg`],
      reviewInsights: {
        featureAspects: [
          { name: 'Handle', positiveMentions: 3, negativeMentions: 9, snippets: [{ text: 'Too hot to hold' }, null, 7] },
          { aspect: '', sentiment: 'POSITIVE' },
          'not an aspect',
        ],
      },
    });
    if (!result.ok) throw result.error;
    expect(result.value.reviewInsights?.aspects).toEqual([
      { name: 'Handle', sentiment: 'NEGATIVE', mentions: 12, positive: 3, negative: 9, summary: '', snippets: ['Too hot to hold'] },
    ]);
  });

  it('de-duplicates Amazon image variants, keeping the highest resolution in first-seen order', () => {
    const result = axessoToListing({
      productTitle: 'A lamp',
      mainImage: { imageUrl: `${IMG}/71main._AC_US40_.jpg` },
      imageUrlList: [`${IMG}/71main._AC_SL1500_.jpg`, `${IMG}/81side._AC_SL1000_.jpg`, `${IMG}/81side._AC_US40_.jpg`, 'not a url', null],
    });
    if (!result.ok) throw result.error;
    expect(result.value.images).toEqual([`${IMG}/71main._AC_SL1500_.jpg`, `${IMG}/81side._AC_SL1000_.jpg`]);
  });

  it('turns a NOT FOUND item into listing_not_found naming the ASIN', () => {
    const result = axessoToListing(notFoundItem('B0000NOPE0'), 'B0000NOPE0');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(UserError);
    expect(result.error.code).toBe('listing_not_found');
    expect(result.error.message).toContain('B0000NOPE0');
    expect(result.error.message).toContain('PRODUCT NOT FOUND');
  });

  it('refuses an item without title or images as acquisition_failed', () => {
    const noTitle = axessoToListing({ statusMessage: 'FOUND', imageUrlList: [`${IMG}/A1.jpg`] }, 'B0799CK52K');
    expect(!noTitle.ok && noTitle.error.code).toBe('acquisition_failed');
    expect(!noTitle.ok && noTitle.error.message).toContain('B0799CK52K');
    const noImages = axessoToListing({ productTitle: 'x', imageUrlList: [] });
    expect(!noImages.ok && noImages.error).toBeInstanceOf(PermanentError);
    expect(axessoToListing('nope').ok).toBe(false);
  });

  it('tolerates nulls and wrong types field by field', () => {
    const result = axessoToListing({
      productTitle: '  Trimmed  ',
      imageUrlList: [`${IMG}/A1.jpg`],
      manufacturer: null,
      features: ['one', 2, null, '  '],
      price: '$1,299.99',
      countReview: '1,234',
      productRating: { weird: true },
      categories: 'not a list',
      statusCode: 200,
    });
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ title: 'Trimmed', bullets: ['one'], price: 1299.99, reviewCount: 1234 });
    expect(result.value.rating).toBeUndefined();
    expect(result.value.brand).toBeUndefined();
  });
});

describe('parseRating', () => {
  it.each([
    ['4.4 out of 5 stars', 4.4],
    ['5.0 out of 5 stars', 5],
    ['4,7 von 5 Sternen', 4.7],
    [3.9, 3.9],
    ['no rating', undefined],
    ['12 out of 5', undefined],
    [null, undefined],
  ])('%s → %s', (input, expected) => {
    expect(parseRating(input)).toBe(expected);
  });
});

describe('axessoToListing on arbitrary input', () => {
  const field = fc.oneof(
    fc.constant(null),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.oneof(fc.string(), fc.webUrl(), fc.constant(null), fc.integer())),
    fc.webUrl(),
    fc.constantFrom('4.4 out of 5 stars', 'FOUND', 'PRODUCT NOT FOUND', '$12.00'),
    fc.jsonValue(),
  );
  const keys = fc.constantFrom(
    'statusCode', 'statusMessage', 'asin', 'url', 'productTitle', 'manufacturer', 'brand', 'features',
    'productDescription', 'mainImage', 'imageUrlList', 'price', 'productRating', 'countReview', 'categories',
    'reviewInsights', 'responseStatus',
  );
  const item = fc.dictionary(fc.oneof(keys, fc.string()), field);
  const insights = fc.record({
    summary: field,
    featureAspects: fc.oneof(field, fc.array(fc.dictionary(fc.constantFrom('aspect', 'name', 'sentiment', 'mentions', 'snippets', 'reviewSnippets', 'summary', 'positive', 'negative'), field))),
  });

  it('never throws, and every success is a valid Listing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), item, fc.tuple(item, insights).map(([i, r]) => ({ ...i, reviewInsights: r }))), fc.option(fc.string()), (input, asin) => {
        const result = axessoToListing(input, asin ?? undefined);
        if (result.ok) expect(ListingSchema.safeParse(result.value).success).toBe(true);
        else expect(['listing_not_found', 'acquisition_failed']).toContain(result.error.code);
      }),
      { numRuns: 500 },
    );
  });
});
