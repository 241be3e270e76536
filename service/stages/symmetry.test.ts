import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { computeVerdict } from '../domain/verdict.ts';
import { AvatarsOutputSchema, CtrOutputSchema, PdpOutputSchema, TextOutputSchema, VerdictSchema, type ParallelStage, type StageOutputs } from '../domain/stage-outputs.ts';
import type { AcquireOutput } from './acquired.ts';
import { avatarsOffline } from './avatars.ts';
import { ctrOffline } from './ctr.ts';
import { bare } from './offline.ts';
import { pdpOffline } from './pdp.ts';
import { mirrorAvatars } from './persona-arbitraries.ts';
import { acquireOutputArb, mirrorStage, mirrorVerdict, swapAcquired } from './stage-input-arbitraries.ts';
import { textOffline } from './text.ts';

/**
 * The offline engine is exactly symmetric: comparing B with A gives the mirror of comparing A
 * with B — listings, winners, scores, evidence (ids re-prefixed), fixes and personas swapped,
 * summaries with their letters exchanged, and nothing else different.
 */

const RUNS = 300;

/** The offline pipeline after acquire: stages 1–3, the personas on those that did not fail, the verdict. */
function offlineRun(acquired: AcquireOutput, failed: readonly ParallelStage[] = []) {
  const input = { acquired, prior: {} };
  const all = { ctr: ctrOffline(input), pdp: pdpOffline(input), text: textOffline(input) };
  const prior: Partial<StageOutputs> = {};
  if (!failed.includes('ctr')) prior.ctr = all.ctr;
  if (!failed.includes('pdp')) prior.pdp = all.pdp;
  if (!failed.includes('text')) prior.text = all.text;
  const avatars = avatarsOffline({ acquired, prior });
  const verdict = computeVerdict({ ctr: prior.ctr, pdp: prior.pdp, text: prior.text, avatars, rulesOnly: true, missing: failed });
  return { ...all, avatars, verdict };
}

const failedArb = fc.subarray<ParallelStage>(['ctr', 'pdp', 'text'], { maxLength: 2 });

describe('offline engine: swapping A and B gives the mirror', () => {
  test.each([
    ['ctr', ctrOffline],
    ['pdp', pdpOffline],
    ['text', textOffline],
  ] as const)('%s: listings, evidence and winner swap; the summary only exchanges its letters', (_, stage) => {
    fc.assert(
      fc.property(acquireOutputArb, (acquired) => {
        const out = stage({ acquired, prior: {} });
        expect(stage({ acquired: swapAcquired(acquired), prior: {} })).toEqual(mirrorStage(out));
      }),
      { numRuns: RUNS },
    );
  });

  test('avatars on the stage outputs: the same personas, letters, votes and sources swapped', () => {
    fc.assert(
      fc.property(acquireOutputArb, failedArb, (acquired, failed) => {
        expect(offlineRun(swapAcquired(acquired), failed).avatars).toEqual(mirrorAvatars(offlineRun(acquired, failed).avatars));
      }),
      { numRuns: RUNS },
    );
  });

  test('verdict: winner, scores and stages swap, fixes move listing with the same order and numbers, confidence is equal', () => {
    fc.assert(
      fc.property(acquireOutputArb, failedArb, (acquired, failed) => {
        const v = offlineRun(acquired, failed).verdict;
        const w = offlineRun(swapAcquired(acquired), failed).verdict;
        expect(w.confidence).toBe(v.confidence);
        for (const side of ['A', 'B'] as const) {
          const other = side === 'A' ? 'B' : 'A';
          const strip = (f: (typeof v.fixes)[number]) => ({ ...f, listing: null, evidence: f.evidence.map(bare) });
          expect(w.fixes.filter((f) => f.listing === side).map(strip)).toEqual(v.fixes.filter((f) => f.listing === other).map(strip));
        }
        // Everything, the hash included: the hash covers the letters, so it is the hash of the mirror.
        expect(w).toEqual(mirrorVerdict(v));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('offline engine: summaries', () => {
  test('two listings that measure alike are named by neither letter', () => {
    fc.assert(
      fc.property(acquireOutputArb, (x) => {
        const twins: AcquireOutput = { A: x.A, B: x.A, facts: { A: x.facts.A, B: swapAcquired(x).facts.B } };
        for (const stage of [ctrOffline, pdpOffline, textOffline]) expect(stage({ acquired: twins, prior: {} }).summary).not.toMatch(/\b[AB]\b/);
      }),
      { numRuns: 100 },
    );
  });
});

describe('offline engine: the generated inputs', () => {
  test('give outputs that pass their schemas', () => {
    fc.assert(
      fc.property(acquireOutputArb, failedArb, (acquired, failed) => {
        const r = offlineRun(acquired, failed);
        expect(CtrOutputSchema.safeParse(r.ctr).success).toBe(true);
        expect(PdpOutputSchema.safeParse(r.pdp).success).toBe(true);
        expect(TextOutputSchema.safeParse(r.text).success).toBe(true);
        expect(AvatarsOutputSchema.safeParse(r.avatars).success).toBe(true);
        expect(VerdictSchema.safeParse(r.verdict).success).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  test('carry every finding the rules engine fixes, and their good outcomes', () => {
    const seen = new Set<string>();
    for (const a of fc.sample(acquireOutputArb, { numRuns: 600, seed: 19 })) {
      for (const f of [...a.facts.A.findings, ...a.facts.B.findings]) seen.add(bare(f.id).replace(/^(reviews\.aspect_(un)?addressed)\..*/, '$1'));
    }
    const expected = [
      'main.bg_white', 'main.bg_off_white', 'main.bg_not_white', 'main.promo_badge', 'main.text_present', 'main.no_text', 'main.fill_ok', 'main.fill_low',
      'main.fill_unmeasurable', 'main.thumbnail_weak', 'main.thumbnail_legible', 'main.resolution_ok', 'main.resolution_no_zoom', 'main.resolution_below_recommended', 'main.missing',
      'gallery.count_ok', 'gallery.count_low', 'gallery.near_duplicates', 'gallery.no_duplicates', 'gallery.no_infographic', 'gallery.no_lifestyle', 'gallery.low_resolution',
      'gallery.resolution_ok', 'gallery.roles',
      'title.too_long', 'title.over_upcoming_limit', 'title.length_ok', 'title.promo_words', 'title.banned_chars', 'title.decorative_chars', 'title.symbols',
      'title.repeated_words', 'title.all_caps',
      'bullets.missing', 'bullets.count_low', 'bullets.count_ok', 'bullets.too_short', 'bullets.too_long', 'bullets.promo_words', 'bullets.special_chars',
      'description.missing', 'description.short', 'description.too_long', 'description.ok',
      'reviews.no_insights', 'reviews.coverage', 'reviews.aspect_addressed', 'reviews.aspect_unaddressed',
    ];
    expect(expected.filter((id) => !seen.has(id))).toEqual([]);
  });
});
