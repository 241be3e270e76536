import { eq, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { runImages, runs, runStages } from '../../service/db/schema.ts';
import { useTestDatabase } from '../db.ts';
import { seedWorkspace } from './seed.ts';

/**
 * run_images is what retention asks "does a young run or a pinned experiment still use this
 * image?" of, so it must hold exactly the images a run names: every 64-hex `sha256` (a key, or a
 * `sha256:<hex>` string) in its inputs and in its acquire / draft_acquire output, and nothing from
 * other stages.
 */
const tdb = await useTestDatabase();
const { db } = tdb;
const hex = (c: string) => c.repeat(64);
const imagesOf = async (runId: string) =>
  (await db.select({ sha256: runImages.sha256 }).from(runImages).where(eq(runImages.runId, runId))).map((r) => r.sha256).sort();

describe('the run_images trigger', () => {
  test("records the run's input images and its acquisition's, nothing else; a run's delete takes them along", async () => {
    const workspaceId = await seedWorkspace(db);
    const [run] = await db
      .insert(runs)
      .values({
        workspaceId,
        kind: 'draft',
        inputs: { photos: [{ sha256: hex('a'), name: 'front.jpg' }, { sha256: 'not-a-hash' }], notes: { sha256: hex('A') } },
      })
      .returning({ id: runs.id });
    const runId = run!.id;
    expect(await imagesOf(runId)).toEqual([hex('a')]);

    await db.insert(runStages).values([
      { runId, stage: 'draft_acquire', status: 'succeeded', output: { photos: [{ sha256: hex('b'), derivatives: { thumb: { sha256: hex('c') } } }] } },
      { runId, stage: 'draft_analyze', status: 'succeeded', output: { reused: { sha256: hex('d') } } },
      { runId, stage: 'draft_write', status: 'pending' },
    ]);
    expect(await imagesOf(runId)).toEqual([hex('a'), hex('b'), hex('c')]);

    // An output written later (the stage completes) is recorded too; a repeated name once.
    await db.update(runStages).set({ output: { photos: [{ sha256: hex('b') }, { sha256: hex('e') }] } }).where(sql`${runStages.runId} = ${runId} and ${runStages.stage} = 'draft_acquire'`);
    expect(await imagesOf(runId)).toEqual([hex('a'), hex('b'), hex('c'), hex('e')]);

    const [compare] = await db.insert(runs).values({ workspaceId, kind: 'compare', inputs: { a: { kind: 'asin', asin: 'B0RUNIMG01' }, b: { kind: 'asin', asin: 'B0RUNIMG02' } } }).returning({ id: runs.id });
    await db.insert(runStages).values([
      { runId: compare!.id, stage: 'acquire', status: 'succeeded', output: { A: { images: [{ sha256: hex('1') }] }, B: { images: [{ sha256: hex('2') }, { sha256: hex('1') }] } } },
      { runId: compare!.id, stage: 'ctr', status: 'succeeded', output: { evidence: { sha256: hex('3') } } },
    ]);
    expect(await imagesOf(compare!.id)).toEqual([hex('1'), hex('2')]);

    // A manual listing names its uploaded images as `sha256:<hex>` strings, before any acquisition.
    const [manual] = await db
      .insert(runs)
      .values({ workspaceId, kind: 'compare', inputs: { a: { kind: 'manual', listing: { title: 'T', images: [`sha256:${hex('f')}`, 'https://example.com/x.jpg', 'sha256:short'] } }, b: { kind: 'asin', asin: 'B0RUNIMG03' } } })
      .returning({ id: runs.id });
    expect(await imagesOf(manual!.id)).toEqual([hex('f')]);

    await db.delete(runs).where(eq(runs.id, runId));
    expect(await imagesOf(runId)).toEqual([]);
    expect(await imagesOf(compare!.id)).toEqual([hex('1'), hex('2')]);
  });
});
