import { confidenceBandWords } from '../../domain/calibration.ts';
import type { Effort, Winner } from '../../domain/stage-outputs.ts';

/**
 * Words a person reads, in one place: plurals, scores at one precision, confidence, effort and
 * the stages' and dimensions' names. No internal code (`ctr`, `title_rules`, a weight, an
 * evidence id) reaches a message: it is translated here or left to `--json`.
 */

/** `1 image`, `3 images`, `1 reply`, `2 replies` (give the plural when it is not `one + s`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Every score a person reads: one decimal, on the 0–10 scale said once where it first appears. */
export const score = (x: number) => x.toFixed(1);

/** `A 8.8 vs B 4.1`. */
export const scorePair = (s: { A: number; B: number }) => `A ${score(s.A)} vs B ${score(s.B)}`;

/**
 * Confidence in words. The number (0–1) mixes the margin, how far the stages and personas agree,
 * whether a model judged, the presentation orders and which stages are missing
 * (domain/scoring.ts CONFIDENCE); the bands are calibration's (domain/calibration.ts), so "a
 * clear win" here is the band `/listing calibration` measures.
 */
export const confidenceWords = (confidence: number, winner: Winner): string => confidenceBandWords(confidence, winner);

export const EFFORT_WORDS: Readonly<Record<Effort, string>> = { text: 'text edit', 'photo-edit': 'photo edit', 'new-shoot': 'new shoot' };

/** What each stage measures, as a seller says it. */
export const STAGE_WORDS: Readonly<Record<string, string>> = {
  acquire: 'Fetch listings',
  ctr: 'Click (main image)',
  pdp: 'Conversion (gallery)',
  text: 'Copy (title, bullets, description)',
  avatars: 'Buyer personas',
  verdict: 'Verdict',
};

/** Each scored dimension's name in a stage card. */
export const DIMENSION_WORDS: Readonly<Record<string, string>> = {
  compliance: "Amazon's main-image rules",
  fill: 'Product fills the frame',
  legibility: 'Reads as a thumbnail',
  quality: 'Image quality',
  appeal: 'Appeal',
  coverage: 'Variety of images',
  count: 'Number of images',
  questions: 'Buyer questions answered',
  uniqueness: 'No near-duplicates',
  title_rules: "Amazon's title rules",
  clarity: 'Clarity',
  keywords: 'Keywords',
  review_alignment: 'Answers what reviews raise',
  bullets: 'Bullet points',
};

/** A dimension's words, or its name made readable when a model used one we do not know. */
export const dimensionWords = (d: string) => DIMENSION_WORDS[d] ?? d.replace(/_/g, ' ');

/**
 * Straight double quotes around a phrase become curly ones, so every quote a person reads looks
 * alike (measurements and models write "…"; personas and presenters write “…”). Inches (12")
 * are left alone: only a pair that opens after a space or bracket and closes before one is changed.
 */
export function curly(text: string): string {
  return text.replace(/(^|[\s([:;,])"([^"\n]+?)"(?=$|[\s)\].,;:!?…])/g, '$1“$2”');
}
