import { z } from 'zod';

/**
 * The shape of one dataset item of Axesso's Amazon product actor
 * (`axesso_data/amazon-product-details-scraper`), as far as we read it.
 *
 * Deliberately lenient: unknown fields pass through, any field may be null or missing, and a
 * field of the wrong type reads as undefined instead of failing the item — scrapers change shape
 * without notice, and one odd field must not cost us the listing. Several spellings are accepted
 * where the actor's versions differ (aspect `aspect`/`name`, mentions as a number or as
 * `{ total, positive, negative }`, snippets as strings or `{ text }`).
 *
 * @see https://apify.com/axesso_data/amazon-product-details-scraper
 */

/** A field that may be absent, null or of an unexpected type (then it reads as undefined). */
const lenient = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

/** A number, or a string holding one ("$1,299.99", "1,234"). */
const looseNumber = z.union([
  z.number(),
  z.string().transform((s, ctx) => {
    const n = Number.parseFloat(s.replace(/[^0-9.]/g, ''));
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: 'not a number' });
      return z.NEVER;
    }
    return n;
  }),
]);

/** An array whose elements of the wrong type are dropped rather than failing the array. */
const looseArray = <T extends z.ZodType>(element: T) =>
  z.array(z.unknown()).transform((items) =>
    items.flatMap((item) => {
      const parsed = element.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );

export const ImageRefSchema = z.union([
  z.string(),
  z.looseObject({
    imageUrl: lenient(z.string()),
    hiRes: lenient(z.string()),
    large: lenient(z.string()),
    url: lenient(z.string()),
  }),
]);

const SnippetSchema = z.union([
  z.string(),
  z.looseObject({ text: lenient(z.string()), snippet: lenient(z.string()) }),
]);

const MentionsSchema = z.union([
  looseNumber,
  z.looseObject({ total: lenient(looseNumber), positive: lenient(looseNumber), negative: lenient(looseNumber) }),
]);

export const AxessoAspectSchema = z.looseObject({
  aspect: lenient(z.string()),
  name: lenient(z.string()),
  featureName: lenient(z.string()),
  title: lenient(z.string()),
  sentiment: lenient(z.string()),
  mentions: lenient(MentionsSchema),
  totalMentions: lenient(looseNumber),
  positiveMentions: lenient(looseNumber),
  negativeMentions: lenient(looseNumber),
  positive: lenient(looseNumber),
  negative: lenient(looseNumber),
  summary: lenient(z.string()),
  description: lenient(z.string()),
  snippets: lenient(looseArray(SnippetSchema)),
  reviewSnippets: lenient(looseArray(SnippetSchema)),
});

export const AxessoReviewInsightsSchema = z.looseObject({
  summary: lenient(z.string()),
  reviewSummary: lenient(z.string()),
  featureAspects: lenient(looseArray(AxessoAspectSchema)),
});

export const AxessoItemSchema = z.looseObject({
  statusCode: lenient(looseNumber),
  statusMessage: lenient(z.string()),
  /** Axesso's REST API spelling of the status ("PRODUCT_FOUND_RESPONSE"). */
  responseStatus: lenient(z.string()),
  url: lenient(z.string()),
  asin: lenient(z.string()),
  productTitle: lenient(z.string()),
  brand: lenient(z.string()),
  manufacturer: lenient(z.string()),
  features: lenient(looseArray(z.string())),
  productDescription: lenient(z.string()),
  mainImage: lenient(ImageRefSchema),
  imageUrlList: lenient(looseArray(ImageRefSchema)),
  price: lenient(looseNumber),
  productRating: lenient(z.union([z.number(), z.string()])),
  countReview: lenient(looseNumber),
  categories: lenient(looseArray(z.string())),
  // `null` (the actor found no insights) is kept apart from "absent" on purpose.
  reviewInsights: z.union([AxessoReviewInsightsSchema, z.null()]).optional().catch(undefined),
});
export type AxessoItem = z.output<typeof AxessoItemSchema>;

export type AxessoAspect = z.output<typeof AxessoAspectSchema>;
export type AxessoImageRef = z.output<typeof ImageRefSchema>;
