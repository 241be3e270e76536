import { eq, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationStatus, MIGRATIONS_DIR } from '../../service/db/migrate.ts';
import { imageBlobs, listingCache, visionCache, workspaces } from '../../service/db/schema.ts';
import { sweepExpired } from '../../service/db/retention.ts';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { enqueue } from '../../service/jobs/enqueue.ts';
import { useTestDatabase } from '../db.ts';

const tdb = await useTestDatabase();
const { db } = tdb;

async function jobCount(identifier: string): Promise<number> {
  const rows = await tdb.sql<{ n: number }[]>`
    select count(*)::int as n from graphile_worker.jobs where task_identifier = ${identifier}`;
  return rows[0]?.n ?? 0;
}

describe('schema and migrations', () => {
  test('every migration is applied and graphile-worker has its schema', async () => {
    const status = await migrationStatus(tdb.sql);
    expect(status.applied).toBe(status.expected);
    expect(status.expected).toBeGreaterThan(0);
    const rows = await tdb.sql`select 1 from graphile_worker.migrations limit 1`;
    expect(rows.length).toBe(1);
  });

  test("0006 removes the per-run delivery queues no job uses, and nothing else", async () => {
    // How deliveries were serialised before: a job in the queue `deliver:<run>` (its row stays).
    await enqueue(db, 'deliver_run', { runId: '00000000-0000-4000-8000-000000000001' }, { queueName: 'deliver:old-run', runAt: new Date(Date.now() + 3_600_000) });
    await tdb.sql`delete from graphile_worker._private_jobs`;
    await enqueue(db, 'deliver_run', { runId: '00000000-0000-4000-8000-000000000002' }, { queueName: 'deliver:pending-run', runAt: new Date(Date.now() + 3_600_000) });
    await enqueue(db, 'sweep_expired', {}, { queueName: 'someone-elses', runAt: new Date(Date.now() + 3_600_000) });
    await tdb.sql`delete from graphile_worker._private_jobs where task_id = (select id from graphile_worker._private_tasks where identifier = 'sweep_expired')`;
    const queues = async () => (await tdb.sql<{ queue_name: string }[]>`select queue_name from graphile_worker._private_job_queues order by queue_name`).map((r) => r.queue_name);
    expect(await queues()).toEqual(['deliver:old-run', 'deliver:pending-run', 'someone-elses']);
    await tdb.sql.unsafe(await readFile(path.join(MIGRATIONS_DIR, '0006_drop_per_run_delivery_queues.sql'), 'utf8'));
    expect(await queues()).toEqual(['deliver:pending-run', 'someone-elses']);
    expect(await jobCount('deliver_run')).toBe(1);
  });

  test('a workspace balance can never go negative (CHECK constraint)', async () => {
    const [ws] = await db.insert(workspaces).values({ platform: 'slack', externalId: 'T-check', balance: 5 }).returning();
    await expect(db.update(workspaces).set({ balance: sql`${workspaces.balance} - 10` }).where(eq(workspaces.id, ws!.id))).rejects.toMatchObject({
      cause: { code: '23514', constraint_name: 'workspaces_balance_non_negative' },
    });
    const [after] = await db.select().from(workspaces).where(eq(workspaces.id, ws!.id));
    expect(after?.balance).toBe(5);
  });

  test('one workspace per platform + external id', async () => {
    await db.insert(workspaces).values({ platform: 'discord', externalId: 'G-1' });
    await expect(db.insert(workspaces).values({ platform: 'discord', externalId: 'G-1' })).rejects.toThrow();
    await db.insert(workspaces).values({ platform: 'slack', externalId: 'G-1' });
  });
});

describe('enqueue inside the caller transaction', () => {
  test('a committed transaction leaves the job', async () => {
    const before = await jobCount('sweep_expired');
    await db.transaction(async (tx) => {
      await enqueue(tx, 'sweep_expired', {});
    });
    expect(await jobCount('sweep_expired')).toBe(before + 1);
  });

  test('a rolled-back transaction leaves no job and no row', async () => {
    const before = await jobCount('sweep_expired');
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(workspaces).values({ platform: 'slack', externalId: 'T-rollback' });
        await enqueue(tx, 'sweep_expired', {});
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await jobCount('sweep_expired')).toBe(before);
    expect(await db.select().from(workspaces).where(eq(workspaces.externalId, 'T-rollback'))).toEqual([]);
  });

  test('job_key debounces: two enqueues with one key are one job', async () => {
    await enqueue(db, 'sweep_expired', {}, { jobKey: 'debounce-1' });
    await enqueue(db, 'sweep_expired', {}, { jobKey: 'debounce-1' });
    const rows = await tdb.sql`select count(*)::int as n from graphile_worker.jobs where key = 'debounce-1'`;
    expect(rows[0]?.n).toBe(1);
  });
});

describe('retention sweep', () => {
  test('deletes exactly the expired rows', async () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const hour = 3_600_000;
    await db.insert(listingCache).values([
      { asin: 'B000000001', listing: {}, source: 'apify', expiresAt: new Date(now.getTime() - hour) },
      { asin: 'B000000002', listing: {}, source: 'apify', expiresAt: new Date(now.getTime() + hour) },
    ]);
    await db.insert(visionCache).values([
      { key: 'old', evaluation: 'ctr', output: {}, provider: 'openai', model: 'm', promptVersion: '1.0.0', expiresAt: new Date(now.getTime() - 1) },
      { key: 'new', evaluation: 'ctr', output: {}, provider: 'openai', model: 'm', promptVersion: '1.0.0', expiresAt: new Date(now.getTime() + 7 * 24 * hour) },
    ]);
    const blob = { mediaType: 'image/png', width: 1, height: 1, byteSize: 1, bytes: Buffer.from([1]) };
    await db.insert(imageBlobs).values([
      { ...blob, sha256: 'a'.repeat(64), lastUsedAt: new Date(now.getTime() - 31 * 24 * hour) },
      { ...blob, sha256: 'b'.repeat(64), lastUsedAt: new Date(now.getTime() - 29 * 24 * hour) },
    ]);

    const result = await sweepExpired(db, now, DEFAULTS.retention);
    expect(result).toEqual({ listingCache: 1, visionCache: 1, dataLinks: 0, imageBlobs: 1, rawPayloads: 0, more: false });
    expect((await db.select().from(listingCache)).map((r) => r.asin)).toEqual(['B000000002']);
    expect((await db.select().from(visionCache)).map((r) => r.key)).toEqual(['new']);
    expect((await db.select().from(imageBlobs)).map((r) => r.sha256)).toEqual(['b'.repeat(64)]);
    expect(await sweepExpired(db, now, DEFAULTS.retention)).toEqual({ listingCache: 0, visionCache: 0, dataLinks: 0, imageBlobs: 0, rawPayloads: 0, more: false });
  });
});
