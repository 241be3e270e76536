import { ASIN_PATTERN } from '../../service/domain/listing.ts';
import { err, ok, UserError } from '../../service/domain/errors.ts';
import type { Result } from '../../service/domain/errors.ts';
import { decodeSlackEntities, quoteInput, stripInvisible } from './quote-input.ts';

/**
 * A listing reference is what a person types to name an Amazon listing: a bare ASIN or an
 * amazon.com product URL. Every front end (Slack text, Discord options, the CLI) resolves it
 * here, so "an ASIN and its URL are the same listing" holds everywhere: both normalise to the
 * upper-case ASIN.
 *
 * Only amazon.com is supported (PRODUCT.md, Commands); other marketplaces and short links are
 * refused with a message that says what to paste instead. Never throws.
 */

/** Hosts that redirect to a listing; we never follow redirects, so the person must paste the target. */
const SHORT_LINK_HOSTS = new Set(['a.co', 'amzn.to', 'amzn.eu', 'amzn.asia', 'amzn.in', 'amzn.com']);

/** Host prefixes that serve the same US store as amazon.com itself. */
const US_HOST = /^(?:(?:www|smile|m)\.)?amazon\.com$/;

/** Any Amazon storefront: amazon.de, amazon.co.uk, amazon.com.au, amazon.com.be, … and their subdomains. */
const AMAZON_STOREFRONT = /(?:^|\.)amazon\.(?:com?\.)?[a-z]{2}$/;

/**
 * Path shapes that carry an ASIN in the segment after the keyword sequence, longest first:
 * /dp/product/ASIN, /dp/ASIN, /gp/product/ASIN, /gp/aw/d/ASIN, /exec/obidos/ASIN/ASIN,
 * /exec/obidos/tg/detail/-/ASIN, /exec/obidos/ASIN, /o/ASIN/ASIN, /gp/offer-listing/ASIN,
 * /product-reviews/ASIN. A title slug may precede them (`/Some-Title/dp/ASIN/ref=…`).
 */
const ASIN_PATHS: readonly (readonly string[])[] = [
  ['dp', 'product'],
  ['dp'],
  ['gp', 'product'],
  ['gp', 'aw', 'd'],
  ['gp', 'offer-listing'],
  ['exec', 'obidos', 'asin'],
  ['exec', 'obidos', 'tg', 'detail', '-'],
  ['exec', 'obidos'],
  ['o', 'asin'],
  ['product-reviews'],
];

const EXAMPLE_ASIN = 'B0799CK52K';

/** The canonical product page for an ASIN (as returned by `parseListingRef`). */
export function listingUrl(asin: string): string {
  return `https://www.amazon.com/dp/${asin}`;
}

/** True when `text` is exactly an ASIN in any letter case. */
export function isAsin(text: string): boolean {
  return ASIN_PATTERN.test(text.toUpperCase());
}

/** Resolve an ASIN or amazon.com product URL to its normalised (upper-case) ASIN. */
export function parseListingRef(input: string): Result<string, UserError> {
  const text = unwrap(input);
  if (text === '') {
    return err(new UserError('invalid_listing_ref', `Give an ASIN (like ${EXAMPLE_ASIN}) or a full amazon.com product URL.`));
  }
  if (isAsin(text)) return ok(text.toUpperCase());
  // Anything without a dot, slash or colon cannot be a URL: it was meant as an ASIN.
  if (!/[./:]/.test(text)) return err(invalidAsin(text));
  return parseUrl(text);
}

/**
 * Strip what chat clients wrap around a pasted value: surrounding whitespace and invisible
 * characters, Slack's `<url>` / `<url|label>` link markup and its HTML entities, and backticks
 * or angle brackets a person typed around it.
 */
function unwrap(input: string): string {
  let text = stripInvisible(input).trim();
  const link = /^<([^<>|]*)(?:\|[^<>]*)?>$/.exec(text);
  if (link) text = link[1] ?? '';
  text = decodeSlackEntities(text).trim();
  const quoted = /^`+([^`]*)`+$/.exec(text);
  if (quoted) text = (quoted[1] ?? '').trim();
  return text;
}

function parseUrl(text: string): Result<string, UserError> {
  // `host:443/…` has a port, not a scheme; `mailto:…` has a scheme and no `//`.
  const withScheme = /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)
    ? text
    : `https://${text.replace(/^\/\//, '')}`;
  const url = URL.parse(withScheme);
  if (url === null) {
    return err(
      new UserError(
        'invalid_listing_ref',
        `${quoteInput(text)} is neither an ASIN nor an amazon.com URL: give an ASIN (like ${EXAMPLE_ASIN}) or a full amazon.com product URL.`,
      ),
    );
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const bareHost = host.replace(/^www\./, '');
  if (SHORT_LINK_HOSTS.has(bareHost)) {
    return err(
      new UserError(
        'short_link',
        `${bareHost} is a short link and is not followed: paste the full amazon.com URL (the one with /dp/ in it).`,
      ),
    );
  }
  const isHttp = url.protocol === 'https:' || url.protocol === 'http:';
  if (isHttp && AMAZON_STOREFRONT.test(host) && !/(?:^|\.)amazon\.com$/.test(host)) {
    return err(
      new UserError(
        'non_us_marketplace',
        `${host} is not the US store: only amazon.com listings are supported.`,
      ),
    );
  }
  if (!isHttp || !US_HOST.test(host)) {
    return err(
      new UserError(
        'not_amazon',
        `${quoteInput(text)} is not an amazon.com product URL: give an ASIN (like ${EXAMPLE_ASIN}) or an amazon.com /dp/ URL.`,
      ),
    );
  }
  return asinFromUrl(url, text);
}

function asinFromUrl(url: URL, text: string): Result<string, UserError> {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const lower = segments.map((s) => s.toLowerCase());
  let firstBad: string | undefined;
  for (let i = 0; i < segments.length; i++) {
    for (const shape of ASIN_PATHS) {
      if (!shape.every((word, k) => lower[i + k] === word)) continue;
      // The longest matching shape decides what this position means.
      const candidate = segments[i + shape.length];
      if (candidate !== undefined && isAsin(candidate)) return ok(candidate.toUpperCase());
      // A title slug can look like a keyword (`/dp/dp/B0…`): keep looking before refusing.
      firstBad ??= candidate;
      break;
    }
  }
  const fromQuery = url.searchParams.get('asin') ?? url.searchParams.get('ASIN');
  if (fromQuery !== null && isAsin(fromQuery.trim())) return ok(fromQuery.trim().toUpperCase());
  if (firstBad !== undefined) return err(invalidAsin(safeDecode(firstBad)));
  return err(
    new UserError(
      'invalid_listing_ref',
      `No ASIN in ${quoteInput(text)}: open the product page and copy its URL (it has /dp/ followed by the 10-character ASIN), or give the ASIN itself.`,
    ),
  );
}

function invalidAsin(text: string): UserError {
  return new UserError(
    'invalid_asin',
    `${quoteInput(text)} is not a valid ASIN: an ASIN is 10 letters and digits, like ${EXAMPLE_ASIN}.`,
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
