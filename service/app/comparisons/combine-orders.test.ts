import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { avatarsArb, ctrArb } from '../../domain/stage-arbitraries.ts';
import { AvatarsOutputSchema, CtrOutputSchema, type CtrOutput, type Persona } from '../../domain/stage-outputs.ts';
import { swapOutput } from '../../stages/swap.ts';
import { combineOrders, majority } from './combine-orders.ts';

const flat = (a: number, b: number, winner: CtrOutput['winner'], summary = 'First order.'): CtrOutput => {
  const side = (x: number) => ({
    scores: { compliance: x, fill: x, legibility: x, quality: x, appeal: x },
    evidence: [0, 1].map((i) => ({ id: `e${i}`, observation: 'seen', effect: 'neutral' as const, fix: null, impact: null, ease: null, dimension: null, current: null, target: null, effort: null, compliance: null, scoreIfFixed: null })),
  });
  return { listings: { A: side(a), B: side(b) }, winner, summary };
};

describe('combining the two presentation orders', () => {
  test('scores are the means; the winner comes from them with the offline margin; evidence is the first order\'s', () => {
    const c = combineOrders('ctr', flat(8, 5, 'A'), flat(7, 5.5, 'A', 'Second order.'));
    expect(c.consistent).toBe(true);
    expect(c.output.listings.A.scores.fill).toBe(7.5);
    expect(c.output.listings.B.scores.fill).toBe(5.25);
    expect(c.output.winner).toBe('A');
    expect(c.output.summary).toBe('First order.');
    expect(combineOrders('ctr', flat(6.2, 6, 'A'), flat(6.1, 6, 'A')).output.winner).toBe('tie'); // under 0.25
  });

  test('orders that pick different winners: a tie, unless the combined lead is a point or more', () => {
    const biased = combineOrders('ctr', flat(8, 4, 'A'), flat(4, 8, 'B'));
    expect(biased).toMatchObject({ consistent: false, output: { winner: 'tie' } });
    expect(biased.output.summary).toBe('First order. The two presentation orders disagreed; treated as a tie.');
    const strong = combineOrders('ctr', flat(9, 5, 'A'), flat(6, 7, 'B'));
    expect(strong.consistent).toBe(false);
    expect(strong.output.winner).toBe('A'); // 7.5 vs 6
    expect(strong.output.summary).toContain('still favour listing A by 1.5 points');
    expect(combineOrders('ctr', flat(8, 6, 'A'), flat(6, 7, 'B')).output.winner).toBe('tie'); // 7 vs 6.5
  });

  test('any two answers combine into a schema-valid output, symmetric in A and B', () => {
    fc.assert(
      fc.property(ctrArb, ctrArb, (one, two) => {
        const c = combineOrders('ctr', one, two);
        expect(CtrOutputSchema.safeParse(c.output).success).toBe(true);
        const mirrored = combineOrders('ctr', swapOutput('ctr', one), swapOutput('ctr', two));
        expect(mirrored.consistent).toBe(c.consistent);
        expect(mirrored.output.winner).toBe(swapOutput('ctr', c.output).winner);
        expect(mirrored.output.listings.A.scores).toEqual(c.output.listings.B.scores);
      }),
      { numRuns: 100 },
    );
  });

  test('avatars: the first order\'s personas; a majority vote that flips makes the personas that differ tie', () => {
    fc.assert(
      fc.property(avatarsArb, avatarsArb, (one, two) => {
        const c = combineOrders('avatars', one, two);
        expect(AvatarsOutputSchema.safeParse(c.output).success).toBe(true);
        expect(c.output.personas.map((p) => p.name)).toEqual(one.personas.map((p) => p.name));
        const buysAgree = majority(one.personas.map((p) => p.buys)) === majority(two.personas.map((p) => p.buys));
        c.output.personas.forEach((p, i) => {
          const [a, b] = [one.personas[i]!, two.personas[i]!];
          expect(p.buys).toBe(buysAgree || a.buys === b.buys ? a.buys : 'tie');
        });
      }),
      { numRuns: 100 },
    );
    const vote = (p: Persona, w: 'A' | 'B'): Persona => ({ ...p, clicks: w, buys: w });
    const base = fc.sample(avatarsArb, { numRuns: 1, seed: 7 })[0]!;
    const allA = { ...base, personas: base.personas.map((p) => vote(p, 'A')) };
    const allB = { ...base, personas: base.personas.map((p) => vote(p, 'B')) };
    const c = combineOrders('avatars', allA, allB);
    expect(c.consistent).toBe(false);
    expect(c.output.personas.map((p) => [p.clicks, p.buys])).toEqual([['tie', 'tie'], ['tie', 'tie'], ['tie', 'tie']]);
  });
});
