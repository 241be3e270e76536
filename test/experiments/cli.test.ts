import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import type { ExperimentView, RerunView } from '../../service/app/views/index.ts';
import { createExperimentServices } from '../../service/app/experiments/index.ts';
import { importListingFolder } from '../../service/app/comparisons/index.ts';
import { experimentRuns, experiments, runs } from '../../service/db/schema.ts';
import { parseExperimentArgs, runExperimentCommand } from '../../service/main/experiment-cli.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { runNode } from '../support/processes.ts';

/**
 * Issue 8 from the command line: save → rerun with tags → show gives per-stage deltas against the
 * baseline; pin and list; the history outlives its runs. Listing folders from golden_tests, the
 * real pipeline and worker on a test database, no model keys (the offline rules engine).
 */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const tmp = await mkdtemp(path.join(os.tmpdir(), 'listinglab-experiments-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

// B of duffel-compliance with its promotional, 230-character title fixed: what a seller changes.
const fixedB = path.join(tmp, 'duffel-B-fixed-title');
await cp(path.join(pairs, 'duffel-compliance/B'), fixedB, { recursive: true });
const listing = JSON.parse(await readFile(path.join(fixedB, 'listing.json'), 'utf8')) as Record<string, unknown>;
await writeFile(path.join(fixedB, 'listing.json'), JSON.stringify({ ...listing, title: 'Gym Duffel Bag with Shoe Compartment and Wet Pocket, 40 L, Black' }));

const pipeline = await startTestPipeline();
const db = pipeline.tdb.db;
const services = createExperimentServices(await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const parsed = parseExperimentArgs(args);
  if (!parsed.ok) return { code: 2, out: '', err: parsed.error };
  if (parsed.command === 'help') return { code: 0, out: 'help', err: '' };
  let out = '';
  let err = '';
  const code = await runExperimentCommand(parsed.command, {
    services,
    importFolder: (dir) => importListingFolder(db, dir),
    waitForRun: (id) => pipeline.waitForRun(id),
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

const stageOf = (r: RerunView, stage: string) => r.deltas!.stages.find((s) => s.stage === stage)!;

let baselineRun = '';
let experimentId = '';
let rerunRun = '';
let before: ExperimentView;

describe('listinglab experiment: save → rerun with tags → show', () => {
  test('save keeps a finished run as the baseline, with a name and notes', async () => {
    const baseline = await pipeline.compareFolders(path.join(pairs, 'duffel-compliance/A'), path.join(pairs, 'duffel-compliance/B'));
    expect(baseline.status).toBe('succeeded');
    baselineRun = baseline.id;
    const saved = await cli('save', baseline.shortId, 'B', 'title', 'fix', '--notes', 'shortened the promotional title');
    expect(saved, saved.err).toMatchObject({ code: 0 });
    expect(saved.out).toContain(`Saved run ${baseline.shortId} as the baseline of experiment`);
    expect(saved.out).toContain('Notes: shortened the promotional title');
    const [exp] = await db.select().from(experiments);
    experimentId = exp!.id;
    expect(exp).toMatchObject({ name: 'B title fix', baselineRunId: baseline.id, pinned: false });
    expect((exp!.baselineSnapshot as { scores: { score: unknown } }).scores.score).toEqual(baseline.verdict!.score);

    // Saving the same run again (a double click) gives the same experiment, not a second one.
    const again = await cli('save', baseline.id, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ existing: true, experiment: { id: experimentId } });
    expect(await db.select().from(experiments)).toHaveLength(1);
  });

  test('rerun <id> <tags> --b <folder>: a fresh run linked to the experiment, with per-stage deltas against the baseline', async () => {
    const r = await cli('rerun', experimentId.slice(0, 8), 'title', '--b', fixedB, '--json');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as { job: string; status: string; rerun: RerunView };
    rerunRun = doc.job;
    expect(doc.status).toBe('succeeded');
    expect(doc.rerun.tags).toEqual(['title']);
    const [run] = await db.select().from(runs).where(eq(runs.id, doc.job));
    expect(run?.fresh).toBe(true);
    const [link] = await db.select().from(experimentRuns).where(eq(experimentRuns.runId, doc.job));
    expect(link).toMatchObject({ experimentId, tags: ['title'] });
    expect(link?.snapshot).not.toBeNull();

    // Only B's title changed: the text stage moved for B, the images' stages did not move at all.
    expect(stageOf(doc.rerun, 'ctr').delta).toEqual({ A: 0, B: 0 });
    expect(stageOf(doc.rerun, 'pdp').delta).toEqual({ A: 0, B: 0 });
    expect(stageOf(doc.rerun, 'text').delta!.A).toBe(0);
    expect(stageOf(doc.rerun, 'text').delta!.B).toBeGreaterThan(0);
    expect(doc.rerun.deltas!.overall.delta.B).toBeGreaterThan(0);
    expect(doc.rerun.deltas!.movedMost).toMatchObject({ stage: 'text', listing: 'B' });
    expect(doc.rerun.deltas!.fixes.resolved.some((f) => f.listing === 'B' && f.stage === 'text')).toBe(true);
  });

  test('show prints the baseline and the per-stage deltas; --json is the same experiment as data', async () => {
    const text = await cli('show', experimentId.slice(0, 8));
    expect(text.code).toBe(0);
    expect(text.out).toContain(`Baseline: run ${baselineRun.slice(0, 8)} — `);
    expect(text.out).toContain(`Re-run ${rerunRun.slice(0, 8)} (`);
    expect(text.out).toContain('changed: title');
    expect(text.out).toMatch(/Click \(main image\): A \d+\.\d → \d+\.\d \(±0\.0\) · B \d+\.\d → \d+\.\d \(±0\.0\)/);
    expect(text.out).toMatch(/Copy \(title, bullets, description\): A [\d.]+ → [\d.]+ \(±0\.0\) · B [\d.]+ → [\d.]+ \(\+\d+\.\d\)/);
    expect(text.out).toContain('Moved most: Copy (title, bullets, description), B +');
    expect(text.out).toMatch(/Fixes resolved \(\d+\): B: /);
    before = JSON.parse((await cli('show', experimentId, '--json')).out) as ExperimentView;
    expect(before.reruns).toHaveLength(1);
  });
});

describe('pin, unpin and list', () => {
  test('list is pinned first, then the most recent', async () => {
    const other = await pipeline.compareFolders(path.join(pairs, 'bulb-lowres-caps/A'), path.join(pairs, 'bulb-lowres-caps/B'));
    const saved = JSON.parse((await cli('save', other.shortId, '--json')).out) as { experiment: ExperimentView };
    const ids = async () => (JSON.parse((await cli('list', '--json')).out) as ExperimentView[]).map((e) => e.id);
    expect(await ids()).toEqual([saved.experiment.id, experimentId]);
    expect((await cli('pin', experimentId.slice(0, 8))).out).toMatch(/^Pinned experiment/);
    expect(await ids()).toEqual([experimentId, saved.experiment.id]);
    expect((await cli('list')).out.split('\n')[0]).toMatch(new RegExp(`^📌 ${experimentId.slice(0, 8)} B title fix`));
    await cli('unpin', experimentId.slice(0, 8));
    expect(await ids()).toEqual([saved.experiment.id, experimentId]);
  });

  test('bad usage exits 2 before anything runs; unknown ids exit 1', async () => {
    for (const args of [['rerun', experimentId], ['rerun', experimentId, 'colour'], ['list', 'x'], ['show'], ['pin', 'zz'], ['show', experimentId, '--a', fixedB], ['frobnicate']]) {
      expect((await cli(...args)).code, args.join(' ')).toBe(2);
    }
    const missing = await cli('show', '0123abcd');
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/No experiment `0123abcd`/);
  });
});

describe('retention', () => {
  test('deleting the runs keeps the experiment, its snapshots and deltas; it can still be re-run', async () => {
    await db.delete(runs).where(inArray(runs.id, [baselineRun, rerunRun]));
    const after = JSON.parse((await cli('show', experimentId, '--json')).out) as ExperimentView;
    expect(after.baseline).toEqual(before.baseline);
    expect(after.reruns[0]!.runId).toBeNull();
    expect(after.reruns[0]!.shortId).toBe(rerunRun.slice(0, 8));
    expect(after.reruns[0]!.deltas).toEqual(before.reruns[0]!.deltas);
    expect((await cli('show', experimentId)).out).toContain('Copy (title, bullets, description): A');

    // The pair is kept on the experiment: a re-run needs no old run.
    const again = await cli('rerun', experimentId, 'other', '--json');
    expect(again.code, again.err).toBe(0);
    const doc = JSON.parse(again.out) as { rerun: RerunView };
    // The same listings as the baseline: nothing moved.
    expect(doc.rerun.deltas!.overall.delta).toEqual({ A: 0, B: 0 });
  });
});

describe('the real entry point (runExperimentCli in its own process)', () => {
  const script = "const m = await import(process.argv[1]); process.exitCode = await m.runExperimentCli(process.argv.slice(2));";
  const run = (args: string[]) =>
    runNode(['--input-type=module', '-e', script, path.join(root, 'service/main/experiment-cli.ts'), ...args], { cwd: root, env: { DATABASE_URL: pipeline.tdb.url, LOG_LEVEL: 'warn' } });

  test('show --json and rerun with a folder through the CLI entry; bad usage exits 2', async () => {
    const shown = await run(['show', experimentId.slice(0, 8), '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as ExperimentView).id).toBe(experimentId);
    const rerun = await run(['rerun', experimentId.slice(0, 8), 'title', 'bullets', '--b', fixedB]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/changed: title, bullets/);
    expect(rerun.stdout).toMatch(/Copy \(title, bullets, description\): A [\d.]+ → [\d.]+ \(±0\.0\) · B [\d.]+ → [\d.]+ \(\+/);
    expect(rerun.stderr).toMatch(/Re-running experiment/);
    const bad = await run(['rerun', experimentId.slice(0, 8)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/at least one tag/);
  }, 120_000);
});
