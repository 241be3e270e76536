import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { sweepExpired, type RetentionPolicy, type SweepResult } from '../../service/db/retention.ts';
import { imageBlobs, listingCache } from '../../service/db/schema.ts';
import { enqueue } from '../../service/jobs/enqueue.ts';
import { makeSweepExpired, SWEEP_FOLLOW_UP_KEY } from '../../service/jobs/tasks/sweep-expired.ts';
import { startWorker } from '../../service/jobs/worker.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';
import { after, DAY, seedExperiment, seedImage, seedPairwiseStage, seedRun, seedWorkspace } from './seed.ts';

/** A pass is bounded, a second pass finds nothing, and rows someone else holds are left alone. */
const tdb = await useTestDatabase();
const { db } = tdb;

/** `n` listing-cache rows that expired at `expiredAt`, inserted in one statement. */
async function expiredListings(n: number, prefix: string, expiredAt: Date): Promise<void> {
  await db.execute(sql`
    insert into listing_cache (asin, listing, source, fetched_at, expires_at)
    select ${prefix} || lpad(i::text, 6, '0'), '{}'::jsonb, 'apify', ${expiredAt.toISOString()}::timestamptz - interval '24 hours', ${expiredAt.toISOString()}::timestamptz
    from generate_series(1, ${n}) as i`);
}
const countListings = async (prefix: string) =>
  (await db.execute<{ n: number }>(sql`select count(*)::int as n from listing_cache where asin like ${`${prefix}%`}`))[0]!.n;

describe('bounded passes', () => {
  test('1,200 expired rows with 500 a statement and 2 statements a pass: 1,000 and more, then 200, then nothing', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    await expiredListings(1200, 'BK', after(now, -1));
    const policy: RetentionPolicy = { ...DEFAULTS.retention, batch: 500, maxBatches: 2 };
    expect(await sweepExpired(db, now, policy)).toMatchObject({ listingCache: 1000, more: true });
    expect(await countListings('BK')).toBe(200);
    expect(await sweepExpired(db, now, policy)).toMatchObject({ listingCache: 200, more: false });
    expect(await sweepExpired(db, now, policy)).toEqual({ listingCache: 0, visionCache: 0, dataLinks: 0, imageBlobs: 0, rawPayloads: 0, more: false });
  });

  test('a pass stopped by shutdown removes nothing more and says more is left', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    await expiredListings(3, 'BS', after(now, -1));
    const stopped = AbortSignal.abort();
    expect(await sweepExpired(db, now, DEFAULTS.retention, { signal: stopped })).toMatchObject({ listingCache: 0, more: true });
    expect(await countListings('BS')).toBe(3);
    expect(await sweepExpired(db, now, DEFAULTS.retention)).toMatchObject({ listingCache: 3, more: false });
  });
});

describe('idempotent', () => {
  test('a second pass at the same clock removes nothing, in every category', async () => {
    const t = new Date('2026-02-01T00:00:00Z');
    const now = after(t, 40 * DAY);
    const ws = await seedWorkspace(db);
    await expiredListings(2, 'BI', after(now, -DAY));
    await db.execute(sql`insert into vision_cache (key, evaluation, output, provider, model, prompt_version, expires_at)
      values ('idem', 'ctr', '{}', 'openai', 'm', '1.0.0', ${after(now, -DAY).toISOString()}::timestamptz)`);
    await db.execute(sql`insert into data_links (workspace_id, purpose, expires_at) values (${ws}, 'export', ${after(now, -DAY).toISOString()}::timestamptz)`);
    await seedImage(db, 'idempotent', t);
    const run = await seedRun(db, ws, { createdAt: t });
    await seedPairwiseStage(db, run, { consistent: true, second: 'B' });
    const pinned = await seedRun(db, ws, { createdAt: t, acquired: [await seedImage(db, 'idempotent pinned', t)] });
    await seedPairwiseStage(db, pinned, { consistent: true, second: 'B' });
    await seedExperiment(db, ws, { baseline: pinned, pinned: true });

    expect(await sweepExpired(db, now, DEFAULTS.retention)).toEqual({ listingCache: 2, visionCache: 1, dataLinks: 1, imageBlobs: 1, rawPayloads: 1, more: false });
    expect(await sweepExpired(db, now, DEFAULTS.retention)).toEqual({ listingCache: 0, visionCache: 0, dataLinks: 0, imageBlobs: 0, rawPayloads: 0, more: false });
  });
});

describe('beside live traffic', () => {
  test('an image being touched while the sweep runs is skipped, and stays once the touch commits', async () => {
    const now = after(new Date(), DAY);
    const touched = await seedImage(db, 'touched during the sweep', after(now, -60 * DAY));
    const rolledBack = await seedImage(db, 'touch rolled back', after(now, -60 * DAY));
    const stillThere = async (sha: string) => (await db.select({ s: imageBlobs.sha256 }).from(imageBlobs).where(eq(imageBlobs.sha256, sha))).length === 1;

    // What touchImage does, held open on two other connections while a pass runs — one touch
    // commits afterwards, the other rolls back: the pass must not wait for either (SKIP LOCKED)
    // and must remove neither.
    class RolledBack extends Error {}
    const during = await tdb.sql.begin(async (committed) => {
      await committed`update image_blobs set last_used_at = now() where sha256 = ${touched}`;
      let result: SweepResult | undefined;
      await tdb.sql
        .begin(async (abandoned) => {
          await abandoned`update image_blobs set last_used_at = now() where sha256 = ${rolledBack}`;
          result = await sweepExpired(db, now, DEFAULTS.retention);
          throw new RolledBack();
        })
        .catch((e: unknown) => {
          if (!(e instanceof RolledBack)) throw e;
        });
      return result;
    });
    expect(during?.imageBlobs).toBe(0);
    expect(await stillThere(touched)).toBe(true);
    expect(await stillThere(rolledBack)).toBe(true);

    // Next pass: the committed touch keeps its image; the rolled-back one's image is still unused.
    expect(await sweepExpired(db, now, DEFAULTS.retention)).toMatchObject({ imageBlobs: 1 });
    expect(await stillThere(touched)).toBe(true);
    expect(await stillThere(rolledBack)).toBe(false);
  });

  test('a cache row being refreshed is skipped by a pass, and the refreshed row is kept', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    await expiredListings(1, 'BR', after(now, -1));
    const result = await tdb.sql.begin(async (tx) => {
      await tx`update listing_cache set expires_at = ${after(now, DAY).toISOString()}::timestamptz where asin = 'BR000001'`;
      return sweepExpired(db, now, DEFAULTS.retention);
    });
    expect(result.listingCache).toBe(0);
    expect(await sweepExpired(db, now, DEFAULTS.retention)).toMatchObject({ listingCache: 0 });
    expect(await db.select({ a: listingCache.asin }).from(listingCache).where(eq(listingCache.asin, 'BR000001'))).toHaveLength(1);
  });
});

describe('the task', () => {
  test('logs one line of counts per pass and keeps one follow-up job while more is left', async () => {
    const now = new Date('2026-05-15T00:00:00Z');
    await expiredListings(5, 'BT', after(now, -1));
    const { logger, lines } = memoryLogger();
    const policy = { ...DEFAULTS.retention, batch: 2, maxBatches: 1, followUpSeconds: 60 };
    const sweep = makeSweepExpired({ db, clock: { now: () => now.getTime() }, logger, policy });
    const ctx = { signal: new AbortController().signal, attempts: 1, maxAttempts: 1, jobId: '1' };
    const followUps = () =>
      tdb.sql<{ ms: number }[]>`select (extract(epoch from run_at) * 1000)::float8 as ms from graphile_worker.jobs where task_identifier = 'sweep_expired' and key = ${SWEEP_FOLLOW_UP_KEY}`;

    await sweep({}, ctx);
    await sweep({}, ctx);
    expect((await followUps()).map((j) => j.ms)).toEqual([after(now, 60_000).getTime()]);
    await sweep({}, ctx);
    expect(await countListings('BT')).toBe(0);

    const passes = lines().map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'retention sweep');
    expect(passes.map((p) => [p.listingCache, p.more])).toEqual([[2, true], [2, true], [1, false]]);
    expect(Object.keys(passes[0]!).filter((k) => !['level', 'time', 'pid', 'hostname', 'msg', 'ms', 'task'].includes(k)).sort()).toEqual(
      ['dataLinks', 'imageBlobs', 'listingCache', 'more', 'rawPayloads', 'visionCache'],
    );
    expect(await followUps()).toHaveLength(1);
    await tdb.sql`select graphile_worker.remove_job(${SWEEP_FOLLOW_UP_KEY})`;
  });
});

describe('in a worker', () => {
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  afterAll(async () => worker?.stop());

  test('one pass drains a backlog through its follow-ups, each pass bounded, and leaves no job behind', async () => {
    const now = new Date('2026-05-20T00:00:00Z');
    await expiredListings(9, 'BW', after(now, -1));
    const { logger, lines } = memoryLogger();
    const policy = { ...DEFAULTS.retention, batch: 2, maxBatches: 2, followUpSeconds: 0 };
    const unexpected = (task: string) => () => Promise.reject(new Error(`unexpected ${task} job`));
    expect(await tdb.sql`select 1 from graphile_worker.jobs`).toHaveLength(0);
    await enqueue(db, 'sweep_expired', {});
    worker = await startWorker({
      connectionString: tdb.url,
      logger,
      schedule: false,
      pollInterval: 100,
      handlers: {
        sweep_expired: makeSweepExpired({ db, clock: { now: () => now.getTime() }, logger, policy }),
        acquire_listings: unexpected('acquire_listings'),
        run_stage: unexpected('run_stage'),
        draft_stage: unexpected('draft_stage'),
        deliver_run: unexpected('deliver_run'),
        reclaim_stale_runs: unexpected('reclaim_stale_runs'),
        notify_workspace: unexpected('notify_workspace'),
      },
    });
    const deadline = Date.now() + 20_000;
    while ((await countListings('BW')) > 0 || (await tdb.sql`select 1 from graphile_worker.jobs`).length > 0) {
      if (Date.now() > deadline) throw new Error('the backlog was not drained');
      await new Promise((r) => setTimeout(r, 100));
    }
    const passes = lines().map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'retention sweep');
    expect(passes.map((p) => [p.listingCache, p.more])).toEqual([[4, true], [4, true], [1, false]]);
  });
});
