import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { calibrationText } from '../bots/shared/dispatch-outcome.ts';
import { outcomes } from '../service/db/schema.ts';
import { calibrate, CONFIDENCE_BANDS, type OutcomeSample } from '../service/domain/calibration.ts';
import { startTestPipeline } from '../test/support/pipeline.ts';
import type { GoldenExpectation } from './golden.test.ts';

/**
 * The calibration table for the golden pairs: each pair's reviewed winner (expected.json, and its
 * clickWinner when it has one) taken as the real outcome of the offline verdict. Computed in
 * memory with the same pure calibration as users' outcomes and printed with the same words; never
 * written to the outcomes table, so it stays apart from what workspaces record.
 */

const PAIRS = path.resolve(import.meta.dirname, 'pairs');
const pairs = readdirSync(PAIRS).sort();
const pipeline = await startTestPipeline();

describe('calibration of the offline verdict against the golden pairs', () => {
  test('every pair is an outcome; the table is printed; nothing reaches the workspace tables', async () => {
    const samples: OutcomeSample[] = [];
    for (const name of pairs) {
      const expected = JSON.parse(readFileSync(path.join(PAIRS, name, 'expected.json'), 'utf8')) as GoldenExpectation;
      const view = await pipeline.compareFolders(path.join(PAIRS, name, 'A'), path.join(PAIRS, name, 'B'));
      const verdict = view.verdict;
      expect(verdict, name).toBeDefined();
      samples.push({
        verdict: { winner: verdict!.winner, clickWinner: verdict!.clickWinner, confidence: verdict!.confidence },
        result: expected.winner,
        clickResult: expected.clickWinner ?? null,
      });
    }
    const report = calibrate(samples);
    console.log(`\n${calibrationText(report, 'from the golden pairs (reviewed winners, offline verdicts)')}\n`);

    expect(report.outcomes).toBe(pairs.length);
    expect(report.bands.map((b) => b.band)).toEqual([...CONFIDENCE_BANDS]);
    expect(report.bands.reduce((n, b) => n + b.n, 0)).toBe(pairs.length);
    // golden.test.ts holds every offline winner to the reviewed one: here that is a hit in every band.
    for (const b of report.bands) expect(b.hits, b.band).toBe(b.n);
    expect(report.click.outcomes).toBe(samples.filter((s) => s.clickResult !== null).length);
    expect(await pipeline.tdb.db.select().from(outcomes)).toEqual([]);
  }, 240_000);
});
