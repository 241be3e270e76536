import type { AvatarsOutput, ModelStage, Persona, StageOutputs, Winner } from '../domain/stage-outputs.ts';
import type { FactFinding, SideFacts } from './acquired.ts';
import type { StageInput } from './stage.ts';

/**
 * The second presentation order of a pairwise judgement (issue 19): the same question with
 * listing B shown in the "A" slot and A in the "B" slot, and its answer mapped back to A/B.
 * Swapping twice gives the input (or output) back.
 */

export function swapWinner<W extends Winner>(w: W): W {
  return (w === 'A' ? 'B' : w === 'B' ? 'A' : w) as W;
}

/** A finding's id carries its side ("A.main.fill_low"): under the other side it names that side. */
const resided = (f: FactFinding): FactFinding => ({ ...f, id: f.id.replace(/^([AB])\./, (_, s: string) => `${s === 'A' ? 'B' : 'A'}.`) });
const swapFacts = (facts: SideFacts): SideFacts => ({ ...facts, findings: facts.findings.map(resided) });

/**
 * The input with A and B exchanged everywhere a stage reads them: the acquired listings and
 * their images, the rules engine's facts (ids re-sided), and the earlier stages' outputs (their
 * listings and winner; personas' votes and sources). The prompt variables, images and labels are
 * built from it, so the model sees B's content in the "A" slots.
 */
export function swapStageInput(input: StageInput): StageInput {
  const { A, B, facts } = input.acquired;
  const prior: Partial<StageOutputs> = {};
  for (const stage of ['ctr', 'pdp', 'text', 'avatars'] as const) {
    const out = input.prior[stage];
    if (out !== undefined) (prior as Record<string, unknown>)[stage] = swapOutput(stage, out);
  }
  return { acquired: { ...input.acquired, A: B, B: A, facts: { A: swapFacts(facts.B), B: swapFacts(facts.A) } }, prior };
}

/**
 * An output given for the swapped input, as it reads for the original one: listings and winner
 * exchanged (ctr, pdp, text); for avatars each persona's clicks, buys and the source of what it
 * cares about. Evidence keeps its ids and observations as the model wrote them; the summary and a
 * persona's why and objections have their references to a listing ("listing A", "B's") swapped,
 * since there the letter means a slot, not a listing.
 */
export function swapOutput<S extends ModelStage>(stage: S, output: StageOutputs[S]): StageOutputs[S] {
  if (stage === 'avatars') return swapAvatars(output as AvatarsOutput) as StageOutputs[S];
  const o = output as StageOutputs['ctr' | 'pdp' | 'text'];
  return { ...o, listings: { A: o.listings.B, B: o.listings.A }, winner: swapWinner(o.winner), summary: swapListingRefs(o.summary) } as StageOutputs[S];
}

function swapAvatars(o: AvatarsOutput): AvatarsOutput {
  const persona = (p: Persona): Persona => ({
    ...p,
    caresAbout: p.caresAbout.map((c) => ({ ...c, from: c.from === 'A' || c.from === 'B' ? swapWinner(c.from) : c.from })),
    clicks: swapWinner(p.clicks),
    buys: swapWinner(p.buys),
    why: swapListingRefs(p.why),
    objections: p.objections.map(swapListingRefs),
  });
  return { ...o, personas: o.personas.map(persona) };
}

const flip = (x: string) => (x === 'A' ? 'B' : 'A');

/**
 * Swaps the letters where they plainly name a listing: after "listing(s)", "than", "over", "vs",
 * "and", "or", before "'s", "and", "or", "vs", "wins", "is", "has", or alone in parentheses. A
 * capital A opening a sentence ("A white background") is an article and stays.
 */
export function swapListingRefs(text: string): string {
  const at = new Set<number>();
  for (const m of text.matchAll(/\b(?:listings?|than|over|vs\.?|and|or|to|from)\s+([AB])\b(?![-.]\w)/gi)) at.add(m.index + m[0].length - 1);
  for (const m of text.matchAll(/(?<![\w-])([AB])(?=['’]s\b|\s+(?:and|or|vs\.?|wins|is|has|leads|beats)\b|\))/g)) at.add(m.index);
  return text.split('').map((c, i) => (at.has(i) && (c === 'A' || c === 'B') ? flip(c) : c)).join('');
}
