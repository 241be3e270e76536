/**
 * Amazon's listing rules as data, versioned by the date they take effect. A run records the
 * version it used, so a verdict can be explained later even after the rules move on.
 *
 * Sources (Seller Central, "Product title requirements and guidelines", help 201100890):
 * - Titles must not exceed the category's limit, including spaces: 200 characters; from
 *   27 Jul 2026, 75 characters outside media categories (Books, Music, Video/DVD, Software,
 *   Video Games keep 200).
 * - Titles must not use these characters: ! $ ? _ { } ^ ¬ ¦. Others (~ # < > *) are allowed only
 *   as identifiers ("Style #4301") or measurements ("<10 lb"), never as decoration
 *   ("<< Size Kids XXS >>").
 * - The same word may not appear more than twice, except prepositions, articles and conjunctions.
 * - No promotional phrases ("free shipping", "100% quality guaranteed") and no subjective
 *   commentary ("Hot Item", "Best Seller"); don't use ALL CAPS.
 * Images (product image requirements): main image on pure white (RGB 255,255,255), product fills
 * ≥ 85% of the frame, ≥ 1000 px on the longest side enables zoom (1600+ recommended), no text,
 * logos or badges that are not on the product itself.
 * Bullets and description: 5 bullets; our length bands (40 / 150–250 / 500) are editorial
 * guidance, not Amazon limits; the description field holds up to 2000 characters.
 */

export interface ImageRules {
  /** Longest side at which Amazon enables zoom. */
  readonly zoomMinPx: number;
  /** Longest side Amazon recommends. */
  readonly recommendedPx: number;
  /** Share of the frame (along the product's furthest-reaching axis) the main product should fill. */
  readonly mainFillMin: number;
  /** Share of border pixels that must be near-white for a background to count as white. */
  readonly whiteMinShare: number;
}

export interface GalleryRules {
  readonly recommendedMin: number;
  /** Image slots on a detail page (plus one video). */
  readonly slots: number;
  /** dHash Hamming distance at or under which two images count as near-duplicates. */
  readonly nearDuplicateMaxDistance: number;
}

export interface RuleSet {
  /** e.g. `amazon-2026-07-27`; pinned by a run. */
  readonly version: string;
  /** First day (UTC) the set applies. */
  readonly effectiveFrom: string;
  /** Title limit for the category asked about. */
  readonly titleMax: number;
  readonly mediaCategory: boolean;
  /** Never allowed in a title. */
  readonly titleBannedChars: readonly string[];
  /** Allowed only as identifiers or measurements. */
  readonly titleContextChars: readonly string[];
  readonly maxWordRepeats: number;
  /** All-caps words up to this many letters are treated as acronyms (USB, LED, BPA). */
  readonly acronymMaxLetters: number;
  /** Promotional phrases and subjective commentary, lower case. */
  readonly promoPhrases: readonly string[];
  readonly bulletsRecommended: number;
  readonly bulletMinChars: number;
  readonly bulletIdealMin: number;
  readonly bulletIdealMax: number;
  readonly bulletMaxChars: number;
  readonly descriptionMinChars: number;
  readonly descriptionMaxChars: number;
  readonly image: ImageRules;
  readonly gallery: GalleryRules;
}

const PROMO_PHRASES = [
  'best seller', 'bestseller', 'best selling', 'best-selling', 'top seller', 'top rated', 'top-rated',
  'hot item', 'hot sale', 'hot deal', 'on sale', 'sale', 'free shipping', 'free delivery', 'free gift',
  '100% guaranteed', '100% quality guaranteed', 'satisfaction guaranteed', 'money back', 'guarantee',
  'guaranteed', '#1', 'no. 1', 'number one', 'cheapest', 'lowest price', 'best price', 'discount',
  'clearance', 'limited time', 'deal', 'amazing', 'awesome', 'incredible', 'perfect gift', 'must have',
  'buy now', 'new arrival', "amazon's choice", 'amazon choice',
] as const;

interface RuleSetBase extends Omit<RuleSet, 'titleMax' | 'mediaCategory'> {
  readonly titleMaxNonMedia: number;
  readonly titleMaxMedia: number;
}

/** Image thresholds; unchanged so far across rule sets, and what measureImage flags against. */
export const IMAGE_RULES: ImageRules = { zoomMinPx: 1000, recommendedPx: 1600, mainFillMin: 0.85, whiteMinShare: 0.9 };

const COMMON = {
  titleBannedChars: ['!', '$', '?', '_', '{', '}', '^', '¬', '¦'],
  titleContextChars: ['~', '#', '<', '>', '*'],
  maxWordRepeats: 2,
  acronymMaxLetters: 4,
  promoPhrases: PROMO_PHRASES,
  bulletsRecommended: 5,
  bulletMinChars: 40,
  bulletIdealMin: 150,
  bulletIdealMax: 250,
  bulletMaxChars: 500,
  descriptionMinChars: 100,
  descriptionMaxChars: 2000,
  image: IMAGE_RULES,
  gallery: { recommendedMin: 6, slots: 7, nearDuplicateMaxDistance: 6 },
} as const;

/** Oldest first. A date before the first set gets the first set (200 characters since 2019). */
export const RULE_SETS: readonly RuleSetBase[] = [
  // The Jan 2025 title update: banned characters, no word more than twice, 200 characters.
  { version: 'amazon-2025-01-21', effectiveFrom: '2025-01-21', titleMaxNonMedia: 200, titleMaxMedia: 200, ...COMMON },
  { version: 'amazon-2026-07-27', effectiveFrom: '2026-07-27', titleMaxNonMedia: 75, titleMaxMedia: 200, ...COMMON },
];

// Media top-level categories keep the long title limit. Matched on the first breadcrumb segment
// so "Musical Instruments" or "Electronics › Video Projectors" are not media.
const MEDIA_CATEGORY = /^(books?|kindle( store|.*books?)?|audible.*|audiobooks?|music|digital music|cds? (&|and) vinyl|movies?( (&|and) tv)?|video|dvds?|video ?\/ ?dvd|blu-ray|software|video games?)$/;

export function isMediaCategory(category: string | undefined): boolean {
  if (category === undefined) return false;
  const top = category.split(/[›>|]| - /u)[0]?.trim().toLowerCase() ?? '';
  return MEDIA_CATEGORY.test(top);
}

/**
 * The rule set in force on `date` for `category`. An invalid date gets the newest set (the
 * strictest), never a throw: this runs on arbitrary input.
 */
export function ruleSetFor(date: Date, category?: string): RuleSet {
  const time = date.getTime();
  let chosen = RULE_SETS[0];
  if (chosen === undefined) throw new Error('no rule sets defined');
  for (const set of RULE_SETS) {
    if (Number.isNaN(time) || Date.parse(`${set.effectiveFrom}T00:00:00Z`) <= time) chosen = set;
  }
  const media = isMediaCategory(category);
  const { titleMaxNonMedia, titleMaxMedia, ...rest } = chosen;
  return { ...rest, titleMax: media ? titleMaxMedia : titleMaxNonMedia, mediaCategory: media };
}

/** The next rule set after the one in force on `date`, if one is already known (for early warnings). */
export function nextRuleSetAfter(date: Date, category?: string): RuleSet | undefined {
  const current = ruleSetFor(date, category);
  const index = RULE_SETS.findIndex((s) => s.version === current.version);
  const next = RULE_SETS[index + 1];
  return next === undefined ? undefined : ruleSetFor(new Date(`${next.effectiveFrom}T00:00:00Z`), category);
}
