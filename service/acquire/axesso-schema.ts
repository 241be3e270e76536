import { z } from 'zod';

/**
 * The shapes of Axesso's Amazon product data, as far as we read them. Two are documented:
 *
 * - the Apify actor's dataset item (`axesso_data/amazon-product-details-scraper`, what we run):
 *   `statusCode`/`statusMessage`, `title`, `manufacturer`, `price`, `productRating`,
 *   `countReview`, `features`, `productDescription`, `mainImage: { imageUrl, imageResolution }`,
 *   `imageUrlList`, `categoriesExtended: [{ name, url, node }]`, `reviewInsights: { summary,
 *   banner, featureAspects: [{ name, featureMentionCount, featureMentionPositiveCount,
 *   featureMentionNegativeCount, keyFacts, summary, sentiment, reviewSnippets: [{ text, uri }] }] }`
 *   (recorded in test/fixtures/axesso/actor-item.composed.json, sources in its SOURCES.md);
 * - Axesso's REST lookup (`/amz/amazon-lookup-product`): `responseStatus`, `productTitle`,
 *   `manufacturer`, `categories: string[]`, `imageUrlList`, … (test/fixtures/axesso/rest-*.json).
 *
 * The title is `title` in the actor's item and `productTitle` in the REST lookup: both are read.
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
  /** The actor's spelling. */
  name: lenient(z.string()),
  featureName: lenient(z.string()),
  title: lenient(z.string()),
  sentiment: lenient(z.string()),
  mentions: lenient(MentionsSchema),
  /** The actor's counts: `featureMention{,Positive,Negative}Count`. */
  featureMentionCount: lenient(looseNumber),
  featureMentionPositiveCount: lenient(looseNumber),
  featureMentionNegativeCount: lenient(looseNumber),
  totalMentions: lenient(looseNumber),
  positiveMentions: lenient(looseNumber),
  negativeMentions: lenient(looseNumber),
  positive: lenient(looseNumber),
  negative: lenient(looseNumber),
  summary: lenient(z.string()),
  /** The actor's one-line gist of the aspect; the summary when there is none. */
  keyFacts: lenient(z.string()),
  description: lenient(z.string()),
  snippets: lenient(looseArray(SnippetSchema)),
  reviewSnippets: lenient(looseArray(SnippetSchema)),
});

export const AxessoReviewInsightsSchema = z.looseObject({
  summary: lenient(z.string()),
  reviewSummary: lenient(z.string()),
  featureAspects: lenient(looseArray(AxessoAspectSchema)),
});

/** `{ name, value }` rows: productDetails, productOverview, technicalDetails, aboutProduct. */
const DetailRowSchema = z.looseObject({ name: lenient(z.string()), value: lenient(z.string()) });

/** The actor's breadcrumb entry. */
const CategoryRefSchema = z.union([z.string(), z.looseObject({ name: lenient(z.string()) })]);

export const AxessoItemSchema = z.looseObject({
  statusCode: lenient(looseNumber),
  statusMessage: lenient(z.string()),
  /** Axesso's REST API spelling of the status ("PRODUCT_FOUND_RESPONSE"). */
  responseStatus: lenient(z.string()),
  url: lenient(z.string()),
  asin: lenient(z.string()),
  /** The actor's title. */
  title: lenient(z.string()),
  /** The REST lookup's title. */
  productTitle: lenient(z.string()),
  brand: lenient(z.string()),
  manufacturer: lenient(z.string()),
  /** Spec rows; one named "Brand" names the brand when no brand/manufacturer field does. */
  productDetails: lenient(looseArray(DetailRowSchema)),
  productOverview: lenient(looseArray(DetailRowSchema)),
  technicalDetails: lenient(looseArray(DetailRowSchema)),
  features: lenient(looseArray(z.string())),
  productDescription: lenient(z.string()),
  mainImage: lenient(ImageRefSchema),
  imageUrlList: lenient(looseArray(ImageRefSchema)),
  price: lenient(looseNumber),
  productRating: lenient(z.union([z.number(), z.string()])),
  countReview: lenient(looseNumber),
  /** The REST lookup's breadcrumb. */
  categories: lenient(looseArray(CategoryRefSchema)),
  /** The actor's breadcrumb: `[{ name, url, node }]`. */
  categoriesExtended: lenient(looseArray(CategoryRefSchema)),
  // `null` (the actor found no insights) is kept apart from "absent" on purpose.
  reviewInsights: z.union([AxessoReviewInsightsSchema, z.null()]).optional().catch(undefined),
});
export type AxessoItem = z.output<typeof AxessoItemSchema>;

export type AxessoAspect = z.output<typeof AxessoAspectSchema>;
export type AxessoImageRef = z.output<typeof ImageRefSchema>;
