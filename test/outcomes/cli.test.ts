import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createOutcomeServices } from '../../service/app/outcomes/index.ts';
import { outcomes } from '../../service/db/schema.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { useTestDatabase } from '../db.ts';
import { runNode, type Ran } from '../support/processes.ts';
import { seedRun } from './seed.ts';

/** `listinglab outcome …` and `listinglab calibration [--json] [--all]` as a script runs them, on a test database. */

const root = path.resolve(import.meta.dirname, '../..');
const tdb = await useTestDatabase();
const db = tdb.db;

const cli = (args: string[]): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), ...args], { cwd: root, env: { DATABASE_URL: tdb.url, LOG_LEVEL: 'warn' } });

const CLI: WorkspaceRef = { platform: 'cli', externalId: 'local' };
const SLACK: WorkspaceRef = { platform: 'slack', externalId: 'T_SOMEONE' };
const mine = await seedRun(db, CLI, { verdict: { winner: 'A', clickWinner: 'B', confidence: 0.74 } });
const theirs = await seedRun(db, SLACK, { verdict: { winner: 'B', confidence: 0.4 } });

interface Doc {
  outcomes: number;
  bands: { band: string; n: number; hits: number; rate: number | null; ci: [number, number] }[];
  click: { outcomes: number; bands: { band: string; n: number; hits: number; rate: number | null; ci: [number, number] }[] };
  target: { band: string; goal: number; status: string };
}

describe('listinglab outcome', () => {
  test('a bad side, a missing result, an unknown job or another workspace\'s run exit 2 and write nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['outcome', mine.slice(0, 8), 'C'], /The real result is A \(the first listing won\), B \(the second won\) or tie/],
      [['outcome', mine.slice(0, 8), 'A', '--click', 'yes'], /The click result is A .* e\.g\. --click A\. Got "yes"/],
      [['outcome', mine.slice(0, 8)], /outcome needs the real result after the job id.*\n?.*listinglab outcome <job> A\|B\|tie \[--click A\|B\|tie\] \[--note "…"\]/],
      [['outcome', 'ffffffff', 'A'], /No run ffffffff in this workspace/],
      [['outcome', theirs.slice(0, 8), 'A'], /No run [0-9a-f]{8} in this workspace/],
      [['outcome', mine.slice(0, 8), 'A', 'extra words'], /give a note with --note/],
    ];
    for (const [args, words] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(words);
      expect(r.stderr).not.toContain('/listing');
      expect(r.stdout).toBe('');
    }
    expect(await db.select().from(outcomes)).toEqual([]);
  }, 120_000);

  test('records the real result for the CLI workspace; again replaces it', async () => {
    const first = await cli(['outcome', mine.slice(0, 8), 'b', '--click', 'B', '--note', 'two-week test']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Recorded: B really won\. ListingLab said A would win \(a clear win, 74%\) — a miss\.\nThe click: B really won it; ListingLab said B would — a hit\.\nNote: two-week test\n/);
    expect(first.stdout).toContain('listinglab calibration shows how often verdicts are right');
    const again = await cli(['outcome', mine, 'A']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/— a hit\./);
    expect(again.stdout).toContain('This replaces the earlier answer (B won, the click won by B, note “two-week test”;');
    expect(await db.select({ result: outcomes.result, clickResult: outcomes.clickResult, recordedBy: outcomes.recordedBy }).from(outcomes)).toEqual([{ result: 'A', clickResult: null, recordedBy: 'terminal' }]);
  }, 60_000);
});

describe('listinglab calibration', () => {
  test('--json: the documented shape, the CLI workspace by default, every workspace with --all', async () => {
    // Another workspace's outcome, recorded there: counted only with --all.
    await createOutcomeServices({ db }).record(SLACK, { job: theirs, result: 'A', clickResult: 'A', recordedBy: 'U1' });

    const r = await cli(['calibration', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(Object.keys(doc)).toEqual(['outcomes', 'bands', 'click', 'target']);
    expect(doc.outcomes).toBe(1);
    expect(doc.bands.map((b) => b.band)).toEqual(['close call', 'likely', 'clear']);
    expect(doc.bands[2]).toEqual({ band: 'clear', n: 1, hits: 1, rate: 1, ci: [expect.any(Number), 1] });
    expect(doc.bands[0]).toEqual({ band: 'close call', n: 0, hits: 0, rate: null, ci: [0, 1] });
    expect(doc.click).toEqual({ outcomes: 0, bands: expect.any(Array) });
    expect(doc.target).toEqual({ band: 'clear', goal: 0.8, status: 'not yet known' });

    const all = JSON.parse((await cli(['calibration', '--json', '--all'])).stdout) as Doc;
    expect(all.outcomes).toBe(2);
    expect(all.bands[0]).toMatchObject({ band: 'close call', n: 1, hits: 0, rate: 0 });
    expect(all.click.outcomes).toBe(1);

    const text = await cli(['calibration']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Calibration: 1 real result recorded on this machine\.\nThe winner, by how sure the verdict was:\n {2}close call \(below 50%\): 0 outcomes/);
    expect(text.stdout).toContain('The click: no outcome says who won the click yet (add --click A|B|tie to an outcome).');
    expect((await cli(['calibration', 'everything'])).code).toBe(2);
    expect((await cli(['calibration', '--bogus'])).code).toBe(2);
  }, 120_000);
});
