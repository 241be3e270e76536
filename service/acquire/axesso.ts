import { PermanentError, UserError, err, ok } from '../domain/errors.ts';
import type { AppError, Result } from '../domain/errors.ts';
import { ASIN_PATTERN, ListingSchema } from '../domain/listing.ts';
import type { Listing, ListingInput, ReviewAspect } from '../domain/listing.ts';
import { dedupeAmazonImages } from './amazon-images.ts';
import { AxessoItemSchema } from './axesso-schema.ts';
import type { AxessoAspect, AxessoImageRef, AxessoItem } from './axesso-schema.ts';

/**
 * Axesso's Amazon product item (axesso-schema.ts) → our `Listing`, from either documented shape:
 * the Apify actor's dataset item (`title`, `categoriesExtended`, `featureMention*Count`, …) or the
 * REST lookup (`productTitle`, `responseStatus`, `categories`, …). Only what the `Listing` itself
 * requires (a title and at least one image) can make the mapping fail; every other field is
 * taken when usable and left out when not.
 *
 * @see https://apify.com/axesso_data/amazon-product-details-scraper
 */

/** Where a title may be, in order: the actor's item, then the REST lookup. */
const TITLE_FIELDS = ['title', 'productTitle'] as const;

/**
 * Maps one actor item to a `Listing`. Never throws.
 *
 * @param requestedAsin the ASIN we asked for; named in errors and used when the item lacks one.
 * @returns `UserError('listing_not_found')` when the item's status is not FOUND (the actor emits
 *   such an item for a missing or unavailable product); `PermanentError('acquisition_failed')`
 *   when the item is unusable (not an object, no title under any known name, no image).
 */
export function axessoToListing(raw: unknown, requestedAsin?: string): Result<Listing, AppError> {
  const parsed = AxessoItemSchema.safeParse(raw);
  const rawAsin = parsed.success ? parsed.data.asin : undefined;
  const asin = (requestedAsin ?? rawAsin ?? asinFromUrl(parsed.success ? parsed.data.url : undefined))?.toUpperCase();
  const name = asin ? `Listing ${asin}` : 'The listing';
  if (!parsed.success) {
    return err(new PermanentError('acquisition_failed', `${name}: the listing source returned an item that is not an object.`));
  }
  const item = parsed.data;

  const status = itemStatus(item);
  if (status !== 'found') {
    const detail = item.statusMessage ?? item.responseStatus ?? `status ${String(item.statusCode)}`;
    return status === 'not_found'
      ? err(new UserError('listing_not_found', `${name} was not found on amazon.com (${detail}).`))
      : err(new PermanentError('acquisition_failed', `${name} could not be fetched (${detail}).`));
  }

  const title = firstText(...TITLE_FIELDS.map((field) => item[field]));
  if (!title) {
    return err(new PermanentError('acquisition_failed', `${name}: the listing source returned no title (looked for ${TITLE_FIELDS.join(', ')}).`));
  }
  const images = collectImages(item.mainImage, item.imageUrlList ?? []);
  if (images.length === 0) {
    return err(new PermanentError('acquisition_failed', `${name}: the listing source returned no images.`));
  }

  const candidate: ListingInput = {
    title,
    bullets: (item.features ?? []).map((f) => f.trim()).filter((f) => f.length > 0),
    description: item.productDescription?.trim() ?? '',
    images,
  };
  const listingAsin = asin && ASIN_PATTERN.test(asin) ? asin : undefined;
  if (listingAsin) candidate.asin = listingAsin;
  const brand = cleanBrand(firstText(item.brand, item.manufacturer) ?? brandFromDetails(item));
  if (brand) candidate.brand = brand;
  if (item.price !== undefined && item.price !== null && item.price > 0) candidate.price = item.price;
  const rating = parseRating(item.productRating);
  if (rating !== undefined) candidate.rating = rating;
  if (item.countReview !== undefined && item.countReview !== null && item.countReview >= 0) {
    candidate.reviewCount = Math.round(item.countReview);
  }
  const category = breadcrumb(item.categoriesExtended) ?? breadcrumb(item.categories);
  if (category) candidate.category = category;
  if (item.reviewInsights === null) candidate.reviewInsights = null;
  else if (item.reviewInsights !== undefined) {
    candidate.reviewInsights = {
      summary: (item.reviewInsights.summary ?? item.reviewInsights.reviewSummary ?? '').trim(),
      aspects: (item.reviewInsights.featureAspects ?? []).flatMap(mapAspect),
    };
  }

  const listing = ListingSchema.safeParse(candidate);
  if (!listing.success) {
    const issue = listing.error.issues[0];
    const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid';
    return err(new PermanentError('acquisition_failed', `${name}: the listing source returned an unusable listing (${where}).`));
  }
  return ok(listing.data);
}

function firstText(...values: (string | null | undefined)[]): string | undefined {
  for (const value of values) {
    const text = value?.trim();
    if (text) return text;
  }
  return undefined;
}

/** A spec row named "Brand" (or "Brand Name", "Marca"): some items carry the brand only there. */
function brandFromDetails(item: AxessoItem): string | undefined {
  for (const rows of [item.productOverview, item.productDetails, item.technicalDetails]) {
    const row = (rows ?? []).find((r) => /^(brand( name)?|marca|marke|marque)$/i.test(r.name?.trim() ?? ''));
    const value = row?.value?.trim();
    if (value) return value;
  }
  return undefined;
}

/** `["Video Games", "Consoles"]` or `[{ name: "Electronics" }, …]` → "Video Games > Consoles". */
function breadcrumb(refs: readonly (string | { name?: string | null | undefined })[] | null | undefined): string | undefined {
  const names = (refs ?? []).flatMap((ref) => {
    const text = (typeof ref === 'string' ? ref : (ref.name ?? '')).trim();
    return text ? [text] : [];
  });
  return names.length > 0 ? names.join(' > ') : undefined;
}

type ItemStatus = 'found' | 'not_found' | 'failed';

/**
 * The actor reports per-item status as `statusCode` + `statusMessage` ("FOUND",
 * "PRODUCT NOT FOUND"); the REST API as `responseStatus` ("PRODUCT_FOUND_RESPONSE"). An item with
 * no status at all is taken as found (older actor versions omit it).
 */
function itemStatus(item: AxessoItem): ItemStatus {
  const code = item.statusCode ?? undefined;
  const message = (item.statusMessage ?? item.responseStatus ?? '').toUpperCase().replace(/[_\s]+/g, ' ').trim();
  if (code !== undefined && code >= 500) return 'failed';
  if (/NOT ?FOUND|UNAVAILABLE|NO PRODUCT/.test(message)) return 'not_found';
  if (code !== undefined && (code < 200 || code >= 300)) return 'not_found';
  if (message === '' || /^(PRODUCT )?FOUND( RESPONSE)?$/.test(message) || message === 'SUCCESS' || message === 'OK') {
    return 'found';
  }
  return 'not_found';
}

function asinFromUrl(url: string | null | undefined): string | undefined {
  return url ? /\/(?:dp|gp\/product)\/([A-Z0-9]{10})/i.exec(url)?.[1] : undefined;
}

/** "Visit the Sony Store" / "Brand: Sony" → "Sony". */
function cleanBrand(value: string | null | undefined): string | undefined {
  const brand = value
    ?.trim()
    .replace(/^visit the (.+) store$/i, '$1')
    .replace(/^brand:\s*/i, '')
    .trim();
  return brand ? brand : undefined;
}

/** "4.4 out of 5 stars" → 4.4; "4,4 von 5 Sternen" → 4.4; 4.4 → 4.4; anything else → undefined. */
export function parseRating(value: string | number | null | undefined): number | undefined {
  const n = typeof value === 'number' ? value : Number.parseFloat(/\d+(?:[.,]\d+)?/.exec(value ?? '')?.[0]?.replace(',', '.') ?? '');
  return Number.isFinite(n) && n >= 0 && n <= 5 ? n : undefined;
}

/** Main image first, then the gallery; one entry per Amazon image id, its highest resolution. */
function collectImages(main: AxessoImageRef | null | undefined, list: readonly AxessoImageRef[]): string[] {
  return dedupeAmazonImages(
    [main, ...list].flatMap((ref) => {
      const url = imageUrlOf(ref);
      return url ? [url] : [];
    }),
  );
}

function imageUrlOf(ref: AxessoImageRef | null | undefined): string | undefined {
  const candidate = typeof ref === 'string' ? ref : (ref?.hiRes ?? ref?.imageUrl ?? ref?.large ?? ref?.url);
  const url = candidate?.trim();
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}

function mapAspect(aspect: AxessoAspect): ReviewAspect[] {
  const name = (aspect.aspect ?? aspect.name ?? aspect.featureName ?? aspect.title ?? '').trim();
  if (!name) return [];
  const mentions = aspect.mentions;
  const counts = typeof mentions === 'object' && mentions !== null ? mentions : undefined;
  const positive = count(counts?.positive ?? aspect.featureMentionPositiveCount ?? aspect.positiveMentions ?? aspect.positive);
  const negative = count(counts?.negative ?? aspect.featureMentionNegativeCount ?? aspect.negativeMentions ?? aspect.negative);
  const total = count(typeof mentions === 'number' ? mentions : (counts?.total ?? aspect.featureMentionCount ?? aspect.totalMentions));
  const snippets = (aspect.snippets ?? aspect.reviewSnippets ?? []).flatMap((s) => {
    const text = (typeof s === 'string' ? s : (s.text ?? s.snippet ?? '')).trim();
    return text ? [text] : [];
  });
  return [
    {
      name,
      sentiment: sentimentOf(aspect.sentiment, positive, negative),
      mentions: Math.max(total, positive + negative),
      positive,
      negative,
      summary: firstText(aspect.summary, aspect.keyFacts, aspect.description) ?? '',
      snippets,
    },
  ];
}

function count(value: number | null | undefined): number {
  return value !== undefined && value !== null && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function sentimentOf(value: string | null | undefined, positive: number, negative: number): ReviewAspect['sentiment'] {
  const s = (value ?? '').toUpperCase();
  if (s.includes('MIX')) return 'MIXED';
  if (s.startsWith('POS')) return 'POSITIVE';
  if (s.startsWith('NEG')) return 'NEGATIVE';
  if (s.startsWith('NEU')) return 'NEUTRAL';
  // No label: judge by the counts (a 2:1 majority decides, otherwise mixed).
  if (positive === 0 && negative === 0) return 'NEUTRAL';
  if (positive >= 2 * negative) return 'POSITIVE';
  if (negative >= 2 * positive) return 'NEGATIVE';
  return 'MIXED';
}
