import type { Effort, Fix, ParallelStage } from './stage-outputs.ts';

/**
 * Every weight and threshold of the verdict (stage 5), in one place. The verdict is a pure
 * function of the stage outputs and these numbers; changing one changes verdict hashes, so a
 * change here is a versioned, reviewed change (golden tests gate it).
 *
 * Scale: dimension and overall scores are 0–10; confidence is 0–1.
 */

/**
 * Weight of each scored stage in the overall score. They sum to 1; when a stage is missing the
 * weights of the stages present are renormalised to sum to 1 again.
 * ctr and text weigh the same: the click needs both the main image and the title; the gallery
 * (pdp) matters slightly less because buyers who reach it are already interested.
 */
export const STAGE_WEIGHTS: Readonly<Record<ParallelStage, number>> = { ctr: 0.35, pdp: 0.3, text: 0.35 };

/**
 * The click is won by the main image: clickWinner is ctr's own winner ('tie' without ctr).
 * The sale is won on the detail page: saleWinner comes from the pdp + text scores, weighted as
 * above and compared with the same tie margin ('tie' without either).
 */
export const SALE_STAGES: readonly ParallelStage[] = ['pdp', 'text'];

/** Scores are reported (and compared) to this many decimals. */
export const SCORE_DECIMALS = 2;
/** Renormalised stage weights are reported to this many decimals. */
export const WEIGHT_DECIMALS = 4;
/**
 * Two listings whose (rounded) scores differ by less than this on the 0–10 scale are a tie: a
 * quarter point is within the spread of repeated model evaluations of the same listing.
 */
export const TIE_MARGIN = 0.25;

/**
 * Confidence = (FLOOR + MARGIN_SHARE × marginTerm + AGREEMENT_SHARE × agreement)
 *            × (RULES_ONLY_FACTOR if made without a model) × MISSING_STAGE_FACTOR^(missing stages)
 *            × ORDER_SENSITIVE_FACTOR^(order-sensitive stages) × SINGLE_ORDER_FACTOR^(single-order stages),
 * rounded to CONFIDENCE_DECIMALS. FLOOR + MARGIN_SHARE + AGREEMENT_SHARE = 1.
 */
export const CONFIDENCE = {
  /** What a complete run is worth even when it is a coin toss: the data was there. */
  floor: 0.2,
  marginShare: 0.4,
  agreementShare: 0.4,
  /** marginTerm = min(1, margin / fullMargin): a two-point lead is as decisive as it gets. */
  fullMargin: 2,
  /**
   * Agreement mixes two sources: the stage winners (weighted by stage weight) and the personas'
   * `buys` votes. Personas are derived from the stage outputs, so they count for less.
   */
  personaShare: 0.4,
  /** The offline rules engine measures less than a model sees. */
  rulesOnlyFactor: 0.75,
  /** Per failed stage (each distinct name in `missing`). */
  missingStageFactor: 0.8,
  /**
   * Per stage whose two presentation orders, (A, B) and (B, A), named different winners (issue
   * 19): the model's answer there depends on which listing it saw first. Such a stage is a tie,
   * or a win only on a combined lead of a point or more, so it is as doubtful as a missing one.
   */
  orderSensitiveFactor: 0.8,
  /** Per pairwise stage answered in one order only (the other failed): its position bias is unchecked. */
  singleOrderFactor: 0.9,
  decimals: 2,
} as const;

/**
 * How a single vote (a stage's winner, a persona's choice) agrees with the verdict's winner:
 * the same → 1, opposite sides → 0, one of them a tie → 0.5. Symmetric in A and B.
 */
export function voteAgreement(vote: 'A' | 'B' | 'tie', verdict: 'A' | 'B' | 'tie'): number {
  if (vote === verdict) return 1;
  if (vote === 'tie' || verdict === 'tie') return 0.5;
  return 0;
}

/** A fix's impact or ease when the evidence left it open (null): the middle of 1–3. */
export const DEFAULT_IMPACT = 2;
export const DEFAULT_EASE = 2;
/** At most this many fixes per listing in a verdict: enough that a listing with many defects loses none of the rules engine's. */
export const MAX_FIXES_PER_LISTING = 15;

/** How many units of work each kind of effort is, for ranking by projected gain per effort. */
export const EFFORT_COST: Readonly<Record<Effort, number>> = { text: 1, 'photo-edit': 2, 'new-shoot': 4 };

/**
 * Fix order within a listing: compliance problems first (they can get the listing suppressed),
 * then projected points per unit of effort (high first), then impact × ease, then the weight of
 * the fix's stage, then its first evidence id without its side, then the action text — a total
 * order, so the ranking never depends on the order the fixes were found in, nor on which side
 * the listing was given as.
 */
export function compareFixes(a: Omit<Fix, 'priority'>, b: Omit<Fix, 'priority'>): number {
  return (
    Number(b.compliance) - Number(a.compliance) ||
    b.effect.points / EFFORT_COST[b.effort] - a.effect.points / EFFORT_COST[a.effort] ||
    b.impact * b.ease - a.impact * a.ease ||
    STAGE_WEIGHTS[b.stage] - STAGE_WEIGHTS[a.stage] ||
    compareText(unsided(a.evidence[0] ?? ''), unsided(b.evidence[0] ?? '')) ||
    compareText(a.action, b.action)
  );
}

/** An evidence id without its side prefix: "B.main.fill_low" → "main.fill_low". */
const unsided = (id: string) => id.replace(/^[AB]\./, '');

/** Code-unit order, independent of locale (localeCompare is not deterministic across hosts). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
