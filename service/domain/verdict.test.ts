import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { CONFIDENCE, MAX_FIXES_PER_LISTING } from './scoring.ts';
import {
  avatarsArb,
  ctrArb,
  pdpArb,
  swapInput,
  swapWinner,
  textArb,
  verdictInputArb,
} from './stage-arbitraries.ts';
import {
  AvatarsOutputSchema,
  CtrOutputSchema,
  DIMENSIONS,
  PdpOutputSchema,
  TextOutputSchema,
  VerdictSchema,
} from './stage-outputs.ts';
import type { CtrOutput, Evidence, ParallelStage, PdpOutput, TextOutput, Verdict } from './stage-outputs.ts';
import { computeVerdict } from './verdict.ts';
import type { VerdictInput } from './verdict.ts';

const withoutHash = ({ hash: _hash, ...rest }: Verdict) => rest;
const present = (i: VerdictInput) => (['ctr', 'pdp', 'text'] as const).filter((s) => i[s] !== undefined);

describe('stage arbitraries', () => {
  test('produce outputs that pass their schemas', () => {
    fc.assert(
      fc.property(ctrArb, pdpArb, textArb, avatarsArb, (ctr, pdp, text, avatars) => {
        expect(CtrOutputSchema.safeParse(ctr).success).toBe(true);
        expect(PdpOutputSchema.safeParse(pdp).success).toBe(true);
        expect(TextOutputSchema.safeParse(text).success).toBe(true);
        expect(AvatarsOutputSchema.safeParse(avatars).success).toBe(true);
      }),
    );
  });
});

describe('canonicalJson', () => {
  test('sorts keys recursively, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: 'x' }], a: null, u: undefined, n: 0.1 })).toBe(
      '{"a":null,"b":[3,{"c":"x","d":1}],"n":0.1}',
    );
  });
  test('is the same for any key order and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
  test('refuses what has no JSON form', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });
});

describe('computeVerdict properties', () => {
  test('(a) swapping A and B swaps winners, scores and fixes, and keeps confidence', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const v = computeVerdict(input);
        const s = computeVerdict(swapInput(input));
        expect(s.winner).toBe(swapWinner(v.winner));
        expect(s.clickWinner).toBe(swapWinner(v.clickWinner));
        expect(s.saleWinner).toBe(swapWinner(v.saleWinner));
        expect(s.score).toEqual({ A: v.score.B, B: v.score.A });
        expect(s.confidence).toBe(v.confidence);
        for (const [stage, e] of Object.entries(v.stages)) {
          expect(s.stages[stage]).toEqual({ A: e.B, B: e.A, winner: swapWinner(e.winner), weight: e.weight });
        }
        // Grouped per listing, A's first: the swapped verdict lists the old B's fixes first.
        const mirrored = [...v.fixes.filter((f) => f.listing === 'B'), ...v.fixes.filter((f) => f.listing === 'A')];
        const sameWinnerChange = (f: Verdict['fixes'][number]) => ({ ...f, listing: swapWinner(f.listing) });
        expect(s.fixes).toEqual(mirrored.map(sameWinnerChange));
      }),
    );
  });

  test('(b) the same input gives the same hash: SHA-256 of the canonical verdict without it', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const v = computeVerdict(input);
        expect(computeVerdict(structuredClone(input)).hash).toBe(v.hash);
        expect(v.hash).toBe(createHash('sha256').update(canonicalJson(withoutHash(v))).digest('hex'));
      }),
    );
  });

  // Scores are reported to 2 decimals, so a change too small to move a stage mean by 0.01 may
  // leave the verdict, and so its hash, unchanged. What holds: a change of ≥ 0.1 in any one
  // dimension score (the resolution models answer in) moves its stage mean by ≥ 0.02 → new hash.
  test('(b) the hash changes when any dimension score changes by 0.1 or more', () => {
    const pick = fc.record({
      side: fc.constantFrom('A' as const, 'B' as const),
      stageIndex: fc.nat(),
      dimIndex: fc.nat({ max: 4 }),
      delta: fc.double({ min: 0.1, max: 5, noNaN: true }),
    });
    fc.assert(
      fc.property(verdictInputArb, pick, (input, { side, stageIndex, dimIndex, delta }) => {
        const stages = present(input);
        const stage = stages[stageIndex % stages.length]!;
        const dim = DIMENSIONS[stage][dimIndex]!;
        const changed = structuredClone(input);
        const scores = changed[stage]!.listings[side].scores as Record<string, number>;
        const old = scores[dim]!;
        scores[dim] = old >= 5 ? old - delta : old + delta;
        expect(computeVerdict(changed).hash).not.toBe(computeVerdict(input).hash);
      }),
    );
  });

  test('(c) scores lie in [0, 10], confidence in [0, 1], and the verdict passes its schema', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const v = computeVerdict(input);
        expect(VerdictSchema.safeParse(v).success).toBe(true);
        for (const x of [v.score.A, v.score.B, ...Object.values(v.stages).flatMap((s) => [s.A, s.B])]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(10);
        }
        expect(v.confidence).toBeGreaterThanOrEqual(0);
        expect(v.confidence).toBeLessThanOrEqual(1);
        const weights = Object.values(v.stages).reduce((a, s) => a + s.weight, 0);
        expect(Math.abs(weights - 1)).toBeLessThanOrEqual(2e-4); // each reported to 4 decimals
      }),
    );
  });

  // Removing a stage changes the scores, the margin and the agreement too, so "fewer stages →
  // lower confidence" is false (see the example below). What holds: with the same outputs,
  // declaring a stage missing scales confidence by MISSING_STAGE_FACTOR — strictly lower. (Strict
  // even after rounding to 2 decimals while confidence before the penalty is ≥ 0.05: here it is
  // ≥ 0.2 floor × 0.75 × 0.8², so the penalty takes off ≥ 0.019.)
  test('(d) with the same outputs, a stage declared missing lowers confidence and nothing else', () => {
    fc.assert(
      fc.property(verdictInputArb, fc.constantFrom('ctr', 'pdp', 'text', 'avatars'), (input, stage) => {
        const base: VerdictInput = { ...input, [stage]: undefined };
        fc.pre(present(base).length > 0 && !input.missing.includes(stage));
        const v = computeVerdict(base);
        const m = computeVerdict({ ...base, missing: [...base.missing, stage] });
        expect(m.confidence).toBeLessThan(v.confidence);
        expect(m.confidence).toBeCloseTo(v.confidence * CONFIDENCE.missingStageFactor, 1);
        const { confidence: _c1, missing: _m1, hash: _h1, ...rest } = v;
        const { confidence: _c2, missing: _m2, hash: _h2, ...restM } = m;
        expect(restM).toEqual(rest);
        // The same name twice is one missing stage.
        expect(computeVerdict({ ...base, missing: [...base.missing, stage, stage] }).confidence).toBe(m.confidence);
      }),
    );
  });

  test('(d) confidence never exceeds MISSING_STAGE_FACTOR ^ (number of missing stages)', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const cap = CONFIDENCE.missingStageFactor ** new Set(input.missing).size;
        expect(computeVerdict(input).confidence).toBeLessThanOrEqual(Math.round(cap * 100) / 100);
      }),
    );
  });

  // Strict after rounding: confidence with a model is ≥ 0.2 × 0.8³ here, so × 0.75 takes off ≥ 0.025.
  test('(e) made without a model, the same input has lower confidence', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const model = computeVerdict({ ...input, rulesOnly: false });
        const rules = computeVerdict({ ...input, rulesOnly: true });
        expect(rules.confidence).toBeLessThan(model.confidence);
        expect(rules.confidence).toBeCloseTo(model.confidence * CONFIDENCE.rulesOnlyFactor, 1);
        expect(rules.winner).toBe(model.winner);
        expect(rules.hash).not.toBe(model.hash);
      }),
    );
  });

  test('(f) fixes are grouped per listing, numbered 1..n within it in rank order, and cite negative evidence of their listing', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const v = computeVerdict(input);
        const found = new Map<string, Evidence>();
        for (const stage of present(input)) {
          for (const side of ['A', 'B'] as const) {
            for (const e of input[stage]!.listings[side].evidence) found.set(`${side}:${e.id}`, e);
          }
        }
        // Never interleaved: every A fix comes before every B fix.
        const sides = v.fixes.map((f) => f.listing).join('');
        expect(sides).toMatch(/^A*B*$/);
        for (const side of ['A', 'B'] as const) {
          const mine = v.fixes.filter((f) => f.listing === side);
          expect(mine.length).toBeLessThanOrEqual(MAX_FIXES_PER_LISTING);
          expect(mine.map((f) => f.priority)).toEqual(mine.map((_, i) => i + 1));
          mine.forEach((f, i) => {
            const prev = mine[i - 1];
            // Compliance problems first.
            if (prev && !prev.compliance) expect(f.compliance).toBe(false);
            expect(f.effect.points).toBeGreaterThanOrEqual(0);
          });
        }
        for (const f of v.fixes) {
          expect(f.evidence.length).toBeGreaterThanOrEqual(1);
          for (const id of f.evidence) {
            const e = found.get(`${f.listing}:${id}`);
            expect(e?.effect).toBe('negative');
            expect(e?.fix?.trim()).toBeTruthy();
          }
        }
        // Under the cap, no negative evidence with a fix is left out.
        for (const side of ['A', 'B'] as const) {
          if (v.fixes.filter((f) => f.listing === side).length === MAX_FIXES_PER_LISTING) continue;
          const cited = new Set(v.fixes.flatMap((f) => f.evidence.map((id) => `${f.listing}:${id}`)));
          for (const [key, e] of found) {
            if (key.startsWith(`${side}:`) && e.effect === 'negative' && e.fix?.trim()) expect(cited.has(key)).toBe(true);
          }
        }
      }),
    );
  });

  test('(g) a fix\'s effect is the verdict recomputed as if it were made', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const v = computeVerdict(input);
        for (const f of v.fixes) {
          // Points are on the 0–10 scale and never more than the room left above the listing's score.
          expect(f.effect.points).toBeLessThanOrEqual(roundUp(10 - v.score[f.listing]));
          if (f.effect.points === 0) expect(f.effect.changesWinner).toBe(false);
        }
      }),
    );
  });
});

const roundUp = (x: number) => Math.round(x * 100) / 100 + 0.01;

// ---- hand-written examples ----

type SideSpec = { score: number; evidence?: Evidence[] };
function ev(id: string, effect: Evidence['effect'], fix: string | null, impact: number | null, ease: number | null): Evidence {
  return { id, observation: `observed ${id}`, effect, fix, impact, ease, dimension: null, current: null, target: null, effort: null, compliance: null, scoreIfFixed: null };
}
function side<S extends ParallelStage>(stage: S, s: SideSpec) {
  const scores = Object.fromEntries(DIMENSIONS[stage].map((d) => [d, s.score])) as Record<(typeof DIMENSIONS)[S][number], number>;
  return { scores, evidence: s.evidence ?? [ev(`${stage}.ok1`, 'positive', null, null, null), ev(`${stage}.ok2`, 'neutral', null, null, null)] };
}
function ctr(a: SideSpec, b: SideSpec, winner: CtrOutput['winner']): CtrOutput {
  return { listings: { A: side('ctr', a), B: side('ctr', b) }, winner, summary: 's' };
}
function text(a: SideSpec, b: SideSpec, winner: TextOutput['winner']): TextOutput {
  return { listings: { A: side('text', a), B: side('text', b) }, winner, summary: 's' };
}
function pdp(a: SideSpec, b: SideSpec, winner: PdpOutput['winner']): PdpOutput {
  const extra = { images: [], answered: [], open: [] };
  return { listings: { A: { ...side('pdp', a), ...extra }, B: { ...side('pdp', b), ...extra } }, winner, summary: 's' };
}

describe('computeVerdict examples', () => {
  test('a clear A win: every stage and persona agrees; fixes merged and ranked', () => {
    const input: VerdictInput = {
      ctr: ctr({ score: 8 }, {
        score: 5,
        evidence: [ev('B.ctr.bg', 'negative', 'Use a pure white background', 3, 3), ev('B.ctr.fill', 'negative', null, 3, 3)],
      }, 'A'),
      pdp: pdp({ score: 8 }, {
        score: 5,
        evidence: [ev('B.pdp.scale', 'negative', 'Add a scale image', 2, null), ev('B.pdp.white', 'negative', ' use a pure  white background', 2, 3)],
      }, 'A'),
      text: text({
        score: 7,
        evidence: [ev('A.text.long', 'negative', 'Shorten the title to 75 characters', 2, 3), ev('A.text.kw', 'positive', 'ignored: not negative', 3, 3)],
      }, { score: 5 }, 'A'),
      avatars: {
        categoryDefault: false,
        personas: [1, 2, 3].map((n) => ({ name: `P${n}`, profile: 'p', caresAbout: [{ aspect: 'a', citation: '', from: 'A' as const }], clicks: 'A' as const, buys: 'A' as const, why: 'w', objections: [] })),
      },
      rulesOnly: false,
      missing: [],
    };
    const v = computeVerdict(input);
    expect(v).toMatchObject({ winner: 'A', score: { A: 7.65, B: 5 }, confidence: 1, clickWinner: 'A', saleWinner: 'A', missing: [] });
    expect(v.stages['pdp']).toEqual({ A: 8, B: 5, winner: 'A', weight: 0.3 });
    expect(v.fixes.map(({ listing, priority, action, evidence, stage, impact, ease }) => ({ listing, priority, action, evidence, stage, impact, ease }))).toEqual([
      { listing: 'A', priority: 1, action: 'Shorten the title to 75 characters', evidence: ['A.text.long'], stage: 'text', impact: 2, ease: 3 },
      { listing: 'B', priority: 1, action: 'Use a pure white background', evidence: ['B.ctr.bg', 'B.pdp.white'], stage: 'ctr', impact: 3, ease: 3 },
      { listing: 'B', priority: 2, action: 'Add a scale image', evidence: ['B.pdp.scale'], stage: 'pdp', impact: 2, ease: 2 },
    ]);
    // Without a stated effort: copy is a text edit, an easy image fix a photo edit, a harder one a new shoot.
    expect(v.fixes.map((f) => f.effort)).toEqual(['text', 'photo-edit', 'new-shoot']);
    // No dimension named and no score the rules engine could project: no measurable effect.
    expect(v.fixes.every((f) => f.effect.points === 0 && !f.effect.changesWinner)).toBe(true);
    expect(v.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(computeVerdict(input).hash).toBe(v.hash);
  });

  test('a tie: scores within the margin, split stage winners', () => {
    const v = computeVerdict({
      ctr: ctr({ score: 7 }, { score: 7.2 }, 'B'),
      text: text({ score: 7.2 }, { score: 7 }, 'A'),
      rulesOnly: false,
      missing: ['pdp', 'avatars'],
    });
    expect(v).toMatchObject({ winner: 'tie', score: { A: 7.1, B: 7.1 }, clickWinner: 'B', saleWinner: 'tie' });
    // floor 0.2 + margin 0 + agreement 0.4 × 0.5, times 0.8² for two missing stages.
    expect(v.confidence).toBe(0.26);
    expect(v.missing).toEqual(['avatars', 'pdp']);
  });

  test('only text present, rules only: text decides, the click is unknown', () => {
    const v = computeVerdict({ text: text({ score: 6 }, { score: 8 }, 'B'), rulesOnly: true, missing: ['pdp', 'ctr', 'avatars'] });
    expect(v).toMatchObject({ winner: 'B', score: { A: 6, B: 8 }, clickWinner: 'tie', saleWinner: 'B', rulesOnly: true });
    expect(Object.keys(v.stages)).toEqual(['text']);
    expect(v.stages['text']?.weight).toBe(1);
    expect(v.confidence).toBe(0.38); // 1 × 0.75 × 0.8³
    expect(v.fixes).toEqual([]);
  });

  test('nothing scored (callers never ask): an honest tie at 0 with confidence 0', () => {
    const v = computeVerdict({ rulesOnly: false, missing: ['ctr', 'pdp', 'text'] });
    expect(v).toMatchObject({ winner: 'tie', score: { A: 0, B: 0 }, confidence: 0, stages: {}, fixes: [] });
    expect(VerdictSchema.safeParse(v).success).toBe(true);
  });

  test('why (d) is not "fewer stages → lower confidence": dropping a dissenting stage can raise it', () => {
    const full = computeVerdict({
      ctr: ctr({ score: 8 }, { score: 4 }, 'A'),
      pdp: pdp({ score: 2 }, { score: 9 }, 'B'),
      text: text({ score: 8 }, { score: 4 }, 'A'),
      rulesOnly: false,
      missing: [],
    });
    const withoutPdp = computeVerdict({ ctr: ctr({ score: 8 }, { score: 4 }, 'A'), text: text({ score: 8 }, { score: 4 }, 'A'), rulesOnly: false, missing: ['pdp'] });
    expect(full.confidence).toBe(0.62);
    expect(withoutPdp.confidence).toBe(0.8);
  });
});

describe('projected effect of a fix', () => {
  const fixEv = (id: string, extra: Partial<Evidence>): Evidence => ({ ...ev(id, 'negative', `fix ${id}`, 2, 2), ...extra });

  test('a model-judged dimension moves to the other listing\'s score on it, and can change the winner', () => {
    const a = side('ctr', { score: 6 });
    const b = side('ctr', { score: 7, evidence: [fixEv('B.ctr.x', { dimension: 'compliance', effort: 'photo-edit' }), fixEv('B.ctr.y', { dimension: 'appeal' })] });
    // A is far better on compliance: lifting B's compliance to A's moves B's ctr mean by (10 − 4) / 5.
    a.scores.compliance = 10;
    b.scores.compliance = 4;
    const input: VerdictInput = { ctr: { listings: { A: a, B: b }, winner: 'A', summary: 's' }, rulesOnly: false, missing: [] };
    const v = computeVerdict(input);
    expect(v.winner).toBe('A'); // A 6.8 vs B 6.4
    const x = v.fixes.find((f) => f.evidence.includes('B.ctr.x'))!;
    expect(x.effect).toEqual({ points: 1.2, changesWinner: true });
    expect(x.effort).toBe('photo-edit');
    // B is already ahead on appeal: nothing to gain by "moving" it to A's lower score.
    expect(v.fixes.find((f) => f.evidence.includes('B.ctr.y'))!.effect).toEqual({ points: 0, changesWinner: false });
  });

  test('the rules engine\'s re-scored stage counts by the stage weight, and compliance problems come first', () => {
    const input: VerdictInput = {
      ctr: ctr({ score: 8 }, { score: 5, evidence: [fixEv('B.main.fill_low', { scoreIfFixed: 7, effort: 'photo-edit' }), fixEv('B.main.bg_off_white', { scoreIfFixed: 5.4, compliance: true, effort: 'photo-edit' })] }, 'A'),
      text: text({ score: 8 }, { score: 8 }, 'tie'),
      rulesOnly: true,
      missing: ['pdp', 'avatars'],
    };
    const v = computeVerdict(input);
    // ctr weighs 0.35 of 0.7: a stage score up by 2 moves the overall by 1.
    expect(v.fixes.map((f) => [f.evidence[0], f.priority, f.compliance, f.effect.points])).toEqual([
      ['B.main.bg_off_white', 1, true, 0.2],
      ['B.main.fill_low', 2, false, 1],
    ]);
    expect(v.winner).toBe('A');
    expect(v.fixes[1]!.effect.changesWinner).toBe(false); // A 8 vs B 7.5 would still be A
  });
});

describe('presentation orders (issue 19)', () => {
  const stageName = fc.constantFrom('ctr', 'pdp', 'text', 'avatars');

  test('an order-sensitive stage scales confidence by orderSensitiveFactor, a single-order stage by singleOrderFactor, and nothing else moves', () => {
    fc.assert(
      fc.property(verdictInputArb, stageName, stageName, (input, sensitive, single) => {
        const v = computeVerdict(input);
        const o = computeVerdict({ ...input, orderSensitive: [sensitive, sensitive], singleOrder: [single] });
        expect(o.confidence).toBeLessThan(v.confidence);
        expect(o.confidence).toBeCloseTo(v.confidence * CONFIDENCE.orderSensitiveFactor * CONFIDENCE.singleOrderFactor, 1);
        const { confidence: _c1, hash: _h1, ...rest } = v;
        const { confidence: _c2, hash: _h2, ...restO } = o;
        expect(restO).toEqual(rest);
        // Empty lists are the same as none: the verdict and its hash are unchanged.
        expect(computeVerdict({ ...input, orderSensitive: [], singleOrder: [] })).toEqual(v);
      }),
    );
  });

  test('pure: the same lists in any order give the same verdict and hash; swapping A and B keeps confidence', () => {
    fc.assert(
      fc.property(verdictInputArb, fc.subarray(['ctr', 'pdp', 'text', 'avatars']), (input, names) => {
        const a = computeVerdict({ ...input, orderSensitive: names, singleOrder: [...names].reverse() });
        const b = computeVerdict(structuredClone({ ...input, orderSensitive: [...names].reverse(), singleOrder: names }));
        expect(b.hash).toBe(a.hash);
        expect(computeVerdict({ ...swapInput(input), orderSensitive: names, singleOrder: names }).confidence).toBe(
          computeVerdict({ ...input, orderSensitive: names, singleOrder: names }).confidence,
        );
      }),
    );
  });

  test('the documented factors: one order-sensitive and one single-order stage on a full run cost × 0.8 × 0.9', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const v = computeVerdict({ ...input, missing: [], rulesOnly: false });
        const o = computeVerdict({ ...input, missing: [], rulesOnly: false, orderSensitive: ['ctr'], singleOrder: ['text'] });
        // Both confidences are rounded to 2 decimals: within one rounding of each.
        expect(Math.abs(o.confidence - v.confidence * 0.8 * 0.9)).toBeLessThanOrEqual(0.01);
      }),
      { numRuns: 50 },
    );
  });
});
