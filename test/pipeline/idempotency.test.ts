import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { runStages, runs } from '../../service/db/schema.ts';
import { enqueue } from '../../service/jobs/enqueue.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/** Every task is idempotent: a re-delivered job for a finished stage changes nothing. */

const PAIR = path.resolve(import.meta.dirname, '../../golden_tests/pairs/oat-milk-instore');
const pipeline = await startTestPipeline();
const db = pipeline.tdb.db;

describe('idempotent tasks', () => {
  test('re-running every task of a finished run leaves its rows untouched', async () => {
    const view = await pipeline.compareFolders(path.join(PAIR, 'A'), path.join(PAIR, 'B'));
    expect(view.status).toBe('succeeded');
    const before = await db.select().from(runStages).where(eq(runStages.runId, view.id));
    const [runBefore] = await db.select().from(runs).where(eq(runs.id, view.id));

    await enqueue(db, 'acquire_listings', { runId: view.id });
    for (const stage of ['ctr', 'pdp', 'text', 'avatars', 'verdict'] as const) await enqueue(db, 'run_stage', { runId: view.id, stage });
    for (let i = 0; i < 100; i++) {
      const left = await pipeline.tdb.sql`select 1 from graphile_worker.jobs where task_identifier in ('acquire_listings', 'run_stage')`;
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await db.select().from(runStages).where(eq(runStages.runId, view.id));
    const [runAfter] = await db.select().from(runs).where(eq(runs.id, view.id));
    const key = (rows: typeof before) => JSON.stringify([...rows].sort((a, b) => a.stage.localeCompare(b.stage)));
    expect(key(after)).toBe(key(before));
    expect(runAfter).toEqual(runBefore);
  });
});
