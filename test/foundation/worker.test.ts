import { afterAll, describe, expect, test } from 'vitest';
import { listingCache } from '../../service/db/schema.ts';
import { enqueue } from '../../service/jobs/enqueue.ts';
import { makeSweepExpired } from '../../service/jobs/tasks/sweep-expired.ts';
import { startWorker } from '../../service/jobs/worker.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';

const tdb = await useTestDatabase();
const { logger } = memoryLogger();

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the job runner', () => {
  const clock = { now: () => Date.parse('2026-11-22T12:00:00Z') };
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  afterAll(async () => worker?.stop());

  test('runs sweep_expired from the queue and leaves no job behind', async () => {
    await tdb.db.insert(listingCache).values([
      { asin: 'B00EXPIRED', listing: {}, source: 'apify', expiresAt: new Date('2026-11-21T00:00:00Z') },
      { asin: 'B00STILLOK', listing: {}, source: 'apify', expiresAt: new Date('2026-11-23T00:00:00Z') },
    ]);
    await enqueue(tdb.db, 'sweep_expired', {});
    worker = await startWorker({
      connectionString: tdb.url,
      logger,
      schedule: false,
      pollInterval: 100,
      handlers: {
        sweep_expired: makeSweepExpired({ db: tdb.db, clock, logger }),
        // Not enqueued in this file: failing loudly if they ever ran.
        acquire_listings: () => Promise.reject(new Error('unexpected acquire_listings job')),
        run_stage: () => Promise.reject(new Error('unexpected run_stage job')),
        draft_stage: () => Promise.reject(new Error('unexpected draft_stage job')),
        deliver_run: () => Promise.reject(new Error('unexpected deliver_run job')),
        reclaim_stale_runs: () => Promise.reject(new Error('unexpected reclaim_stale_runs job')),
        notify_workspace: () => Promise.reject(new Error('unexpected notify_workspace job')),
      },
    });
    await waitFor(async () => (await tdb.sql`select 1 from graphile_worker.jobs`).length === 0);
    const left = await tdb.db.select({ asin: listingCache.asin }).from(listingCache);
    expect(left.map((r) => r.asin)).toEqual(['B00STILLOK']);
  });

  test('an invalid payload is dropped, not retried forever', async () => {
    await tdb.sql`select graphile_worker.add_job('sweep_expired', '"not an object"'::json)`;
    await waitFor(async () => (await tdb.sql`select 1 from graphile_worker.jobs`).length === 0);
  });
});
