import { CtrOutputSchema, type CtrOutput } from '../domain/stage-outputs.ts';
import { LEGIBLE_MIN } from '../providers/rules/main-image-rules.ts';
import type { FactFinding, SideFacts } from './acquired.ts';
import { bare, clamp10, compareSides, factsText, findingsOf, has, meanOf, measuredNum, scoresText, toEvidence, without, NO_DETAIL } from './offline.ts';
import type { StageDefinition, StageImage, StageInput } from './stage.ts';

/** Stage 1: main image A vs B for the click. */

type Scores = CtrOutput['listings']['A']['scores'];
type Main = NonNullable<SideFacts['main']>;

/** On a busy scene the "product" region is the whole scene: fill is unknown, neither rewarded nor punished. */
const fillUnknown = (m: Main) => !m.backgroundWhite && m.uniformity < 0.6;

/** The main image's scores from the measurements (the same function scores a fix's outcome). */
function scoreSide(f: SideFacts): Scores {
  const m = f.main;
  if (!m) return { compliance: 0, fill: 0, legibility: 0, quality: 0, appeal: 0 };
  let compliance = 10;
  if (has(f, 'main.bg_not_white')) compliance -= 6;
  else if (has(f, 'main.bg_off_white')) compliance -= 2;
  if (has(f, 'main.promo_badge')) compliance -= 4;
  else if (m.textWords > 3) compliance -= 2;
  // Fill against the 85% rule (measured along the product's longest side).
  // Measured in a square search tile, so a wide banner's small product counts as small.
  const fill = fillUnknown(m) ? 5 : (m.fillSquare / 0.85) * 10;
  const legibility = m.legibility * 10;
  const aspect = Math.max(m.width, m.height) / Math.max(1, Math.min(m.width, m.height));
  // Search tiles are square: Amazon recommends a 1:1 main image; a banner is letterboxed.
  const aspectPenalty = aspect > 2 ? 4 : aspect > 1.3 ? 2 : 0;
  const quality = (m.longSide >= 1600 ? 10 : m.longSide >= 1000 ? 8 : 8 * (m.longSide / 1000)) - aspectPenalty;
  // Appeal cannot be judged without a model; estimated from what drives it in search results.
  const appeal = meanOf([clamp10(compliance), clamp10(fill), clamp10(legibility)]);
  return { compliance: clamp10(compliance), fill: clamp10(fill), legibility: clamp10(legibility), quality: clamp10(quality), appeal: clamp10(appeal) };
}

/** A main image made as the fix for a missing one asks: alone on pure white, at the rules' thresholds. */
const TARGET_MAIN: Main = {
  whitePure: 1, whiteNear: 1, backgroundWhite: true, uniformity: 1, fillArea: 0.85 * 0.85, fillLongSide: 0.85, fillSquare: 0.85,
  width: 1000, height: 1000, longSide: 1000, legibility: LEGIBLE_MIN, textWords: 0, badges: [],
};

/** The facts with one finding resolved: the finding gone and its measurement set to the fix's target. */
function resolved(facts: SideFacts, f: FactFinding): SideFacts | null {
  const rest = without(facts, f);
  const m = facts.main;
  const id = bare(f.id);
  if (id === 'main.missing') return { ...rest, main: TARGET_MAIN };
  if (!m) return null;
  const scaled = (longSide: number) => {
    const k = Math.max(1, longSide / Math.max(1, m.longSide));
    return { width: Math.round(m.width * k), height: Math.round(m.height * k), longSide: Math.max(m.longSide, longSide) };
  };
  const fillMin = measuredNum(f, 'fillMin', 0.85);
  const main: Main | null =
    id === 'main.bg_not_white' || id === 'main.bg_off_white'
      // A cut-out of a busy scene: the product's fill in it is not known, so it stays scored as unknown (5).
      ? { ...m, backgroundWhite: true, whitePure: 1, whiteNear: 1, uniformity: 1, fillSquare: fillUnknown(m) ? 0.85 * 0.5 : m.fillSquare }
      : id === 'main.promo_badge' ? { ...m, badges: [], textWords: Math.max(0, m.textWords - measuredNum(f, 'badgeWords', m.textWords)) }
      : id === 'main.text_present' ? { ...m, textWords: 0 }
      : id === 'main.fill_low' ? { ...m, fillSquare: Math.max(m.fillSquare, fillMin), fillLongSide: Math.max(m.fillLongSide, fillMin) }
      : id === 'main.thumbnail_weak' ? { ...m, legibility: Math.max(m.legibility, measuredNum(f, 'legibilityMin', LEGIBLE_MIN)) }
      : id === 'main.resolution_no_zoom' ? { ...m, ...scaled(measuredNum(f, 'zoomMinPx', 1000)) }
      : id === 'main.resolution_below_recommended' ? { ...m, ...scaled(measuredNum(f, 'recommendedPx', 1600)) }
      : null;
  return main ? { ...rest, main } : null;
}

function offlineSide(f: SideFacts): CtrOutput['listings']['A'] {
  const rescore = (x: FactFinding) => {
    const next = resolved(f, x);
    return next ? meanOf(Object.values(scoreSide(next))) : null;
  };
  const evidence = findingsOf(f, ['main_image']).map((x) => toEvidence(x, rescore)).slice(0, 20);
  return { scores: scoreSide(f), evidence: padEvidence(evidence) };
}

/** The schema asks for two evidence items per listing; measurements always give at least that, but be safe. */
function padEvidence(e: CtrOutput['listings']['A']['evidence']): CtrOutput['listings']['A']['evidence'] {
  const out = [...e];
  while (out.length < 2) out.push({ id: `missing_${out.length}`, observation: 'No usable main image to measure', effect: 'negative', fix: null, impact: null, ease: null, ...NO_DETAIL });
  return out;
}

export function ctrOffline(input: StageInput): CtrOutput {
  const { facts } = input.acquired;
  const A = offlineSide(facts.A);
  const B = offlineSide(facts.B);
  const { sa: a, sb: b, winner } = compareSides(A, B);
  const worst = (f: SideFacts) => f.findings.find((x) => x.kind === 'main_image' && x.severity !== 'info')?.message;
  const scores = scoresText({ A: a, B: b });
  const worstOfLoser = winner === 'tie' ? undefined : worst(winner === 'A' ? facts.B : facts.A);
  const summary =
    winner === 'tie'
      ? `Main images score alike on measurable click factors ${scores}.`
      : `${winner}'s main image wins the click on measurable factors ${scores}${worstOfLoser ? `: the other's ${lowerFirst(worstOfLoser)}` : '.'}`;
  return { listings: { A, B }, winner, summary: summary.slice(0, 600) };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function mainImage(input: StageInput, side: 'A' | 'B'): StageImage[] {
  const main = input.acquired[side].images.find((i) => i.index === 0 && i.sha256);
  return main?.sha256 ? [{ sha256: main.sha256, label: `${side} main image`, detail: 'low' }] : [];
}

export const ctrStage: StageDefinition<'ctr'> = {
  name: 'ctr',
  schema: CtrOutputSchema,
  schemaName: 'ctr_evaluation',
  maxOutputTokens: 2_000,
  // The click is won at thumbnail size: low detail is both honest and cheap.
  images: (input) => [...mainImage(input, 'A'), ...mainImage(input, 'B')],
  variables: (input) => ({
    title_a: input.acquired.A.listing.title,
    title_b: input.acquired.B.listing.title,
    image_labels: [...mainImage(input, 'A'), ...mainImage(input, 'B')].map((i) => i.label).join(', ') || 'none',
    facts: factsText(input.acquired.facts, ['main_image']),
  }),
  offline: ctrOffline,
};
