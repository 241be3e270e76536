import fc from 'fast-check';
import { DIMENSIONS, ImageRole } from './stage-outputs.ts';
import type {
  AvatarsOutput,
  CtrOutput,
  Evidence,
  ParallelStage,
  PdpOutput,
  Persona,
  TextOutput,
  Winner,
} from './stage-outputs.ts';
import type { VerdictInput } from './verdict.ts';

/**
 * fast-check arbitraries for stage outputs that satisfy the schemas in stage-outputs.ts (a test
 * asserts it), and helpers that swap listings A and B. Test code only: reuse them in any
 * property test that needs stage outputs.
 *
 * Evidence ids follow the product's convention `<side>.<stage>.<slug>`, so they are unique
 * across a whole run. Fix texts are drawn mostly from a small pool, with spacing and case
 * variants, so that fixes with the same action really occur and get merged.
 */

type Side = 'A' | 'B';

/** 0–10: mostly the tenths models answer with, sometimes any double in range. */
export const scoreArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 100 }).map((n) => n / 10) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 10, noNaN: true }).map((x) => Math.abs(x)) },
);

export const winnerArb: fc.Arbitrary<Winner> = fc.constantFrom('A', 'B', 'tie');

const FIX_POOL = [
  'Use a pure white background',
  '  use a pure  white background ',
  'Shorten the title to 75 characters',
  'Add a scale image',
  'Remove the promo text from the main image',
  'Answer the battery-life question in a bullet',
];

export const fixTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FIX_POOL) },
  { weight: 1, arbitrary: fc.string({ minLength: 0, maxLength: 40 }) },
);

const rating = fc.option(fc.integer({ min: 1, max: 3 }), { nil: null });

export function evidenceArb(side: Side, stage: ParallelStage): fc.Arbitrary<Evidence> {
  return fc
    .record({
      slug: fc.integer({ min: 0, max: 49 }),
      observation: fc.string({ minLength: 1, maxLength: 60 }),
      effect: fc.constantFrom('positive', 'negative', 'neutral'),
      fix: fc.option(fixTextArb, { nil: null }),
      impact: rating,
      ease: rating,
      dimension: fc.option(fc.constantFrom(...DIMENSIONS[stage]), { nil: null }),
      current: fc.option(fc.constantFrom('69% of the frame', '230 characters', '4 images'), { nil: null }),
      target: fc.option(fc.constantFrom('at least 85%', 'at most 75 characters', 'at least 6 images'), { nil: null }),
      effort: fc.option(fc.constantFrom('text', 'photo-edit', 'new-shoot'), { nil: null }),
      compliance: fc.option(fc.boolean(), { nil: null }),
      scoreIfFixed: fc.option(scoreArb, { nil: null }),
    })
    .map(({ slug, ...rest }) => ({ id: `${side}.${stage}.e${slug}`, ...rest }));
}

function scoresArb(stage: ParallelStage): fc.Arbitrary<Record<string, number>> {
  const dims: readonly string[] = DIMENSIONS[stage];
  return fc.tuple(...dims.map(() => scoreArb)).map((values) => {
    const scores: Record<string, number> = {};
    dims.forEach((d, i) => (scores[d] = values[i] ?? 0));
    return scores;
  });
}

function sideArb(stage: ParallelStage, side: Side, minEvidence: number) {
  return fc.record({
    scores: scoresArb(stage),
    evidence: fc.uniqueArray(evidenceArb(side, stage), {
      selector: (e) => e.id,
      minLength: minEvidence,
      maxLength: 6,
    }),
  });
}

const summaryArb = fc.string({ minLength: 1, maxLength: 80 });

export const ctrArb: fc.Arbitrary<CtrOutput> = fc
  .record({
    listings: fc.record({ A: sideArb('ctr', 'A', 2), B: sideArb('ctr', 'B', 2) }),
    winner: winnerArb,
    summary: summaryArb,
  })
  .map((o) => o as CtrOutput);

const pdpExtraArb = fc.record({
  images: fc.array(
    fc.record({
      index: fc.integer({ min: 0, max: 9 }),
      role: fc.constantFrom(...ImageRole.options),
      note: fc.string({ maxLength: 40 }),
    }),
    { maxLength: 7 },
  ),
  answered: fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
  open: fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
});

function pdpSideArb(side: Side) {
  return fc.tuple(sideArb('pdp', side, 2), pdpExtraArb).map(([s, extra]) => ({ ...s, ...extra }));
}

export const pdpArb: fc.Arbitrary<PdpOutput> = fc
  .record({
    listings: fc.record({ A: pdpSideArb('A'), B: pdpSideArb('B') }),
    winner: winnerArb,
    summary: summaryArb,
  })
  .map((o) => o as PdpOutput);

export const textArb: fc.Arbitrary<TextOutput> = fc
  .record({
    listings: fc.record({ A: sideArb('text', 'A', 1), B: sideArb('text', 'B', 1) }),
    winner: winnerArb,
    summary: summaryArb,
  })
  .map((o) => o as TextOutput);

export const personaArb: fc.Arbitrary<Persona> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 30 }),
  profile: fc.string({ minLength: 1, maxLength: 80 }),
  caresAbout: fc.array(
    fc.record({
      aspect: fc.string({ minLength: 1, maxLength: 30 }),
      citation: fc.string({ maxLength: 60 }),
      from: fc.constantFrom('A', 'B', 'both', 'category'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  clicks: winnerArb,
  buys: winnerArb,
  why: fc.string({ minLength: 1, maxLength: 80 }),
  objections: fc.array(fc.string({ maxLength: 40 }), { maxLength: 2 }),
});

export const avatarsArb: fc.Arbitrary<AvatarsOutput> = fc.record({
  personas: fc.tuple(personaArb, personaArb, personaArb).map((p): Persona[] => [...p]),
  categoryDefault: fc.boolean(),
});

/**
 * A verdict input as the pipeline produces it: at least one of ctr, pdp, text present; every
 * stage that is absent is listed in `missing` (a failed stage), in stage order.
 */
export const verdictInputArb: fc.Arbitrary<VerdictInput> = fc
  .record({
    ctr: fc.option(ctrArb, { nil: undefined, freq: 3 }),
    pdp: fc.option(pdpArb, { nil: undefined, freq: 3 }),
    text: fc.option(textArb, { nil: undefined, freq: 3 }),
    avatars: fc.option(avatarsArb, { nil: undefined, freq: 3 }),
    rulesOnly: fc.boolean(),
  })
  .filter((i) => i.ctr !== undefined || i.pdp !== undefined || i.text !== undefined)
  .map((i) => ({ ...i, missing: (['ctr', 'pdp', 'text', 'avatars'] as const).filter((s) => i[s] === undefined) }));

export function swapWinner<W extends Winner>(w: W): W {
  return (w === 'A' ? 'B' : w === 'B' ? 'A' : w) as W;
}

/** The same stage output with A and B exchanged: listings (with their evidence) and winner. */
export function swapStage<O extends { listings: { A: unknown; B: unknown }; winner: Winner }>(o: O): O {
  return { ...o, listings: { ...o.listings, A: o.listings.B, B: o.listings.A }, winner: swapWinner(o.winner) };
}

export function swapAvatars(o: AvatarsOutput): AvatarsOutput {
  return {
    ...o,
    personas: o.personas.map((p) => ({ ...p, clicks: swapWinner(p.clicks), buys: swapWinner(p.buys) })),
  };
}

/** Listing A becomes B and B becomes A everywhere in a verdict input. */
export function swapInput(input: VerdictInput): VerdictInput {
  return {
    ...input,
    ctr: input.ctr && swapStage(input.ctr),
    pdp: input.pdp && swapStage(input.pdp),
    text: input.text && swapStage(input.text),
    avatars: input.avatars && swapAvatars(input.avatars),
  };
}
