import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asinArb, listingUrlArb, typedAsinArb } from './listing-ref-arbitraries.ts';
import { isAsin, listingUrl, parseListingRef } from './listing-ref.ts';

const ASIN = 'B0799CK52K';

function rejected(input: string) {
  const result = parseListingRef(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${result.value}`);
  return result.error;
}

describe('parseListingRef: accepted', () => {
  it.each([
    ['B0799CK52K', ASIN],
    ['b0799ck52k', ASIN],
    ['  B0799ck52K\n', ASIN],
    ['0123456789', '0123456789'],
    ['<https://www.amazon.com/dp/B0799CK52K>', ASIN],
    ['<https://www.amazon.com/dp/B0799CK52K|amazon.com/dp/B0799CK52K>', ASIN],
    ['<https://www.amazon.com/dp/B0799CK52K|a label with spaces>', ASIN],
    ['`B0799CK52K`', ASIN],
    ['\u200BB0799CK52K\uFEFF', ASIN],
  ])('%j → %s', (input, asin) => {
    expect(parseListingRef(input)).toEqual({ ok: true, value: asin });
  });

  it.each([
    'https://www.amazon.com/dp/B0799CK52K',
    'http://www.amazon.com/dp/B0799CK52K',
    'https://amazon.com/dp/B0799CK52K',
    'amazon.com/dp/B0799CK52K',
    'www.amazon.com/dp/B0799CK52K',
    '//www.amazon.com/dp/B0799CK52K',
    'HTTPS://WWW.AMAZON.COM/DP/B0799CK52K',
    'https://smile.amazon.com/dp/B0799CK52K',
    'https://m.amazon.com/dp/B0799CK52K',
    'https://www.amazon.com./dp/B0799CK52K',
    'https://www.amazon.com:443/dp/B0799CK52K',
    'https://www.amazon.com/dp/b0799ck52k',
    'https://www.amazon.com/dp/B0799CK52K/',
    'https://www.amazon.com/dp/B0799CK52K?th=1&psc=1',
    'https://www.amazon.com/dp/B0799CK52K#customerReviews',
    'https://www.amazon.com/dp/B0799CK52K/ref=sr_1_1?crid=2X&keywords=usb+hub&sr=8-1',
    'https://www.amazon.com/Anker-Ultra-Slim-Data-Hub/dp/B0799CK52K/ref=sr_1_3?keywords=hub',
    'https://www.amazon.com/dp/product/B0799CK52K',
    'https://www.amazon.com/gp/product/B0799CK52K',
    'https://www.amazon.com/gp/product/B0799CK52K/ref=ppx_yo_dt_b_asin_title_o00_s00?ie=UTF8&psc=1',
    'https://www.amazon.com/gp/aw/d/B0799CK52K',
    'https://www.amazon.com/gp/aw/d/B0799CK52K/ref=mp_s_a_1_1',
    'https://www.amazon.com/gp/offer-listing/B0799CK52K',
    'https://www.amazon.com/product-reviews/B0799CK52K/ref=cm_cr_dp_d_show_all_btm',
    'https://www.amazon.com/exec/obidos/ASIN/B0799CK52K/',
    'https://www.amazon.com/exec/obidos/asin/B0799CK52K/someassociate-20',
    'https://www.amazon.com/exec/obidos/B0799CK52K/',
    'https://www.amazon.com/exec/obidos/tg/detail/-/B0799CK52K',
    'https://www.amazon.com/o/ASIN/B0799CK52K',
    'https://www.amazon.com/-/es/dp/B0799CK52K',
    'https://www.amazon.com/dp/dp/B0799CK52K',
    'https://www.amazon.com/gp/aw/d/?asin=B0799CK52K',
    '<https://www.amazon.com/dp/B0799CK52K?th=1&amp;psc=1>',
  ])('%s', (url) => {
    expect(parseListingRef(url)).toEqual({ ok: true, value: ASIN });
  });
});

describe('parseListingRef: refused', () => {
  const marketplaces = [
    'amazon.co.uk', 'amazon.de', 'amazon.ca', 'amazon.co.jp', 'amazon.fr', 'amazon.it', 'amazon.es',
    'amazon.in', 'amazon.com.mx', 'amazon.com.au', 'amazon.com.br', 'amazon.nl', 'amazon.se',
    'amazon.pl', 'amazon.sg', 'amazon.ae', 'amazon.sa', 'amazon.com.tr', 'amazon.eg', 'amazon.com.be',
    'amazon.cn',
  ];
  it.each(marketplaces.flatMap((host) => [`https://www.${host}/dp/${ASIN}`, `${host}/dp/${ASIN}`, `https://smile.${host}/gp/product/${ASIN}`]))(
    'other marketplace: %s',
    (url) => {
      const error = rejected(url);
      expect(error.code).toBe('non_us_marketplace');
      expect(error.message).toContain('only amazon.com listings are supported');
    },
  );

  it.each(['https://a.co/d/7Xyz123', 'a.co/d/7Xyz123', 'https://amzn.to/3abcDEF', 'http://amzn.eu/d/abc', 'amzn.asia/d/abc', 'https://www.amzn.to/x', '<https://a.co/d/7Xyz123>'])(
    'short link: %s',
    (url) => {
      const error = rejected(url);
      expect(error.code).toBe('short_link');
      expect(error.message).toContain('paste the full amazon.com URL');
    },
  );

  it.each([
    `https://www.google.com/dp/${ASIN}`,
    `https://www.ebay.com/itm/123456789012`,
    `https://amazon.com.evil.example/dp/${ASIN}`,
    `https://notamazon.com/dp/${ASIN}`,
    `https://amazon.com@evil.example/dp/${ASIN}`,
    `ftp://www.amazon.com/dp/${ASIN}`,
    `https://aws.amazon.com/dp/${ASIN}`,
    `mailto:someone@amazon.com`,
  ])('not Amazon: %s', (url) => {
    const error = rejected(url);
    expect(error.code).toBe('not_amazon');
    expect(error.message).toContain('is not an amazon.com product URL');
  });

  it.each([
    'https://www.amazon.com/',
    'amazon.com',
    'https://www.amazon.com/s?k=usb+hub',
    'https://www.amazon.com/gp/cart/view.html',
    'https://www.amazon.com/dp/',
    'https://www.amazon.com/Anker-Ultra-Slim/',
  ])('amazon.com URL without an ASIN: %s', (url) => {
    const error = rejected(url);
    expect(error.code).toBe('invalid_listing_ref');
    expect(error.message).toMatch(/^No ASIN in ".+": .*\/dp\//);
  });

  it.each([
    ['B0799', '"B0799"'],
    ['B0799CK52K1', '"B0799CK52K1"'],
    ['B0799-CK52K', '"B0799-CK52K"'],
    ['B0799CK52!', '"B0799CK52!"'],
    ['hello', '"hello"'],
    ['B0799CK5 2K', '"B0799CK5 2K"'],
    ['https://www.amazon.com/dp/B0799', '"B0799"'],
    ['https://www.amazon.com/gp/product/NOTANASIN12', '"NOTANASIN12"'],
    ['https://www.amazon.com/dp/product/B0799%20CK52K', '"B0799 CK52K"'],
  ])('malformed ASIN %j, quoted', (input, quoted) => {
    const error = rejected(input);
    expect(error.code).toBe('invalid_asin');
    expect(error.message).toContain(`${quoted} is not a valid ASIN`);
    expect(error.message).toContain('10 letters and digits');
  });

  it('truncates a long bad input in the message', () => {
    const error = rejected('X'.repeat(500));
    expect(error.code).toBe('invalid_asin');
    expect(error.message).toContain(`"${'X'.repeat(60)}…"`);
    expect(error.message.length).toBeLessThan(160);
  });

  it('keeps control characters out of the message', () => {
    const error = rejected('bad\nasin\u0000\u202Eevil');
    expect(error.message).toContain('"bad asin evil"');
  });

  it.each(['', '   ', '<>', '``'])('nothing at all: %j', (input) => {
    expect(rejected(input).code).toBe('invalid_listing_ref');
  });
});

describe('listingUrl', () => {
  it('is the canonical product page, and parses back', () => {
    expect(listingUrl(ASIN)).toBe('https://www.amazon.com/dp/B0799CK52K');
    expect(parseListingRef(listingUrl(ASIN))).toEqual({ ok: true, value: ASIN });
  });
});

// ---- properties ----------------------------------------------------------------------------

describe('parseListingRef: properties', () => {
  it('never throws, whatever the input', () => {
    const noise = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.array(fc.constantFrom('amazon.com', 'amazon.co.uk', '/dp/', 'dp', '/', '<', '>', '|', '%', '%E0', '?asin=', ':', 'https://', ASIN, ' '), { maxLength: 20 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(noise, (input) => {
        const result = parseListingRef(input);
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) expect(isAsin(result.value) && result.value === result.value.toUpperCase()).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast and bounded on very long input', () => {
    const started = performance.now();
    for (const input of ['<'.repeat(200_000), `https://www.amazon.com/${'dp/'.repeat(50_000)}`, '𝒜'.repeat(100_000)]) {
      const result = parseListingRef(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message.length).toBeLessThan(300);
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('every ASIN round-trips as itself, in any case', () => {
    fc.assert(fc.property(typedAsinArb, ({ asin, typed }) => {
      expect(parseListingRef(typed)).toEqual({ ok: true, value: asin });
    }));
  });

  it('every ASIN round-trips through every URL shape', () => {
    fc.assert(
      fc.property(listingUrlArb, ({ asin, url }) => {
        expect(parseListingRef(url)).toEqual({ ok: true, value: asin });
      }),
      { numRuns: 1000 },
    );
  });

  it('every ASIN round-trips through listingUrl', () => {
    fc.assert(fc.property(asinArb, (asin) => {
      expect(parseListingRef(listingUrl(asin))).toEqual({ ok: true, value: asin });
    }));
  });
});
