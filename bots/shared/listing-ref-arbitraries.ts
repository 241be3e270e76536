import fc from 'fast-check';

/**
 * fast-check generators for listing references, shared by the grammar's property tests (test
 * support only: nothing in production imports this).
 */

export const asinArb = fc.stringMatching(/^[A-Z0-9]{10}$/);
/** The same ASIN as a person might type it: any letter case. */
export const typedAsinArb = asinArb.chain((asin) => fc.mixedCase(fc.constant(asin)).map((typed) => ({ asin, typed })));
const slugArb = fc.stringMatching(/^[A-Za-z0-9]{1,12}(?:-[A-Za-z0-9]{1,12}){0,6}$/);
const suffixArb = fc.constantFrom(
  '',
  '/',
  '/ref=sr_1_1',
  '/ref=sr_1_3?crid=2X&keywords=usb+hub&qid=1&sr=8-3',
  '?th=1&psc=1',
  '?pd_rd_w=abc&content-id=amzn1.sym.x#customerReviews',
  '#reviews',
);
const originArb = fc.constantFrom(
  'https://www.amazon.com', 'http://www.amazon.com', 'https://amazon.com', 'amazon.com', 'www.amazon.com',
  'https://smile.amazon.com', 'https://m.amazon.com', 'smile.amazon.com', 'HTTPS://WWW.AMAZON.COM',
);
type Shape = (asin: string, slug: string) => string;
const shapes: Shape[] = [
  (a) => `/dp/${a}`,
  (a, s) => `/${s}/dp/${a}`,
  (a) => `/dp/product/${a}`,
  (a) => `/gp/product/${a}`,
  (a) => `/gp/aw/d/${a}`,
  (a) => `/exec/obidos/ASIN/${a}`,
  (a) => `/exec/obidos/${a}`,
  (a) => `/exec/obidos/tg/detail/-/${a}`,
];
const wrapArb = fc.constantFrom<(url: string) => string>(
  (u) => u,
  (u) => `<${u}>`,
  (u) => `<${u}|${u}>`,
  (u) => `  ${u}\t`,
);

/** Every URL shape a person may paste for `asin` (typed in any case). */
export const listingUrlArb = fc
  .record({ asin: typedAsinArb, origin: originArb, shape: fc.constantFrom(...shapes), slug: slugArb, suffix: suffixArb, wrap: wrapArb })
  .map(({ asin, origin, shape, slug, suffix, wrap }) => ({ asin: asin.asin, url: wrap(`${origin}${shape(asin.typed, slug)}${suffix}`) }));
