import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { avatarsArb, ctrArb, pdpArb, textArb } from '../domain/stage-arbitraries.ts';
import { stageInputArb } from './persona-arbitraries.ts';
import { STAGES } from './registry.ts';
import { swapListingRefs, swapOutput, swapStageInput } from './swap.ts';

describe('swapping a stage input (the second presentation order)', () => {
  test('swapping twice gives the input back; the swapped input puts B in the A slots', () => {
    fc.assert(
      fc.property(stageInputArb, (input) => {
        expect(swapStageInput(swapStageInput(input))).toEqual(input);
        const s = swapStageInput(input);
        expect(s.acquired.A).toBe(input.acquired.B);
        expect(s.acquired.facts.A.findings.every((f) => !f.id.startsWith('B.'))).toBe(true);
        if (input.prior.ctr) expect(s.prior.ctr?.listings.A).toEqual(input.prior.ctr.listings.B);
      }),
      { numRuns: 50 },
    );
  });

  test('every model stage shows B\'s title in the "A" slot of its prompt variables', () => {
    fc.assert(
      fc.property(stageInputArb, (input) => {
        for (const def of Object.values(STAGES)) {
          expect(def.variables(swapStageInput(input)).title_a).toBe(input.acquired.B.listing.title);
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe('mapping an output back', () => {
  test('listings, winner and persona votes swap; twice is the identity; the schema still holds', () => {
    fc.assert(
      fc.property(ctrArb, pdpArb, textArb, avatarsArb, (ctr, pdp, text, avatars) => {
        const m = swapOutput('ctr', ctr);
        expect(m.listings).toEqual({ A: ctr.listings.B, B: ctr.listings.A });
        expect(m.winner).toBe(ctr.winner === 'A' ? 'B' : ctr.winner === 'B' ? 'A' : 'tie');
        expect(STAGES.pdp.schema.safeParse(swapOutput('pdp', pdp)).success).toBe(true);
        expect(swapOutput('text', swapOutput('text', text))).toEqual(text);
        const p = swapOutput('avatars', avatars);
        p.personas.forEach((x, i) => {
          const o = avatars.personas[i]!;
          expect([x.buys, o.buys].sort().join()).toMatch(o.buys === 'tie' ? /^tie,tie$/ : /^A,B$/);
          expect(x.clicks === o.clicks).toBe(o.clicks === 'tie');
        });
        expect(STAGES.avatars.schema.safeParse(p).success).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  test('a summary\'s references to a listing swap; the article "A" and other capitals stay', () => {
    expect(swapListingRefs('Listing A wins: B’s badge breaks the rules, and A has a cleaner background than B.')).toBe(
      'Listing B wins: A’s badge breaks the rules, and B has a cleaner background than A.',
    );
    expect(swapListingRefs('A white background on listing B; A and B both show vitamin B12 (A).')).toBe(
      'A white background on listing A; B and A both show vitamin B12 (B).',
    );
    expect(swapListingRefs('listings A and B tie')).toBe('listings B and A tie');
  });
});
