import type { AppError, Result } from '../domain/errors.ts';
import type { Listing } from '../domain/listing.ts';

/**
 * The port every ASIN-keyed listing source sits behind (Apify/Axesso today). Stage 0 asks for
 * both listings of a comparison in one call; the source fetches them in parallel.
 *
 * Contract:
 * - The result has one entry per distinct requested ASIN (keys upper-cased), each either the
 *   normalised `Listing` or the typed error that explains why that ASIN could not be had:
 *   `UserError('listing_not_found')` (the listing does not exist or is unavailable),
 *   `PermanentError('acquisition_failed')` (the source failed), `PermanentError('timeout')`.
 *   Per-ASIN results let the caller tell the user exactly which listing failed — both, if both did.
 * - `fetch` does not reject for a failed listing. It rejects only when `opts.signal` aborts
 *   (with the signal's reason), like `fetch()` does.
 * - Image URLs in a listing are not downloaded here: that is image-fetch's job, under its own
 *   host allow-list.
 */
export interface ListingSource {
  fetch(asins: readonly string[], opts?: ListingFetchOptions): Promise<Map<string, ListingResult>>;
}

export interface ListingFetchOptions {
  /** Aborts the whole fetch; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

export type ListingResult = Result<Listing, AppError>;

/**
 * Every requested listing, or the first error in request order (for callers that need all of
 * them, as a comparison does).
 */
export function requireListings(
  results: ReadonlyMap<string, ListingResult>,
  asins: readonly string[],
): Result<Listing[], AppError> {
  const listings: Listing[] = [];
  for (const asin of asins) {
    const result = results.get(asin.toUpperCase());
    if (!result) throw new Error(`ListingSource returned no result for ${asin}`);
    if (!result.ok) return result;
    listings.push(result.value);
  }
  return { ok: true, value: listings };
}
