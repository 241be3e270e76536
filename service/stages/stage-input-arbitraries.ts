import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { Listing, ReviewAspect, Side } from '../domain/listing.ts';
import { swapWinner } from '../domain/stage-arbitraries.ts';
import type { Evidence, Verdict } from '../domain/stage-outputs.ts';
import { finding, forSide, sortFindings, type Finding } from '../providers/rules/findings.ts';
import { measureGallery, summariseOcr } from '../providers/rules/gallery-metrics.ts';
import type { ImageMetrics } from '../providers/rules/image-metrics.ts';
import { checkMainImage } from '../providers/rules/main-image-rules.ts';
import { confidentWords, detectBadges, type OcrResult } from '../providers/rules/ocr.ts';
import { ruleSetFor } from '../providers/rules/rule-sets.ts';
import { checkText } from '../providers/rules/title-rules.ts';
import type { AcquiredImage, AcquiredSide, AcquireOutput, FactFinding, SideFacts } from './acquired.ts';
import { swapLetters } from './persona-arbitraries.ts';

/**
 * Test code only: generated acquire outputs (what every offline stage reads) measured by the real
 * rules engine. Listings are drawn from pools of realistic copy (promotional words, banned and
 * decorative characters, ALL CAPS, repeated words, short and long bullets, descriptions of every
 * length, review themes); images as the measurements the engine takes of them (background,
 * fill, size, legibility, a perceptual hash, the words OCR reads). The real rules (checkMainImage,
 * measureGallery, checkText) turn them into findings, ids and `measured` values exactly as
 * analyze.ts does, without decoding pixels. Texts never contain a standalone "A" or "B".
 *
 * B is often A's twin (the same listing, the same images, or both): ties are where a rule that
 * prefers the first listing shows.
 */

// ---- images -----------------------------------------------------------------------------------

const OCR_WORDS: Readonly<Record<string, readonly string[]>> = {
  none: [],
  label: ['Organic', 'oat', 'drink'],
  badge: ['BEST', 'SELLER'],
  sale: ['SALE', '50%', 'OFF', 'today'],
  heavy: ['Keeps', 'drinks', 'cold', 'for', 'hours', 'double', 'wall', 'steel', 'leak', 'proof', 'lid', 'easy', 'clean', 'handle'],
  scale: ['Size', '10cm', 'by', '20cm'],
  box: ['Package', 'includes', 'bottle', 'lid'],
  compare: ['Ours', 'versus', 'other', 'brands'],
};

export interface ImageSpec {
  readonly width: number;
  readonly height: number;
  readonly bg: 'pure' | 'off' | 'grey' | 'scene' | 'colour';
  readonly fill: number;
  readonly legibility: number;
  readonly hash: string;
  /** A key of OCR_WORDS: what OCR reads on the image. */
  readonly words: string;
  readonly alpha: boolean;
  /** Not downloaded (host not allowed …): listed, never measured. */
  readonly refused: boolean;
}

const BACKGROUNDS = {
  pure: { whitePure: 0.99, whiteNear: 1, meanColour: '#ffffff', isWhite: true, uniformity: 1 },
  off: { whitePure: 0.2, whiteNear: 0.97, meanColour: '#fafafa', isWhite: true, uniformity: 0.98 },
  grey: { whitePure: 0, whiteNear: 0.1, meanColour: '#e0e0e0', isWhite: false, uniformity: 0.95 },
  scene: { whitePure: 0, whiteNear: 0.02, meanColour: '#6b5a48', isWhite: false, uniformity: 0.3 },
  colour: { whitePure: 0, whiteNear: 0, meanColour: '#f2c230', isWhite: false, uniformity: 0.9 },
} as const;

const imageSpecArb: fc.Arbitrary<ImageSpec> = fc.record({
  width: fc.constantFrom(198, 500, 1000, 1200, 2000),
  height: fc.constantFrom(198, 550, 1000, 1500, 2000),
  bg: fc.constantFrom('pure', 'pure', 'off', 'grey', 'scene', 'colour'),
  fill: fc.constantFrom(0.4, 0.55, 0.7, 0.86, 0.95),
  legibility: fc.constantFrom(0.3, 0.45, 0.5, 0.7, 0.9),
  // A few hashes, so that near-duplicates occur.
  hash: fc.constantFrom('0f0f0f0f0f0f0f0f', '0f0f0f0f0f0f0f0e', 'ffff0000ffff0000', '123456789abcdef0', 'a5a5a5a5a5a5a5a5'),
  words: fc.constantFrom(...Object.keys(OCR_WORDS)),
  alpha: fc.boolean(),
  refused: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

function metricsOf(s: ImageSpec): ImageMetrics {
  const longSide = Math.max(s.width, s.height);
  const bg = BACKGROUNDS[s.bg];
  // The product reaches `fill` along the frame's long axis, and a little less across it.
  const [fillWidth, fillHeight] = s.width >= s.height ? [s.fill, s.fill * 0.8] : [s.fill * 0.8, s.fill];
  return {
    width: s.width, height: s.height, format: 'jpeg', hadAlpha: s.alpha, longSide,
    zoomReady: longSide >= 1000, recommendedSize: longSide >= 1600,
    background: { ...bg, referenceColour: bg.isWhite ? '#ffffff' : bg.meanColour },
    productBox: null,
    fillArea: fillWidth * fillHeight, fillWidth, fillHeight, fillLongSide: Math.max(fillWidth, fillHeight),
    dominantColours: [], colourfulness: 20, hash: s.hash,
    legibility: s.legibility, legibilityParts: { edgeDensity: s.legibility / 4, contrast: s.legibility, separation: s.legibility / 2 },
  };
}

function ocrOf(s: ImageSpec): OcrResult {
  const words = OCR_WORDS[s.words] ?? [];
  return { text: words.join(' '), words: words.map((text, i) => ({ text, confidence: 90, bbox: { x0: i * 10, y0: 0, x1: i * 10 + 9, y1: 9 }, line: Math.floor(i / 4) })) };
}

const sha = (s: ImageSpec) => createHash('sha256').update(JSON.stringify(s)).digest('hex');

// ---- listings ---------------------------------------------------------------------------------

const TITLE_PARTS = [
  'Stainless Steel Water Bottle', 'Gym Duffel Bag', 'Oat Drink 1L', 'LED Bulb 60W', 'Vitamin D3 Softgels', 'Cushion Cover',
  'BEST SELLER', 'Free Shipping', 'Large', 'large bag bag bag', 'DURABLE WATERPROOF', 'Style #4301', '<< Kids >>', '{New}', 'Organic™',
  'for Travel, Gym and Office with Shoe Compartment and Wet Pocket, Reinforced Straps, 40 Litres, Unisex',
];
const BULLETS = [
  'Big', 'Durable strap',
  'Keeps drinks cold for 24 hours and hot for 12 thanks to double-wall vacuum insulation',
  'Reinforced shoulder strap with padded grip: tested to carry 25 kg for a full day of travel without fraying or slipping off your shoulder, and the metal clips are rated for 50 kg',
  'Guaranteed best price, 100% quality guaranteed',
  'Soft fabric™ machine washable 🧼',
  `${'Long bullet that says a lot about the product and its materials and care. '.repeat(8)}`,
];
const DESCRIPTIONS = ['', 'Nice.', 'A sturdy bag for the gym and weekend trips, with a shoe compartment, a wet pocket and reinforced straps that last.', 'x'.repeat(2100)];
const THEMES = ['Strap durability', 'strap  durability', 'Size', 'Zipper', 'Value for money', 'Battery life', 'Smell', 'USB port', 'Taste'];
const PHRASES = ['', 'fits my shoes easily', 'strap ripped off', 'smaller than it looks', 'zipper snags', 'great value', 'battery lasts a week', 'tastes of oats'];

const aspectArb: fc.Arbitrary<ReviewAspect> = fc
  .record({
    name: fc.constantFrom(...THEMES),
    sentiment: fc.constantFrom('POSITIVE', 'NEGATIVE', 'MIXED', 'NEUTRAL'),
    positive: fc.constantFrom(0, 3, 10, 40),
    negative: fc.constantFrom(0, 3, 10, 40),
    extra: fc.constantFrom(0, 2),
    summary: fc.constantFrom(...PHRASES),
    snippets: fc.array(fc.constantFrom(...PHRASES), { maxLength: 2 }),
  })
  .map(({ extra, ...a }) => ({ ...a, mentions: a.positive + a.negative + extra }));

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

export const listingArb: fc.Arbitrary<Omit<Listing, 'images'>> = fc
  .record({
    title: fc.array(fc.constantFrom(...TITLE_PARTS), { minLength: 1, maxLength: 5 }).map((p) => p.join(' ')),
    bullets: fc.array(fc.constantFrom(...BULLETS), { maxLength: 6 }),
    description: fc.constantFrom(...DESCRIPTIONS),
    brand: opt(fc.constantFrom('Northpeak', 'Oatly', 'Lumen')),
    category: opt(fc.constantFrom('Sports & Outdoors', 'Home & Kitchen', 'Books', 'Health & Household')),
    price: opt(fc.constantFrom(9.99, 10.49, 24.99, 25)),
    rating: opt(fc.constantFrom(3.9, 4, 4.1, 4.6)),
    aspects: opt(fc.array(aspectArb, { maxLength: 5 })),
  })
  .map(({ aspects, brand, category, price, rating, ...l }) => ({
    ...l,
    ...(brand === undefined ? {} : { brand }),
    ...(category === undefined ? {} : { category }),
    ...(price === undefined ? {} : { price }),
    ...(rating === undefined ? {} : { rating }),
    ...(aspects === undefined ? {} : { reviewInsights: { summary: '', aspects } }),
  }));

// ---- the rules engine, without pixels ---------------------------------------------------------

/** What analyze.ts does for one listing, from image measurements instead of image bytes. */
export function measureSide(side: Side, l: Omit<Listing, 'images'>, specs: readonly ImageSpec[], at: Date): { acquired: AcquiredSide; facts: SideFacts } {
  const images: AcquiredImage[] = specs.map((s, index) =>
    s.refused ? { index, ref: `image-${index}.jpg`, refused: 'host not allowed' } : { index, ref: `image-${index}.jpg`, sha256: sha(s), mediaType: 'image/jpeg', width: s.width, height: s.height });
  const usable = specs.map((s, index) => ({ s, index })).filter((x) => !x.s.refused);
  const rules = ruleSetFor(at, l.category);
  const metrics = usable.map((x) => metricsOf(x.s));
  // OCR runs on the main image and the next six (analyze.ts OCR_GALLERY_MAX).
  const ocr = usable.map((x, i) => (i <= 6 ? ocrOf(x.s) : undefined));
  const findings: Finding[] = [];
  const main = usable[0]?.index === 0 ? metrics[0] : undefined;
  const mainOcr = main ? ocr[0] : undefined;
  if (main) findings.push(...checkMainImage(main, rules, mainOcr));
  else findings.push(finding('main.missing', 'main_image', 'critical', 'No usable main image: the first image is missing or was refused'));
  const gallery = measureGallery(metrics.map((m, i) => (ocr[i] ? { metrics: m, ocr: summariseOcr(ocr[i]) } : { metrics: m })), rules);
  const listing: Listing = { ...l, images: specs.map((_, i) => `image-${i}.jpg`) };
  findings.push(...gallery.findings, ...checkText(listing, at));
  const facts: SideFacts = {
    ruleSet: rules.version,
    titleMax: rules.titleMax,
    findings: sortFindings(forSide(side, findings)),
    main: main
      ? {
          whitePure: main.background.whitePure, whiteNear: main.background.whiteNear, backgroundWhite: main.background.isWhite,
          uniformity: main.background.uniformity, fillArea: main.fillArea, fillLongSide: main.fillLongSide,
          fillSquare: Math.max(main.fillWidth * main.width, main.fillHeight * main.height) / Math.max(1, main.longSide),
          width: main.width, height: main.height, longSide: main.longSide, legibility: main.legibility,
          textWords: mainOcr ? confidentWords(mainOcr).length : 0, badges: mainOcr ? detectBadges(mainOcr).map((b) => b.badge) : [],
        }
      : null,
    gallery: {
      count: gallery.count,
      roles: gallery.images.map((g) => ({ index: usable[g.index]?.index ?? g.index, role: g.role, reason: g.reason })),
      nearDuplicates: gallery.nearDuplicates.length,
      lowResolution: gallery.images.filter((g) => !g.zoomReady).length,
    },
  };
  return { acquired: { source: 'manual', label: side === 'A' ? 'first' : 'second', listing, images }, facts };
}

const sideSpecArb = fc.record({ listing: listingArb, images: fc.array(imageSpecArb, { minLength: 1, maxLength: 8 }) });

/**
 * Two listings measured on the same day (before or after Amazon's 75-character title limit).
 * B is sometimes A's twin: the same copy, the same images, or the same listing altogether.
 */
export const acquireOutputArb: fc.Arbitrary<AcquireOutput> = fc
  .record({
    a: sideSpecArb,
    b: sideSpecArb,
    twin: fc.constantFrom('none', 'none', 'none', 'copy', 'images', 'all'),
    at: fc.constantFrom('2026-03-01', '2026-08-01'),
  })
  .map(({ a, b, twin, at }) => {
    const B = {
      listing: twin === 'copy' || twin === 'all' ? a.listing : b.listing,
      images: twin === 'images' || twin === 'all' ? a.images : b.images,
    };
    const date = new Date(`${at}T12:00:00Z`);
    const sa = measureSide('A', a.listing, a.images, date);
    const sb = measureSide('B', B.listing, B.images, date);
    return { A: sa.acquired, B: sb.acquired, facts: { A: sa.facts, B: sb.facts } };
  });

// ---- swapping A and B -------------------------------------------------------------------------

/** "A.main.fill_low" → "B.main.fill_low"; an id without a side stays as it is. */
export const reside = (id: string) => id.replace(/^([AB])\./, (_, s: string) => `${s === 'A' ? 'B' : 'A'}.`);

const resideFacts = (f: SideFacts): SideFacts => ({ ...f, findings: f.findings.map((x): FactFinding => ({ ...x, id: reside(x.id) })) });

/** The same measurements with listing A given as B and B as A (finding ids re-prefixed with their new side). */
export function swapAcquired(a: AcquireOutput): AcquireOutput {
  return { A: a.B, B: a.A, facts: { A: resideFacts(a.facts.B), B: resideFacts(a.facts.A) } };
}

type Scored = { listings: { A: { evidence: readonly Evidence[] }; B: { evidence: readonly Evidence[] } }; winner: 'A' | 'B' | 'tie'; summary: string };

/**
 * What a stage output must be for the swapped input: the listings (with their evidence, ids
 * re-prefixed) exchanged, the winner swapped, and the summary with its letters A and B exchanged
 * (summaries name the two listings in an order decided by what they say, so nothing else moves).
 */
export function mirrorStage<O extends Scored>(o: O): O {
  const side = <L extends { evidence: readonly Evidence[] }>(l: L): L => ({ ...l, evidence: l.evidence.map((e) => ({ ...e, id: reside(e.id) })) });
  return { ...o, listings: { ...o.listings, A: side(o.listings.B), B: side(o.listings.A) }, winner: swapWinner(o.winner), summary: swapLetters(o.summary) };
}

/**
 * What the verdict must be for the swapped input: winners and scores swapped, each fix moved to
 * the other listing with its evidence ids re-prefixed and its rank and numbers kept (fixes are
 * listed A's first, so the groups change places), confidence unchanged. The hash covers the
 * letters, so it is the hash of this mirrored verdict, not the original's.
 */
export function mirrorVerdict(v: Verdict): Verdict {
  const fixes = v.fixes.map((f) => ({ ...f, listing: swapWinner(f.listing), evidence: f.evidence.map(reside) }));
  const body: Omit<Verdict, 'hash'> = {
    winner: swapWinner(v.winner),
    score: { A: v.score.B, B: v.score.A },
    stages: Object.fromEntries(Object.entries(v.stages).map(([k, s]) => [k, { ...s, A: s.B, B: s.A, winner: swapWinner(s.winner) }])),
    confidence: v.confidence,
    clickWinner: swapWinner(v.clickWinner),
    saleWinner: swapWinner(v.saleWinner),
    fixes: [...fixes.filter((f) => f.listing === 'A'), ...fixes.filter((f) => f.listing === 'B')],
    missing: v.missing,
    rulesOnly: v.rulesOnly,
  };
  return { ...body, hash: createHash('sha256').update(canonicalJson(body)).digest('hex') };
}
