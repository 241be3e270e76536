import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ReviewAspect } from '../domain/listing.ts';
import { AvatarsOutputSchema, type AvatarsOutput, type CtrOutput, type PdpOutput, type TextOutput } from '../domain/stage-outputs.ts';
import { avatarsOffline } from './avatars.ts';
import { aspect, coverage, listing, mirrorAvatars, scored, stageInput, stageInputArb, swapStageInput } from './persona-arbitraries.ts';

const prior = (ctr: 'A' | 'B' | 'tie' = 'A', sale: [number, number] = [6, 5]) => ({
  ctr: scored<CtrOutput>(ctr, ctr === 'B' ? 5 : 6, ctr === 'A' ? 5 : 6),
  pdp: scored<PdpOutput>('tie', sale[0], sale[1]),
  text: scored<TextOutput>('tie', sale[0], sale[1]),
});

const THEMES = ['Strap durability', 'Size', 'Zipper', 'Battery life'].map((n, i) => aspect(n, { mentions: 40 - i, negative: 20 - i, positive: 10 }));

function run(aspectsA: readonly ReviewAspect[] | undefined, aspectsB: readonly ReviewAspect[] | undefined, category?: string): AvatarsOutput {
  const cat = category === undefined ? {} : { category };
  return AvatarsOutputSchema.parse(avatarsOffline(stageInput(listing(cat, aspectsA), listing(cat, aspectsB), {}, prior())));
}

const names = (o: AvatarsOutput) => o.personas.map((p) => p.name);
const mainThemes = (o: AvatarsOutput) => o.personas.map((p) => p.caresAbout[0]!.aspect.toLowerCase());

describe('avatars offline: three distinct buyers', () => {
  test.each([0, 1, 2, 3, 4])('%i review themes give three distinct names and main themes', (n) => {
    const o = run(n ? THEMES.slice(0, n) : undefined, undefined, 'Sports & Outdoors');
    expect(new Set(names(o)).size).toBe(3);
    expect(new Set(mainThemes(o)).size).toBe(3);
    expect(o.categoryDefault).toBe(n === 0);
    const fromReviews = o.personas.filter((p) => p.caresAbout[0]!.from !== 'category').length;
    expect(fromReviews).toBe(Math.min(n, 3));
  });

  test('two themes (one per listing) never repeat a theme: the third persona is a category default', () => {
    const o = run([THEMES[0]!], [THEMES[1]!]);
    expect(mainThemes(o).slice(0, 2)).toEqual(['strap durability', 'size']);
    expect(o.personas[2]!.caresAbout[0]!.from).toBe('category');
  });

  test('a category default says so in a sentence, naming the category', () => {
    const o = run([THEMES[0]!], undefined, 'Sports & Outdoors');
    for (const p of o.personas.slice(1)) {
      expect(p.caresAbout[0]!.citation).toBe('No review mentions this; it is what most shoppers in Sports & Outdoors weigh first.');
    }
    expect(o.personas[0]!.profile).toContain('in Sports & Outdoors');
    const none = run(undefined, undefined, 'Sports & Outdoors');
    expect(none.personas[0]!.caresAbout[0]!.citation).toBe('Neither listing has review insights; it is what most shoppers in Sports & Outdoors weigh first.');
  });

  test('without a category the text says "shoppers in this category", grammatically', () => {
    for (const o of [run(undefined, undefined), run([THEMES[0]!], undefined)]) {
      const text = JSON.stringify(o);
      expect(text).not.toMatch(/A this category|this category buyer|\(no review insights\)|category default for/);
      for (const p of o.personas.filter((x) => x.caresAbout[0]!.from === 'category')) {
        expect(p.caresAbout[0]!.citation).toMatch(/most shoppers in this category weigh first\.$/);
      }
    }
  });

  test('names and profiles describe a person, not a labelled review theme', () => {
    const o = run(THEMES.slice(0, 3), undefined);
    for (const p of o.personas) {
      expect(p.name).toMatch(/^The /);
      expect(p.name).not.toMatch(/^(Wary about|Looking for)/);
      expect(p.profile).toMatch(/\.$/);
    }
  });
});

describe('avatars offline: attribution', () => {
  const strapA = aspect('Strap durability', { sentiment: 'NEGATIVE', mentions: 64, positive: 20, negative: 44, snippets: ['the shoulder strap started fraying after three months'] });
  const strapB = aspect('strap durability', { sentiment: 'NEGATIVE', mentions: 41, positive: 6, negative: 35, snippets: ['strap ripped off on the second week'] });
  const zipper = aspect('Zipper', { sentiment: 'MIXED', mentions: 38, positive: 20, negative: 18, snippets: ['zipper snags on the corner sometimes'] });

  test('a theme in both listings is one persona keeping each listing its own counts and words', () => {
    const o = run([strapA, zipper], [strapB], 'Sports & Outdoors');
    const strap = o.personas.filter((p) => p.caresAbout[0]!.aspect.toLowerCase() === 'strap durability');
    expect(strap).toHaveLength(1);
    const [p] = strap;
    expect(p!.caresAbout[0]!.from).toBe('both');
    expect(p!.caresAbout[0]!.citation).toBe('A: the shoulder strap started fraying after three months · B: strap ripped off on the second week');
    expect(p!.profile).toContain("64 mentions in A's reviews, 44 negative; 41 in B's, 35 negative");
  });

  test("a theme in one listing's reviews quotes that listing and says so", () => {
    const o = run([strapA], [zipper]);
    const z = o.personas.find((p) => p.caresAbout[0]!.aspect === 'Zipper')!;
    expect(z.caresAbout[0]).toEqual({ aspect: 'Zipper', citation: 'zipper snags on the corner sometimes', from: 'B' });
    expect(z.profile).toContain("38 mentions in B's reviews, 18 negative; none in A's");
  });

  test('the summary is quoted when a listing has no snippet', () => {
    const o = run([aspect('Size', { snippets: [], summary: 'Roomy enough for shoes.' })], undefined);
    expect(o.personas[0]!.caresAbout[0]!.citation).toBe('Roomy enough for shoes.');
  });
});

describe('avatars offline: each persona decides', () => {
  test('a click tie stays a tie, and a tie in gallery and copy is no vote for A', () => {
    const input = stageInput(listing({}, [THEMES[0]!]), listing(), {}, prior('tie', [5, 5]));
    const o = avatarsOffline(input);
    for (const p of o.personas) expect(p.clicks).toBe('tie');
    for (const p of o.personas) expect(p.buys).toBe('tie');
  });

  test('personas can disagree: each follows its own concern', () => {
    const strap = aspect('Strap durability', { sentiment: 'NEGATIVE', mentions: 50, positive: 10, negative: 40 });
    const sizeA = aspect('Size', { sentiment: 'POSITIVE', mentions: 30, positive: 28, negative: 2 });
    const sizeB = aspect('Size', { sentiment: 'MIXED', mentions: 30, positive: 10, negative: 20 });
    const input = stageInput(
      listing({}, [strap, sizeA]),
      listing({}, [strap, sizeB]),
      { A: [coverage('A', 'Strap durability', false), coverage('A', 'Size', false)], B: [coverage('B', 'Strap durability', true), coverage('B', 'Size', false)] },
      prior('A', [5, 5]),
    );
    const o = avatarsOffline(input);
    const by = (name: string) => o.personas.find((p) => p.caresAbout[0]!.aspect === name)!;
    expect(by('Strap durability').buys).toBe('B');
    expect(by('Strap durability').why).toMatch(/^Only B's title or bullets mention strap durability; A's own reviews complain about it 40 times/);
    expect(by('Size').buys).toBe('A');
    expect(by('Size').why).toMatch(/^B's own reviews complain about size 20 times in 30 mentions/);
    const third = o.personas.find((p) => p.caresAbout[0]!.from === 'category')!;
    expect(third.buys).toBe('tie');
    expect(new Set(o.personas.map((p) => p.buys)).size).toBe(3);
  });

  test('a listing without review insights is not said to be judged alike by its reviews', () => {
    const texture = aspect('Texture', { sentiment: 'NEGATIVE', mentions: 60, positive: 15, negative: 45 });
    const o = avatarsOffline(stageInput(listing({}, [texture]), listing(), {}, prior('tie', [7, 4])));
    expect(o.personas[0]!.buys).toBe('A');
    expect(o.personas[0]!.why).toBe("Neither listing's title or bullets mention texture and only A's reviews discuss it, so the gallery and copy decide (A scores 7.0 against 4.0).");
    expect(o.personas[0]!.profile).toContain("60 mentions in A's reviews, 45 negative; B has no review insights.");
  });

  test('the value seeker goes by price when nothing else is measured', () => {
    const input = stageInput(listing({ price: 30 }), listing({ price: 20 }), {}, prior('A', [5, 5]));
    const value = avatarsOffline(input).personas[2]!;
    expect(value.buys).toBe('B');
    expect(value.why).toBe("B costs 20.00 against 30.00; A's main image still wins the click.");
  });
});

describe('avatars offline: properties', () => {
  test('swapping A and B gives the mirror: same personas and order, letters, votes and sources swapped', () => {
    fc.assert(
      fc.property(stageInputArb, (input) => {
        expect(avatarsOffline(swapStageInput(input))).toEqual(mirrorAvatars(avatarsOffline(input)));
      }),
      { numRuns: 300 },
    );
  });

  test('outputs pass the schema, with distinct buyers and a why that does not restate the vote', () => {
    fc.assert(
      fc.property(stageInputArb, (input) => {
        const o = avatarsOffline(input);
        expect(AvatarsOutputSchema.safeParse(o).success).toBe(true);
        expect(new Set(names(o)).size).toBe(3);
        expect(new Set(mainThemes(o)).size).toBe(3);
        for (const p of o.personas) {
          expect(p.why).not.toMatch(/^(Buys|Clicks) /);
          if (input.prior.ctr?.winner !== undefined) expect(p.clicks).toBe(input.prior.ctr.winner);
          else expect(p.clicks).toBe('tie');
        }
      }),
      { numRuns: 300 },
    );
  });
});
