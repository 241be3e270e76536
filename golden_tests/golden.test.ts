import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunView } from '../service/app/views/index.ts';
import { Effort, PARALLEL_STAGES, type Evidence } from '../service/domain/stage-outputs.ts';
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
    checkActionable(view);
  });

  // Issue 19: the seller who swaps the listings gets the mirrored verdict. The rules engine runs
  // once per stage (it is symmetric; no model is asked in two orders, so no `orders` are stored).
  test.each(pairs)('%s, the listings swapped', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(PAIRS, name, 'expected.json'), 'utf8')) as GoldenExpectation;
    const view = await pipeline.compareFolders(path.join(PAIRS, name, 'B'), path.join(PAIRS, name, 'A'));
    expect(view.status).toBe('succeeded');
    const verdict = view.verdict!;
    expect(verdict.winner).toBe(mirror(expected.winner));
    if (expected.clickWinner) expect(verdict.clickWinner).toBe(mirror(expected.clickWinner));
    expect(Math.abs(verdict.score.B - expected.score.A)).toBeLessThanOrEqual(expected.tolerance);
    expect(Math.abs(verdict.score.A - expected.score.B)).toBeLessThanOrEqual(expected.tolerance);
    const forward = await pipeline.compareFolders(path.join(PAIRS, name, 'A'), path.join(PAIRS, name, 'B'));
    expect(verdict.score).toEqual({ A: forward.verdict!.score.B, B: forward.verdict!.score.A });
    for (const [stage, s] of Object.entries(forward.verdict!.stages)) {
      expect(verdict.stages[stage], stage).toEqual({ A: s.B, B: s.A, winner: mirror(s.winner), weight: s.weight });
    }
    expect(view.stages.map((s) => s.orders)).toEqual(view.stages.map(() => null));
  });
});

const mirror = (w: 'A' | 'B' | 'tie') => (w === 'A' ? 'B' : w === 'B' ? 'A' : w);

type StageOut = { summary: string; listings: Record<'A' | 'B', { evidence: Evidence[] }> };

/** Words a person reads must not carry internal codes, rule-set ids or plural hacks. */
const INTERNAL = [/\(s\)/, /amazon-20/i, /in force/i, /\b[AB]\.[a-z_]+\./];

/** Issue 18: every fix a seller sees carries its numbers, its effort and a real projected effect. */
function checkActionable(view: RunView): void {
  const verdict = view.verdict!;
  const outputs = PARALLEL_STAGES.map((name) => view.stages.find((s) => s.name === name)?.output as StageOut);
  const evidence = new Map(outputs.flatMap((o) => [...o.listings.A.evidence, ...o.listings.B.evidence]).map((e) => [e.id, e]));
  expect(verdict.fixes.length).toBeGreaterThan(0);
  for (const f of verdict.fixes) {
    const where = `${f.listing} fix "${f.action}"`;
    expect(f.current, where).toMatch(/\S/);
    expect(f.target, where).toMatch(/\S/);
    expect(Effort.options, where).toContain(f.effort);
    // Every rules-engine finding with a fix is re-scored as if fixed; the verdict moves with it.
    expect(f.evidence.every((id) => evidence.get(id)?.scoreIfFixed !== null), where).toBe(true);
    expect(f.effect.points, where).toBeGreaterThan(0);
    for (const text of [f.action, f.observation]) for (const bad of INTERNAL) expect(text, where).not.toMatch(bad);
  }
  for (const side of ['A', 'B'] as const) {
    const mine = verdict.fixes.filter((f) => f.listing === side);
    const firstOther = mine.findIndex((f) => !f.compliance);
    if (firstOther >= 0) expect(mine.slice(firstOther).some((f) => f.compliance), `${side}: compliance fixes come first`).toBe(false);
  }
  for (const o of outputs) {
    for (const bad of INTERNAL) expect(o.summary).not.toMatch(bad);
    for (const e of [...o.listings.A.evidence, ...o.listings.B.evidence]) {
      for (const bad of INTERNAL) expect(`${e.observation} ${e.fix ?? ''}`, e.id).not.toMatch(bad);
      // Text or a badge on the main image is never a plus.
      if (/\.main\.(promo_badge|text_present)$/.test(e.id)) expect(e.effect, e.id).not.toBe('positive');
      if (e.effect === 'negative' && e.fix !== null) {
        expect([e.dimension, e.current, e.target, e.effort, e.compliance, e.scoreIfFixed], e.id).not.toContain(null);
      }
    }
  }
}
