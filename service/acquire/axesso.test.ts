import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axessoItem, notFoundItem } from '../../test/emulators/axesso-items.ts';
import { PermanentError, UserError } from '../domain/errors.ts';
import { ListingSchema } from '../domain/listing.ts';
import { axessoToListing, parseRating } from './axesso.ts';

const IMG = 'https://m.media-amazon.com/images/I';

/** A recorded example of one of Axesso's shapes (test/fixtures/axesso/SOURCES.md). */
const recorded = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/axesso/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('axessoToListing on each recorded shape', () => {
  it("the Apify actor's dataset item (title, mainImage, categoriesExtended, featureMention*Count)", () => {
    const result = axessoToListing(recorded('actor-item.composed.json'), 'B0FIXTURE1');
    if (!result.ok) throw result.error;
    const l = result.value;
    expect(l.asin).toBe('B0FIXTURE1');
    expect(l.title).toBe('Northbay Insulated Water Bottle 32 oz, Stainless Steel, Leakproof Chug Lid, Keeps Drinks Cold 24 Hours, Sage');
    expect(l.brand).toBe('Northbay'); // manufacturer "Visit the Northbay Store"
    expect(l.price).toBe(27.99);
    expect(l.rating).toBe(4.6);
    expect(l.reviewCount).toBe(2874);
    expect(l.category).toBe('Sports & Outdoors > Outdoor Recreation > Water Bottles');
    expect(l.bullets).toHaveLength(5);
    expect(l.bullets[0]).toMatch(/^COLD FOR 24 HOURS/);
    expect(l.description).toMatch(/^A 32-ounce bottle/);
    // mainImage.imageUrl first; its copy in imageUrlList is not repeated
    expect(l.images).toEqual([`${IMG}/61Fxtr1MainL._AC_SL1500_.jpg`, `${IMG}/71Fxtr2SideL._AC_SL1500_.jpg`, `${IMG}/81Fxtr3LidxL._AC_SL1500_.jpg`, `${IMG}/61Fxtr4HandL._AC_SL1500_.jpg`]);
    expect(l.reviewInsights?.summary).toMatch(/^Customers say the bottle keeps drinks cold/);
    expect(l.reviewInsights?.aspects.map((a) => [a.name, a.sentiment, a.mentions, a.positive, a.negative])).toEqual([
      ['Temperature retention', 'POSITIVE', 412, 389, 23],
      ['Leak resistance', 'POSITIVE', 198, 171, 27],
      ['Weight', 'NEGATIVE', 96, 31, 65],
    ]);
    expect(l.reviewInsights?.aspects[2]?.summary).toBe('Several customers find the bottle heavy to carry when full.');
    expect(l.reviewInsights?.aspects[2]?.snippets).toEqual(["Great bottle but it's a brick once it's full."]);
  });

  it("Axesso's REST lookup, as its API documentation shows it (productTitle, responseStatus, categories)", () => {
    const result = axessoToListing(recorded('rest-lookup-product.api-doc.REPAIRED.json'));
    if (!result.ok) throw result.error;
    const l = result.value;
    expect(l.asin).toBe('B002YOS9NU');
    expect(l.title).toBe('Product Title description');
    expect(l.brand).toBe('Sony');
    expect(l.price).toBe(77.42);
    expect(l.rating).toBe(4.4);
    expect(l.reviewCount).toBe(19);
    expect(l.category).toBe('Video Games > PlayStation 4 > Consoles');
    expect(l.bullets).toEqual(['Premium SOLID Stainless Steel']);
    expect(l.description).toMatch(/^PS4 Pro 4K TV GAMING & MORE/);
    expect(l.images).toEqual([
      'https://images-na.ssl-images-amazon.com/images/I/71itkDwgyyL._SL1500_.jpg',
      'https://images-na.ssl-images-amazon.com/images/I/716b2w17%2BPL._SL1500_.jpg',
    ]);
    expect(l.reviewInsights).toBeUndefined(); // the REST lookup has none
  });

  it('a captured REST lookup subset (no status, no mainImage, the brand only in productDetails)', () => {
    const result = axessoToListing(recorded('rest-lookup-product.amlapp-captured-subset.json'));
    if (!result.ok) throw result.error;
    const l = result.value;
    expect(l.asin).toBe('B013HD3FDK');
    expect(l.title).toBe('Apple MacBook Air MJVM2LL/A 11,6 pulgadas 128 GB portátil (renovado)');
    expect(l.brand).toBe('Apple');
    expect(l.price).toBe(210);
    expect(l.rating).toBeUndefined();
    expect(l.reviewCount).toBeUndefined();
    expect(l.bullets).toHaveLength(4);
    expect(l.description).toMatch(/^El computadora portátil MacBook Air/);
    expect(l.images).toHaveLength(5);
    expect(l.images[0]).toBe('https://m.media-amazon.com/images/I/61LLziMeLlL._AC_SL1011_.jpg');
  });

  it('the title is read from either name; the actor\'s wins when both are present', () => {
    const base = { imageUrlList: [`${IMG}/A1.jpg`] };
    const actor = axessoToListing({ ...base, title: 'From the actor' });
    const rest = axessoToListing({ ...base, productTitle: 'From the REST lookup' });
    const both = axessoToListing({ ...base, title: 'From the actor', productTitle: 'From the REST lookup' });
    const blankActor = axessoToListing({ ...base, title: '   ', productTitle: 'From the REST lookup' });
    expect([actor, rest, both, blankActor].map((r) => r.ok && r.value.title)).toEqual([
      'From the actor',
      'From the REST lookup',
      'From the actor',
      'From the REST lookup',
    ]);
  });

  it('an item with no title under any known name is an error naming the ASIN and the fields looked for', () => {
    const actorItem = recorded('actor-item.composed.json');
    delete actorItem['title'];
    const result = axessoToListing(actorItem, 'B0FIXTURE1');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(PermanentError);
    expect(result.error.code).toBe('acquisition_failed');
    expect(result.error.message).toBe('Listing B0FIXTURE1: the listing source returned no title (looked for title, productTitle).');
  });
});

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

  it("the emulator's items give the same listing in the actor's and the REST lookup's shape (the REST lookup has no insights)", () => {
    const actor = axessoToListing(axessoItem('B0799CK52K', 'https://img.example'), 'B0799CK52K');
    const rest = axessoToListing(axessoItem('B0799CK52K', 'https://img.example', {}, { shape: 'rest' }), 'B0799CK52K');
    if (!actor.ok) throw actor.error;
    if (!rest.ok) throw rest.error;
    expect(axessoItem('B0799CK52K', 'https://img.example')).toHaveProperty('title');
    expect(axessoItem('B0799CK52K', 'https://img.example', {}, { shape: 'rest' })).toHaveProperty('productTitle');
    const { reviewInsights, ...actorRest } = actor.value;
    expect(reviewInsights?.aspects).toHaveLength(4);
    expect(rest.value).toEqual(actorRest);
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
    expect(!noTitle.ok && noTitle.error.message).toContain('looked for title, productTitle');
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
    'statusCode', 'statusMessage', 'asin', 'url', 'title', 'productTitle', 'manufacturer', 'brand', 'features',
    'productDescription', 'mainImage', 'imageUrlList', 'price', 'productRating', 'countReview', 'categories',
    'categoriesExtended', 'productDetails', 'reviewInsights', 'responseStatus',
  );
  const item = fc.dictionary(fc.oneof(keys, fc.string()), field);
  const insights = fc.record({
    summary: field,
    featureAspects: fc.oneof(field, fc.array(fc.dictionary(fc.constantFrom('aspect', 'name', 'sentiment', 'mentions', 'snippets', 'reviewSnippets', 'summary', 'keyFacts', 'positive', 'negative', 'featureMentionCount', 'featureMentionPositiveCount', 'featureMentionNegativeCount'), field))),
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
