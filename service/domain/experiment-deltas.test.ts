import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { computeDeltas, roundDelta, type ExperimentDeltas } from './experiment-deltas.ts';
import { parseSnapshot, scoresOf, snapshotOf, type Scores } from './experiment-snapshot.ts';
import { verdictInputArb } from './stage-arbitraries.ts';
import { computeVerdict } from './verdict.ts';

/** Deltas of a re-run against its baseline: the algebra the experiment loop relies on. */

const scoresArb: fc.Arbitrary<Scores> = verdictInputArb.map((input) => scoresOf(computeVerdict(input)));

const negate = (p: { A: number; B: number }) => ({ A: roundDelta(-p.A), B: roundDelta(-p.B) });

function scores(overrides: Partial<Scores> = {}): Scores {
  return {
    winner: 'A',
    score: { A: 6.5, B: 5.25 },
    confidence: 0.6,
    clickWinner: 'A',
    saleWinner: 'B',
    stages: { ctr: { A: 7, B: 5, winner: 'A' }, pdp: { A: 5, B: 6, winner: 'B' }, text: { A: 7.5, B: 4.75, winner: 'A' } },
    fixes: [
      { listing: 'B', stage: 'ctr', action: 'Use a pure white background', priority: 1 },
      { listing: 'A', stage: 'text', action: 'Shorten the title', priority: 2 },
    ],
    missing: [],
    rulesOnly: true,
    hash: 'a'.repeat(64),
    ...overrides,
  };
}

describe('computeDeltas', () => {
  test('per-stage and overall changes for each listing, what moved the verdict, fixes resolved and new', () => {
    const baseline = scores();
    const rerun = scores({
      winner: 'B',
      score: { A: 6.5, B: 7.1 },
      stages: { ctr: { A: 7, B: 8.2, winner: 'B' }, pdp: { A: 5, B: 6, winner: 'B' }, text: { A: 7.5, B: 5, winner: 'A' } },
      fixes: [
        { listing: 'A', stage: 'text', action: '  shorten the   title ', priority: 1 },
        { listing: 'B', stage: 'pdp', action: 'Add a size chart', priority: 2 },
      ],
    });
    const d = computeDeltas(baseline, rerun);
    expect(d.overall.delta).toEqual({ A: 0, B: 1.85 });
    expect(d.margin).toBe(-1.85);
    expect(d.winner).toEqual({ before: 'A', after: 'B', changed: true });
    expect(d.stages.map((s) => [s.stage, s.delta])).toEqual([
      ['ctr', { A: 0, B: 3.2 }],
      ['pdp', { A: 0, B: 0 }],
      ['text', { A: 0, B: 0.25 }],
    ]);
    expect(d.movedMost).toEqual({ stage: 'ctr', listing: 'B', delta: 3.2 });
    expect(d.fixes.resolved.map((f) => f.action)).toEqual(['Use a pure white background']);
    expect(d.fixes.new.map((f) => f.action)).toEqual(['Add a size chart']);
  });

  test('a stage missing on one side has no delta and is never "moved most"', () => {
    const { text: _text, ...twoStages } = scores().stages;
    const d = computeDeltas(scores(), scores({ stages: twoStages, missing: ['text'] }));
    const text = d.stages.find((s) => s.stage === 'text');
    expect(text).toMatchObject({ before: { A: 7.5, B: 4.75 }, after: null, delta: null });
    expect(d.movedMost).toBeNull();
  });

  test('fast-check: a run against itself has all-zero deltas, nothing moved, no fix resolved or new', () => {
    fc.assert(
      fc.property(scoresArb, (s) => {
        const d = computeDeltas(s, s);
        expect(d.overall.delta).toEqual({ A: 0, B: 0 });
        expect(d.margin).toBe(0);
        expect(d.confidence.delta).toBe(0);
        expect(d.winner.changed).toBe(false);
        for (const stage of d.stages) expect(stage.delta).toEqual({ A: 0, B: 0 });
        expect(d.movedMost).toBeNull();
        expect(d.fixes).toEqual({ resolved: [], new: [] });
      }),
    );
  });

  test('fast-check: swapping baseline and re-run negates every delta and swaps resolved and new fixes', () => {
    fc.assert(
      fc.property(scoresArb, scoresArb, (a, b) => {
        const ab: ExperimentDeltas = computeDeltas(a, b);
        const ba: ExperimentDeltas = computeDeltas(b, a);
        expect(ba.overall).toEqual({ before: ab.overall.after, after: ab.overall.before, delta: negate(ab.overall.delta) });
        expect(ba.margin).toBe(roundDelta(-ab.margin));
        expect(ba.confidence.delta).toBe(roundDelta(-ab.confidence.delta));
        expect(ba.winner).toEqual({ before: ab.winner.after, after: ab.winner.before, changed: ab.winner.changed });
        expect(ba.stages).toEqual(ab.stages.map((s) => ({ stage: s.stage, before: s.after, after: s.before, delta: s.delta && negate(s.delta) })));
        expect(ba.movedMost).toEqual(ab.movedMost && { ...ab.movedMost, delta: roundDelta(-ab.movedMost.delta) });
        expect(ba.fixes).toEqual({ resolved: ab.fixes.new, new: ab.fixes.resolved });
      }),
    );
  });

  test('roundDelta is symmetric around 0 and never gives −0', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (x) => {
        expect(roundDelta(-x)).toBe(roundDelta(x) === 0 ? 0 : -roundDelta(x));
        expect(Object.is(roundDelta(x), -0)).toBe(false);
      }),
    );
  });
});

describe('snapshots', () => {
  test('a finished run round-trips through its stored JSON; an unfinished run has none', () => {
    fc.assert(
      fc.property(verdictInputArb, (input) => {
        const verdict = computeVerdict(input);
        const snap = snapshotOf({ id: 'r1', status: 'succeeded', finishedAt: new Date(0), errorCode: null }, verdict);
        expect(parseSnapshot(JSON.parse(JSON.stringify(snap)))).toEqual(snap);
      }),
      { numRuns: 30 },
    );
    expect(snapshotOf({ id: 'r1', status: 'running', finishedAt: null, errorCode: null }, null)).toBeUndefined();
    expect(snapshotOf({ id: 'r1', status: 'failed', finishedAt: null, errorCode: 'stage_failed' }, null)?.scores).toBeNull();
    expect(parseSnapshot({ nonsense: true })).toBeUndefined();
    expect(parseSnapshot(null)).toBeUndefined();
  });
});
