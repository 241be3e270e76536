/**
 * Calibration: how often the verdict matched what really happened (`/listing outcome`), per
 * confidence band, with Wilson 95 % score intervals. Pure: outcomes in, a report out.
 *
 * - A verdict's band comes from its confidence (0–1): "close call" below 0.5, "likely" from 0.5
 *   up to 0.7, "clear" from 0.7 — the same thresholds the presentation speaks in
 *   (`confidenceBandWords`), so "a clear win" in a message is the "clear" band here.
 * - A hit is the verdict's winner equal to the real result. A verdict of 'tie' is a hit only
 *   against a real 'tie', and a real 'tie' is a miss for a verdict that named a winner: a tie is
 *   a prediction like any other, not a free pass.
 * - The click is scored the same way (clickWinner against the real click result), only over the
 *   outcomes that say who won the click, in the band of the verdict's (overall) confidence: the
 *   verdict has one confidence.
 * - Below `CALIBRATION_MIN_PER_BAND` outcomes a band's rate is still computed, but a person is told
 *   "not enough outcomes yet" and the target stays "not yet known".
 */

export type OutcomeSide = 'A' | 'B' | 'tie';

export const OUTCOME_SIDES: readonly OutcomeSide[] = ['A', 'B', 'tie'];

/** A confidence at or above this is "likely" (below it: "close call"). */
export const CONFIDENCE_LIKELY = 0.5;
/** A confidence at or above this is "clear". */
export const CONFIDENCE_CLEAR = 0.7;

export const CONFIDENCE_BANDS = ['close call', 'likely', 'clear'] as const;
export type ConfidenceBand = (typeof CONFIDENCE_BANDS)[number];

/** What each band's range is, in words (for tables). */
export const BAND_RANGES: Readonly<Record<ConfidenceBand, string>> = {
  'close call': `below ${pct(CONFIDENCE_LIKELY)}`,
  likely: `${pct(CONFIDENCE_LIKELY)}–${pct(CONFIDENCE_CLEAR)}`,
  clear: `${pct(CONFIDENCE_CLEAR)} and above`,
};

/** Fewest outcomes in a band before its hit rate is told as known. */
export const CALIBRATION_MIN_PER_BAND = 10;

/** The product's goal (PRODUCT.md, How success is measured): clear verdicts right more than 80 % of the time. */
export const CALIBRATION_TARGET = { band: 'clear', goal: 0.8 } as const satisfies { band: ConfidenceBand; goal: number };

/** z for a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

export function confidenceBand(confidence: number): ConfidenceBand {
  if (confidence >= CONFIDENCE_CLEAR) return 'clear';
  if (confidence >= CONFIDENCE_LIKELY) return 'likely';
  return 'close call';
}

/** The band as a verdict is said: "a clear win", "a likely win", "a close call" ("too close to call" for a tie). */
export function confidenceBandWords(confidence: number, winner: OutcomeSide): string {
  if (winner === 'tie') return 'too close to call';
  const band = confidenceBand(confidence);
  return band === 'close call' ? 'a close call' : `a ${band} win`;
}

/** Whether a prediction matched what happened (a 'tie' only matches a 'tie'). */
export function isHit(predicted: OutcomeSide, actual: OutcomeSide): boolean {
  return predicted === actual;
}

/**
 * The Wilson score interval for `hits` out of `n` (95 % by default), within [0, 1] and always
 * holding the observed rate. n = 0 says nothing: [0, 1].
 *
 * @see https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval#Wilson_score_interval
 */
export function wilsonInterval(hits: number, n: number, z = Z95): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = Math.min(1, Math.max(0, hits / n));
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.min(p, Math.max(0, centre - half)), Math.max(p, Math.min(1, centre + half))];
}

/** One recorded outcome, with the verdict it judged (as copied when it was recorded). */
export interface OutcomeSample {
  readonly verdict: { readonly winner: OutcomeSide; readonly clickWinner: OutcomeSide; readonly confidence: number };
  readonly result: OutcomeSide;
  readonly clickResult: OutcomeSide | null;
}

export interface BandStats {
  readonly band: ConfidenceBand;
  readonly n: number;
  readonly hits: number;
  /** hits / n; null when the band has no outcomes. */
  readonly rate: number | null;
  /** Wilson 95 % interval of the rate ([0, 1] with no outcomes). */
  readonly ci: [number, number];
}

export interface CalibrationTable {
  /** Outcomes counted (for the click: those with a click result). */
  readonly outcomes: number;
  /** One per band, in CONFIDENCE_BANDS order, empty bands included. */
  readonly bands: BandStats[];
}

export type TargetStatus = 'meets' | 'misses' | 'not yet known';

export interface CalibrationReport extends CalibrationTable {
  readonly click: CalibrationTable;
  readonly target: { readonly band: ConfidenceBand; readonly goal: number; readonly status: TargetStatus };
}

function table(pairs: readonly { band: ConfidenceBand; hit: boolean }[]): CalibrationTable {
  return {
    outcomes: pairs.length,
    bands: CONFIDENCE_BANDS.map((band) => {
      const inBand = pairs.filter((p) => p.band === band);
      const hits = inBand.filter((p) => p.hit).length;
      const n = inBand.length;
      return { band, n, hits, rate: n === 0 ? null : hits / n, ci: wilsonInterval(hits, n) };
    }),
  };
}

/**
 * Whether a band meets a goal: its interval's lower bound above the goal → "meets", its upper
 * bound below → "misses", otherwise (or with fewer than the minimum outcomes) "not yet known".
 */
export function targetStatus(stats: BandStats | undefined, goal: number, minimum = CALIBRATION_MIN_PER_BAND): TargetStatus {
  if (!stats || stats.n < minimum) return 'not yet known';
  if (stats.ci[0] > goal) return 'meets';
  if (stats.ci[1] < goal) return 'misses';
  return 'not yet known';
}

export function calibrate(samples: readonly OutcomeSample[]): CalibrationReport {
  const overall = table(samples.map((s) => ({ band: confidenceBand(s.verdict.confidence), hit: isHit(s.verdict.winner, s.result) })));
  const click = table(
    samples.flatMap((s) => (s.clickResult === null ? [] : [{ band: confidenceBand(s.verdict.confidence), hit: isHit(s.verdict.clickWinner, s.clickResult) }])),
  );
  const { band, goal } = CALIBRATION_TARGET;
  return { ...overall, click, target: { band, goal, status: targetStatus(overall.bands.find((b) => b.band === band), goal) } };
}

/** `0.7` → `70%` (whole percent). */
export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
