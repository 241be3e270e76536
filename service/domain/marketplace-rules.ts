/**
 * Each marketplace's listing limits as data, versioned by the date they take effect (like
 * Amazon's title rules in providers/rules/rule-sets.ts). A draft run records the version it was
 * checked against, so a score can be explained after the rules move on.
 *
 * Amazon's text rules come from the rule set in force (`ruleSetFor`), passed in by the caller:
 * this module stays pure. Sources, as of the first version:
 * - Amazon: title per the rule set in force (200; 75 outside media from 27 Jul 2026); 5 bullet
 *   points; description up to 2000 characters; backend search terms under 250 bytes (US).
 * - eBay: title up to 80 characters; item specifics as name/value pairs, names and values up to
 *   65 characters, at most 45 per listing; a condition is asked for when listing.
 * - Etsy: title up to 140 characters; up to 13 tags of up to 20 characters (letters, numbers,
 *   spaces and - ' ™ © ®); up to 13 materials of up to 45 characters.
 * - Shopify: product title up to 255 characters; search-engine listing page title up to 70 and
 *   meta description up to 320 (search results show about 60 and 155).
 */

/** What the Amazon checks need of the rule set in force (a `RuleSet` from rule-sets.ts fits). */
export interface AmazonTextRules {
  readonly version: string;
  readonly titleMax: number;
  readonly titleBannedChars: readonly string[];
  readonly maxWordRepeats: number;
  readonly acronymMaxLetters: number;
  readonly promoPhrases: readonly string[];
  readonly bulletsRecommended: number;
  readonly bulletMinChars: number;
  readonly bulletMaxChars: number;
  readonly descriptionMaxChars: number;
}

export interface MarketplaceRules {
  /** e.g. `marketplaces-2025-01-21+amazon-2026-07-27`. */
  readonly version: string;
  readonly amazon: AmazonTextRules & { readonly searchTermsMaxBytes: number };
  readonly ebay: { readonly titleMax: number; readonly specificsMax: number; readonly specificNameMax: number; readonly specificValueMax: number };
  readonly etsy: {
    readonly titleMax: number;
    readonly tagsMax: number;
    readonly tagMaxChars: number;
    /** Characters a tag may hold. */
    readonly tagPattern: RegExp;
    readonly materialsMax: number;
    readonly materialMaxChars: number;
  };
  readonly shopify: {
    readonly titleMax: number;
    readonly seoTitleMax: number;
    /** What search results show; longer is cut off there. */
    readonly seoTitleTarget: number;
    readonly metaDescriptionMax: number;
    readonly metaDescriptionTarget: number;
  };
}

interface TableEntry extends Omit<MarketplaceRules, 'version' | 'amazon'> {
  readonly version: string;
  /** First day (UTC) the entry applies. */
  readonly effectiveFrom: string;
  readonly amazon: { readonly searchTermsMaxBytes: number };
}

/** Oldest first. A date before the first entry gets the first entry. */
export const MARKETPLACE_RULE_TABLE: readonly TableEntry[] = [
  {
    version: 'marketplaces-2025-01-21',
    effectiveFrom: '2025-01-21',
    amazon: { searchTermsMaxBytes: 249 },
    ebay: { titleMax: 80, specificsMax: 45, specificNameMax: 65, specificValueMax: 65 },
    etsy: { titleMax: 140, tagsMax: 13, tagMaxChars: 20, tagPattern: /^[\p{L}\p{N} '’™©®-]+$/u, materialsMax: 13, materialMaxChars: 45 },
    shopify: { titleMax: 255, seoTitleMax: 70, seoTitleTarget: 60, metaDescriptionMax: 320, metaDescriptionTarget: 155 },
  },
];

/** The rules in force on `at`; `amazon` is the Amazon rule set in force on the same date. An invalid date gets the newest entry. */
export function marketplaceRulesFor(at: Date, amazon: AmazonTextRules): MarketplaceRules {
  const time = at.getTime();
  let chosen = MARKETPLACE_RULE_TABLE[0];
  if (chosen === undefined) throw new Error('no marketplace rules defined');
  for (const entry of MARKETPLACE_RULE_TABLE) {
    if (Number.isNaN(time) || Date.parse(`${entry.effectiveFrom}T00:00:00Z`) <= time) chosen = entry;
  }
  const { effectiveFrom: _from, version, amazon: amazonExtra, ...rest } = chosen;
  return { ...rest, version: `${version}+${amazon.version}`, amazon: { ...amazon, ...amazonExtra } };
}

/** UTF-8 bytes: Amazon counts search terms in bytes, so "é" costs two. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Characters as a person counts them (code points: an emoji is one). */
export function charCount(text: string): number {
  return Array.from(text).length;
}
