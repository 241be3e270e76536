import { CtrOutputSchema, type CtrOutput } from '../domain/stage-outputs.ts';
import type { SideFacts } from './acquired.ts';
import { clamp10, compareSides, factsText, findingsOf, has, meanOf, toEvidence, NO_DETAIL } from './offline.ts';
import type { StageDefinition, StageImage, StageInput } from './stage.ts';

/** Stage 1: main image A vs B for the click. */

function offlineSide(f: SideFacts): CtrOutput['listings']['A'] {
  const m = f.main;
  const evidence = findingsOf(f, ['main_image']).map(toEvidence).slice(0, 20);
  if (!m) {
    return { scores: { compliance: 0, fill: 0, legibility: 0, quality: 0, appeal: 0 }, evidence: padEvidence(evidence) };
  }
  let compliance = 10;
  if (has(f, 'main.bg_not_white')) compliance -= 6;
  else if (has(f, 'main.bg_off_white')) compliance -= 2;
  if (has(f, 'main.promo_badge')) compliance -= 4;
  else if (m.textWords > 3) compliance -= 2;
  // Fill against the 85% rule (measured along the product's longest side).
  // On a busy scene the "product" region is the whole scene: unknown, so neither rewarded nor punished.
  // Measured in a square search tile, so a wide banner's small product counts as small.
  const fill = !m.backgroundWhite && m.uniformity < 0.6 ? 5 : (m.fillSquare / 0.85) * 10;
  const legibility = m.legibility * 10;
  const aspect = Math.max(m.width, m.height) / Math.max(1, Math.min(m.width, m.height));
  // Search tiles are square: Amazon recommends a 1:1 main image; a banner is letterboxed.
  const aspectPenalty = aspect > 2 ? 4 : aspect > 1.3 ? 2 : 0;
  const quality = (m.longSide >= 1600 ? 10 : m.longSide >= 1000 ? 8 : 8 * (m.longSide / 1000)) - aspectPenalty;
  // Appeal cannot be judged without a model; estimated from what drives it in search results.
  const appeal = meanOf([clamp10(compliance), clamp10(fill), clamp10(legibility)]);
  return {
    scores: { compliance: clamp10(compliance), fill: clamp10(fill), legibility: clamp10(legibility), quality: clamp10(quality), appeal: clamp10(appeal) },
    evidence: padEvidence(evidence),
  };
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
  const summary =
    winner === 'tie'
      ? `Main images score alike on measurable click factors (A ${a.toFixed(1)}, B ${b.toFixed(1)}).`
      : `${winner}'s main image wins the click on measurable factors (A ${a.toFixed(1)}, B ${b.toFixed(1)})${worst(winner === 'A' ? facts.B : facts.A) ? `: the other's ${lowerFirst(worst(winner === 'A' ? facts.B : facts.A)!)}` : '.'}`;
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
