/**
 * Axesso-format dataset items for the Apify emulator, in either of Axesso's documented shapes
 * (test/fixtures/axesso/SOURCES.md names the source of each):
 *
 * - `actor` (the default): the dataset item of the Apify actor `axesso_data/amazon-product-details-scraper`,
 *   which production runs. Field names and formats as in `test/fixtures/axesso/actor-item.composed.json`
 *   (after the actor's output contract in JaimeAlonsoGA/puckora `packages/apify/src/types/amazon.ts`):
 *   `statusCode`/`statusMessage`, `title`, `manufacturer`, `countReview`, `productRating`,
 *   `price`/`retailPrice`, `features`, `productDescription`, `mainImage: { imageUrl, imageResolution }`,
 *   `imageUrlList`, `categoriesExtended: [{ name, url, node }]`, `reviewInsights: { summary, banner,
 *   featureAspects: [{ name, featureMentionCount, featureMentionPositiveCount,
 *   featureMentionNegativeCount, keyFacts, summary, sentiment, reviewSnippets: [{ text, uri }] }] }`.
 * - `rest`: Axesso's REST lookup (`amazon-lookup-product`), as its API documentation's example
 *   (test/fixtures/axesso/rest-lookup-product.api-doc.REPAIRED.json, viktorRot/axesso-api-doc):
 *   `responseStatus`/`responseMessage`, `productTitle`, `manufacturer`, `categories: string[]`,
 *   `imageUrlList` (no `mainImage`), no review insights.
 *
 * Texts are written for these tests; the images are the ABO fixture photos that
 * `startImageHost()` serves under `/abo/<ASIN>/<file>.jpg`.
 */

export type AxessoItemFixture = Record<string, unknown>;

/** ASINs with a complete item (their ABO photos are served by the image host). */
export const SAMPLE_ASINS = ['B0799CK52K', 'B074M5HPBD', 'B07GTFSCHB'] as const;
export type SampleAsin = (typeof SAMPLE_ASINS)[number];

interface Sample {
  readonly title: string;
  readonly manufacturer: string;
  readonly price: number;
  readonly rating: string;
  readonly reviews: number;
  readonly categories: readonly string[];
  readonly features: readonly string[];
  readonly description: string;
  /** The first is the main image. */
  readonly images: readonly string[];
  readonly insights: { readonly summary: string; readonly aspects: readonly (readonly [string, string, number, number, number, string, string])[] } | null;
}

const SAMPLES: Record<SampleAsin, Sample> = {
  B0799CK52K: {
    title: 'Starter Yoga Duffel Bag with Mat Pocket and Detachable Shoulder Strap, Iron Grey, Amazon Exclusive',
    manufacturer: 'Visit the Starter Store',
    price: 24.99,
    rating: '4.4 out of 5 stars',
    reviews: 1873,
    categories: ['Sports & Outdoors', 'Sports & Fitness', 'Exercise & Fitness', 'Yoga', 'Bags'],
    features: [
      'CARRIES YOUR MAT: an outside sleeve holds a rolled yoga mat so the main compartment stays free for clothes',
      'ORGANISED INSIDE: two stretch mesh pockets and one zip pocket keep keys, phone and bottle apart',
      'TWO WAYS TO CARRY: padded hand straps plus a shoulder strap you can clip off',
      'LIGHT AND QUICK-DRYING: 100% polyester shell that wipes clean after a sweaty class',
    ],
    description:
      'A light duffel sized for a class and a change of clothes. The mat sleeve on the side takes most standard mats; the lined main compartment has room for shoes, a towel and a bottle.',
    images: ['d80a51d3.jpg', '528c608a.jpg', '25ffa37c.jpg', '95f7ee92.jpg', 'a8a14cd2.jpg'],
    insights: {
      summary: 'Buyers like the size and the mat pocket; some find the zip stiff and the strap thin.',
      aspects: [
        ['Size', 'POSITIVE', 214, 188, 26, 'Roomy enough for a change of clothes and shoes.', 'Fits my mat, towel and sneakers with room to spare.'],
        ['Mat pocket', 'POSITIVE', 131, 117, 14, 'The side sleeve holds most mats securely.', 'My thick mat slides right into the side pocket.'],
        ['Zipper', 'MIXED', 58, 27, 31, 'Some zips catch on the lining.', 'The zipper sticks at the corner every time.'],
        ['Shoulder strap', 'NEGATIVE', 44, 12, 32, 'The strap is thin and digs in when the bag is full.', 'Strap is flimsy for a heavy load.'],
      ],
    },
  },
  B074M5HPBD: {
    title: 'AmazonBasics 40W Equivalent A19 LED Light Bulb, Soft White 3000K, Non-Dimmable, 15,000 Hour Lifetime, 16-Pack',
    manufacturer: 'Visit the AmazonBasics Store',
    price: 21.49,
    rating: '4.6 out of 5 stars',
    reviews: 48211,
    categories: ['Tools & Home Improvement', 'Light Bulbs', 'LED Bulbs'],
    features: [
      '400 lumens of soft white (3000K) light, full brightness the moment you switch on',
      'Uses 6 watts in place of a 40-watt incandescent bulb',
      'Rated for 15,000 hours: over a decade at three hours a day',
      'Standard E26 base fits lamps and ceiling fixtures; not for use with dimmers',
    ],
    description: 'Everyday A19 LED bulbs in a 16-pack for lamps, hallways and ceiling fixtures.',
    images: ['dcace9b5.jpg', '9ea6992d.jpg', 'f5047137.jpg'],
    insights: {
      summary: 'Customers praise the warm light and price per bulb; a few report early failures.',
      aspects: [
        ['Light quality', 'POSITIVE', 1520, 1391, 129, 'Warm, even light without flicker.', 'Nice warm light, no flicker at all.'],
        ['Value for money', 'POSITIVE', 1204, 1150, 54, 'Good price per bulb for a pack of 16.', 'Great deal for a 16-pack.'],
        ['Durability', 'MIXED', 610, 352, 258, 'Most last for years; some burn out within months.', 'Two of sixteen died in the first month.'],
      ],
    },
  },
  B07GTFSCHB: {
    title: 'Solimo Vitamin E 400 IU Softgels, 365 Count (1-Year Supply)',
    manufacturer: 'Solimo',
    price: 12.99,
    rating: '4.7 out of 5 stars',
    reviews: 3307,
    categories: ['Health & Household', 'Vitamins, Minerals & Supplements', 'Vitamins', 'Vitamin E'],
    features: [
      'One softgel a day with a meal',
      'No artificial colours, flavours or preservatives',
      '365 softgels: a full year at one a day',
    ],
    description: 'Vitamin E supports the protection of cells from oxidative stress. Keep out of reach of children.',
    images: ['844a1cce.jpg', '7e487bec.jpg', '31afd5f5.jpg', '3238d76f.jpg'],
    insights: null,
  },
};

export type AxessoShape = 'actor' | 'rest';

export interface AxessoItemOptions {
  /** Which of Axesso's shapes to build (default `actor`: what the Apify actor emits). */
  readonly shape?: AxessoShape;
}

/** Where each shape keeps the title. */
export const TITLE_FIELD: Readonly<Record<AxessoShape, string>> = { actor: 'title', rest: 'productTitle' };

/**
 * A FOUND item for one of `SAMPLE_ASINS`, images on `imageBaseUrl` (e.g. `startImageHost().url`),
 * in the actor's shape unless `options.shape` says `rest`.
 *
 * `overrides` replace top-level fields (set one to `undefined` to drop it). A title override may
 * be keyed `title` or `productTitle`: it sets the title field of the shape being built.
 */
export function axessoItem(asin: SampleAsin, imageBaseUrl: string, overrides: AxessoItemFixture = {}, options: AxessoItemOptions = {}): AxessoItemFixture {
  const shape = options.shape ?? 'actor';
  const s = SAMPLES[asin];
  const images = s.images.map((file) => `${imageBaseUrl.replace(/\/$/, '')}/abo/${asin}/${file}`);
  const item = shape === 'actor' ? actorItem(asin, s, images) : restItem(asin, s, images);
  for (const [key, value] of Object.entries(overrides)) {
    const field = key === 'title' || key === 'productTitle' ? TITLE_FIELD[shape] : key;
    if (value === undefined) delete item[field];
    else item[field] = value;
  }
  return item;
}

/** The actor's dataset item (field order as the actor's output contract lists them). */
function actorItem(asin: SampleAsin, s: Sample, images: readonly string[]): AxessoItemFixture {
  return {
    statusCode: 200,
    statusMessage: 'FOUND',
    url: `https://www.amazon.com/dp/${asin}`,
    title: s.title,
    manufacturer: s.manufacturer,
    countReview: s.reviews,
    productRating: s.rating,
    asin,
    soldBy: 'Amazon.com',
    fulfilledBy: 'Amazon',
    sellerId: null,
    warehouseAvailability: 'In Stock',
    retailPrice: 0,
    price: s.price,
    priceRange: null,
    shippingPrice: 0,
    priceShippingInformation: null,
    priceSaving: null,
    features: s.features,
    imageUrlList: images,
    videoeUrlList: [],
    productDescription: s.description,
    productDetails: [{ name: 'ASIN', value: asin }],
    minimalQuantity: null,
    reviews: [],
    productSpecification: [],
    mainImage: { imageUrl: images[0], imageResolution: '1000x1000' },
    variations: [],
    bookVariations: [],
    categoriesExtended: s.categories.map((name, i) => ({ name, url: `/b/ref=dp_bc_${i + 1}?ie=UTF8&node=${1000 + i}`, node: String(1000 + i) })),
    deliveryMessage: null,
    importantInformation: [],
    buyBoxUsed: null,
    aboutProduct: [],
    globalReviews: [],
    deal: false,
    prime: true,
    used: false,
    pastSales: null,
    reviewInsights:
      s.insights === null
        ? null
        : {
            summary: s.insights.summary,
            banner: 'AI-generated from the text of customer reviews',
            featureAspects: s.insights.aspects.map(([name, sentiment, total, positive, negative, summary, snippet]) => ({
              name,
              featureMentionCount: total,
              featureMentionPositiveCount: positive,
              featureMentionNegativeCount: negative,
              keyFacts: name,
              summary,
              sentiment,
              reviewSnippets: [{ text: snippet, uri: `/gp/customer-reviews/R${asin}/` }],
            })),
          },
  };
}

/** The REST lookup's response (field order as the API documentation's example). */
function restItem(asin: SampleAsin, s: Sample, images: readonly string[]): AxessoItemFixture {
  return {
    responseStatus: 'PRODUCT_FOUND_RESPONSE',
    responseMessage: 'Product successfully found!',
    productTitle: s.title,
    manufacturer: s.manufacturer,
    countReview: s.reviews,
    answeredQuestions: 0,
    productRating: s.rating,
    asin,
    sizeSelection: [],
    soldBy: 'Amazon.com',
    fulfilledBy: 'Amazon',
    warehouseAvailability: 'In Stock.',
    retailPrice: 0,
    price: s.price,
    shippingPrice: 0,
    priceShippingInformation: 'free',
    priceSaving: null,
    features: s.features,
    imageUrlList: images,
    productDescription: s.description,
    productDetails: [{ name: 'ASIN', value: asin }],
    prime: true,
    addon: false,
    pantry: false,
    minimalQuantity: null,
    dealPrice: null,
    salePrice: 0,
    reviews: [],
    variations: [],
    categories: s.categories,
    currency: { code: 'USD', symbol: '$' },
    acKeywordLink: null,
  };
}

/**
 * What the actor emits for a product it cannot find. No published example shows this item; the
 * status pair follows the actor's `statusCode`/`statusMessage` fields (FOUND is 200), and the
 * mapper reads any NOT FOUND spelling or non-2xx code as not found.
 */
export function notFoundItem(asin: string): AxessoItemFixture {
  return { statusCode: 404, statusMessage: 'PRODUCT NOT FOUND', url: `https://www.amazon.com/dp/${asin}`, asin };
}
