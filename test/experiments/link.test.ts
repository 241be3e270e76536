import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { createExperimentServices } from '../../service/app/experiments/index.ts';
import { importListingFolder, startComparison } from '../../service/app/comparisons/index.ts';
import { creditLedger, experimentRuns, runs, runStages, workspaces } from '../../service/db/schema.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * A re-run is linked to its experiment in the transaction that creates the run: a refusal
 * (another workspace's experiment, not enough credits) leaves neither a run, a link nor a
 * reservation behind. Callers that pass no experiment are unchanged.
 */

const pairs = path.resolve(import.meta.dirname, '../../golden_tests/pairs');
const pipeline = await startTestPipeline();
const db = pipeline.tdb.db;
const deps = await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false });
const ex = createExperimentServices(deps);
const OWNER: WorkspaceRef = { platform: 'slack', externalId: 'T_LINK_OWNER' };
const OTHER: WorkspaceRef = { platform: 'slack', externalId: 'T_LINK_OTHER' };

const counts = async () => ({
  runs: (await db.select({ id: runs.id }).from(runs)).length,
  links: (await db.select({ id: experimentRuns.id }).from(experimentRuns)).length,
  ledger: (await db.select({ id: creditLedger.id }).from(creditLedger)).length,
});

async function ownerExperiment(): Promise<string> {
  const a = await importListingFolder(db, path.join(pairs, 'vitamin-gallery/A'));
  const b = await importListingFolder(db, path.join(pairs, 'vitamin-gallery/B'));
  const started = await pipeline.compare(a, b, { workspace: OWNER, fresh: true });
  await pipeline.waitForRun(started.run.id);
  return (await ex.save(OWNER, { job: started.run.id })).experiment.id;
}

describe('startComparison with an experiment link', () => {
  test("another workspace's experiment: not_found, and nothing is created or reserved", async () => {
    const experimentId = await ownerExperiment();
    await ex.list(OTHER); // the other workspace exists, with its free credits
    const before = await counts();
    const a = await importListingFolder(db, path.join(pairs, 'oat-milk-instore/A'));
    const b = await importListingFolder(db, path.join(pairs, 'oat-milk-instore/B'));
    await expect(startComparison(deps, { workspace: OTHER, a, b, fresh: true, experiment: { id: experimentId, tags: ['title'] } })).rejects.toMatchObject({ code: 'not_found' });
    expect(await counts()).toEqual(before);
  });

  test('a re-run the workspace cannot pay for: no run and no link', async () => {
    const experimentId = await ownerExperiment();
    await db.update(workspaces).set({ balance: 5 }).where(eq(workspaces.externalId, OWNER.externalId));
    const before = await counts();
    await expect(ex.rerun(OWNER, experimentId, { tags: ['title'] })).rejects.toMatchObject({ code: 'insufficient_credits' });
    expect(await counts()).toEqual(before);
    await db.update(workspaces).set({ balance: 100 }).where(eq(workspaces.externalId, OWNER.externalId));
    const { started } = await ex.rerun(OWNER, experimentId, { tags: ['title'] });
    const [link] = await db.select().from(experimentRuns).where(eq(experimentRuns.runId, started.run.id));
    expect(link).toMatchObject({ experimentId, tags: ['title'] });
    expect(link?.snapshot).toBeNull(); // until the run ends
    await pipeline.waitForRun(started.run.id);
    const [done] = await db.select().from(experimentRuns).where(eq(experimentRuns.runId, started.run.id));
    expect(done?.snapshot).toMatchObject({ v: 1, runId: started.run.id, status: 'succeeded' });
  });

  test('a run without a verdict cannot be saved; a redelivered re-run request makes one run', async () => {
    const experimentId = await ownerExperiment();
    const first = await ex.rerun(OWNER, experimentId, { tags: ['other'], requestKey: 'same-request' });
    const second = await ex.rerun(OWNER, experimentId, { tags: ['other'], requestKey: 'same-request' });
    expect(second.started).toMatchObject({ kind: 'existing', reason: 'same_request' });
    expect(second.started.run.id).toBe(first.started.run.id);
    expect(await db.select().from(experimentRuns).where(eq(experimentRuns.runId, first.started.run.id))).toHaveLength(1);
    // The in-process worker may finish the re-run at any moment, so the run is given no verdict
    // (its verdict stage back to pending) rather than raced.
    await pipeline.waitForRun(first.started.run.id);
    await db.update(runStages).set({ status: 'pending', output: null }).where(and(eq(runStages.runId, first.started.run.id), eq(runStages.stage, 'verdict')));
    await expect(ex.save(OWNER, { job: first.started.run.id })).rejects.toMatchObject({ code: 'bad_command' });
  });
});
