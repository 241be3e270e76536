import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { startTestPipeline } from '../test/support/pipeline.ts';

/**
 * Golden tests: frozen listing pairs (real photos, written texts) with reviewed outcomes. Offline
 * they gate every change to the rules engine, stage scoring and verdict weights: the winner must
 * not move and scores must stay within tolerance. `node golden_tests/run.ts --live` checks the
 * same expectations against the configured model providers.
 */

export interface GoldenExpectation {
  readonly winner: 'A' | 'B' | 'tie';
  readonly clickWinner?: 'A' | 'B' | 'tie';
  readonly score: { readonly A: number; readonly B: number };
  readonly tolerance: number;
  /** Words the fixes for a listing must mention (case-insensitive), e.g. the defects it has. */
  readonly fixesMention?: { readonly A?: readonly string[]; readonly B?: readonly string[] };
}

const PAIRS = path.resolve(import.meta.dirname, 'pairs');
const pairs = readdirSync(PAIRS).sort();
const pipeline = await startTestPipeline();

describe('golden pairs (offline rules engine)', () => {
  test('there are at least five pairs', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(5);
  });

  test.each(pairs)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(PAIRS, name, 'expected.json'), 'utf8')) as GoldenExpectation;
    const view = await pipeline.compareFolders(path.join(PAIRS, name, 'A'), path.join(PAIRS, name, 'B'));
    expect(view.status).toBe('succeeded');
    const verdict = view.verdict!;
    expect(verdict.winner).toBe(expected.winner);
    if (expected.clickWinner) expect(verdict.clickWinner).toBe(expected.clickWinner);
    expect(Math.abs(verdict.score.A - expected.score.A)).toBeLessThanOrEqual(expected.tolerance);
    expect(Math.abs(verdict.score.B - expected.score.B)).toBeLessThanOrEqual(expected.tolerance);
    expect(verdict.rulesOnly).toBe(true);
    for (const side of ['A', 'B'] as const) {
      const text = verdict.fixes.filter((f) => f.listing === side).map((f) => f.action.toLowerCase()).join('\n');
      for (const word of expected.fixesMention?.[side] ?? []) expect(text, `fixes for ${side} mention "${word}"`).toContain(word.toLowerCase());
    }
  });
});
