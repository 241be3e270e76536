import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  CALIBRATION_MIN_PER_BAND,
  confidenceBand,
  confidenceBandWords,
  isHit,
  targetStatus,
  wilsonInterval,
  type OutcomeSample,
  type OutcomeSide,
} from './calibration.ts';

const sample = (winner: OutcomeSide, confidence: number, result: OutcomeSide, click?: { predicted: OutcomeSide; actual: OutcomeSide }): OutcomeSample => ({
  verdict: { winner, clickWinner: click?.predicted ?? winner, confidence },
  result,
  clickResult: click?.actual ?? null,
});

describe('wilsonInterval', () => {
  it('matches the textbook values', () => {
    // 8 of 10: Wilson 95 % ≈ [0.490, 0.943]; 0 of 10 ≈ [0, 0.278]; 10 of 10 ≈ [0.722, 1].
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(0, 10)[1]).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(10, 10)).toEqual([expect.closeTo(0.7225, 3), 1]);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  const counts = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('contains the rate and stays within [0, 1]', () => {
    fc.assert(
      fc.property(counts, ([hits, n]) => {
        const [lo, hi] = wilsonInterval(hits, n);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(hits / n);
        expect(hi).toBeGreaterThanOrEqual(hits / n);
      }),
    );
  });

  it('narrows as n grows at the same rate', () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 2, max: 20 }), ([hits, n], m) => {
        const [lo, hi] = wilsonInterval(hits, n);
        const [lo2, hi2] = wilsonInterval(hits * m, n * m);
        expect(hi2 - lo2).toBeLessThan(hi - lo);
      }),
    );
  });
});

describe('bands and hits', () => {
  it('bands by confidence: < 0.5 close call, 0.5–0.7 likely, ≥ 0.7 clear; said as the messages say it', () => {
    expect([0, 0.49, 0.5, 0.69, 0.7, 1].map(confidenceBand)).toEqual(['close call', 'close call', 'likely', 'likely', 'clear', 'clear']);
    expect(confidenceBandWords(0.62, 'A')).toBe('a likely win');
    expect(confidenceBandWords(0.9, 'B')).toBe('a clear win');
    expect(confidenceBandWords(0.3, 'B')).toBe('a close call');
    expect(confidenceBandWords(0.9, 'tie')).toBe('too close to call');
  });

  it('a tie verdict is a hit only against a real tie; a real tie is a miss for a named winner', () => {
    expect(isHit('tie', 'tie')).toBe(true);
    expect(isHit('tie', 'A')).toBe(false);
    expect(isHit('A', 'tie')).toBe(false);
    expect(isHit('B', 'B')).toBe(true);
  });
});

describe('calibrate', () => {
  it('counts per band, overall and for the click (only outcomes with a click result)', () => {
    const report = calibrate([
      sample('A', 0.8, 'A', { predicted: 'A', actual: 'B' }),
      sample('A', 0.75, 'B'),
      sample('B', 0.6, 'B', { predicted: 'B', actual: 'B' }),
      sample('tie', 0.3, 'tie'),
      sample('A', 0.2, 'tie'),
    ]);
    expect(report.outcomes).toBe(5);
    expect(report.bands.map((b) => [b.band, b.n, b.hits, b.rate])).toEqual([
      ['close call', 2, 1, 0.5],
      ['likely', 1, 1, 1],
      ['clear', 2, 1, 0.5],
    ]);
    expect(report.click.outcomes).toBe(2);
    expect(report.click.bands.map((b) => [b.band, b.n, b.hits])).toEqual([
      ['close call', 0, 0],
      ['likely', 1, 1],
      ['clear', 1, 0],
    ]);
    expect(report.click.bands[0]).toMatchObject({ rate: null, ci: [0, 1] });
    expect(report.target).toEqual({ band: 'clear', goal: 0.8, status: 'not yet known' });
  });

  it('the target: meets when the lower bound is above 80 %, misses when the upper is below, else not yet known', () => {
    const clear = (hits: number, n: number) => Array.from({ length: n }, (_, i) => sample('A', 0.9, i < hits ? 'A' : 'B'));
    expect(calibrate(clear(60, 60)).target.status).toBe('meets');
    expect(calibrate(clear(10, 30)).target.status).toBe('misses');
    expect(calibrate(clear(17, 20)).target.status).toBe('not yet known');
    // Below the minimum nothing is known, whatever the rate.
    expect(calibrate(clear(CALIBRATION_MIN_PER_BAND - 1, CALIBRATION_MIN_PER_BAND - 1)).target.status).toBe('not yet known');
    expect(calibrate(clear(0, CALIBRATION_MIN_PER_BAND)).target.status).toBe('misses');
    expect(targetStatus(undefined, 0.8)).toBe('not yet known');
  });

  it('no outcomes: every band empty, nothing known', () => {
    const report = calibrate([]);
    expect(report.outcomes).toBe(0);
    expect(report.bands.every((b) => b.n === 0 && b.rate === null)).toBe(true);
    expect(report.target.status).toBe('not yet known');
  });
});
