import { z } from 'zod';

/**
 * The normalised listing: PRODUCT.md's `listing.json`, which is both the manual input format and
 * what every ListingSource produces. Only `title` and `images` are required; the first image is
 * the main image. An image is a file name (relative to the listing folder) or an URL.
 */

export const ASIN_PATTERN = /^[A-Z0-9]{10}$/;

export const ReviewAspectSchema = z.object({
  name: z.string().min(1),
  sentiment: z.enum(['POSITIVE', 'NEGATIVE', 'MIXED', 'NEUTRAL']).default('NEUTRAL'),
  mentions: z.number().int().nonnegative().default(0),
  positive: z.number().int().nonnegative().default(0),
  negative: z.number().int().nonnegative().default(0),
  summary: z.string().default(''),
  snippets: z.array(z.string()).default([]),
});
export type ReviewAspect = z.infer<typeof ReviewAspectSchema>;

export const ReviewInsightsSchema = z.object({
  summary: z.string().default(''),
  aspects: z.array(ReviewAspectSchema).default([]),
});
export type ReviewInsights = z.infer<typeof ReviewInsightsSchema>;

export const ListingSchema = z.object({
  asin: z.string().toUpperCase().regex(ASIN_PATTERN, 'must be 10 letters or digits').optional(),
  title: z.string().trim().min(1, 'must not be empty'),
  brand: z.string().optional(),
  bullets: z.array(z.string()).default([]),
  description: z.string().default(''),
  images: z.array(z.string().min(1)).min(1, 'needs at least one image (the first is the main image)'),
  price: z.number().nonnegative().optional(),
  rating: z.number().min(0).max(5).optional(),
  reviewCount: z.number().int().nonnegative().optional(),
  category: z.string().optional(),
  reviewInsights: ReviewInsightsSchema.nullable().optional(),
});
export type Listing = z.infer<typeof ListingSchema>;
export type ListingInput = z.input<typeof ListingSchema>;

/** Which side of a comparison. */
export type Side = 'A' | 'B';
export const SIDES: readonly Side[] = ['A', 'B'];

/** One side of a comparison: an ASIN to fetch, or a listing given by hand (images stored as blobs). */
export type ListingInputRef =
  | { readonly kind: 'asin'; readonly asin: string }
  | { readonly kind: 'manual'; readonly label: string; readonly listing: Listing };
