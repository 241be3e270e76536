import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { loadRunView } from '../../service/app/views/index.ts';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { getCachedEvaluation, getCachedListing, putCachedEvaluation, putCachedListing } from '../../service/db/repos/caches.ts';
import { sweepExpired, type SweepResult } from '../../service/db/retention.ts';
import { dataLinks, imageBlobs, listingCache, runStages, visionCache } from '../../service/db/schema.ts';
import { useTestDatabase } from '../db.ts';
import { after, DAY, HOUR, seedExperiment, seedImage, seedPairwiseStage, seedRun, seedWorkspace, setPinned } from './seed.ts';

/**
 * Each retention limit with the sweep's clock moved to just before it (nothing goes) and just past
 * it (exactly what expired goes), against the real schema and its run_images trigger. Each test
 * works on its own table, so the counts other categories report stay zero.
 */
const tdb = await useTestDatabase();
const { db } = tdb;
const policy = DEFAULTS.retention;
const sweep = (now: Date): Promise<SweepResult> => sweepExpired(db, now, policy);
const nothing = { listingCache: 0, visionCache: 0, dataLinks: 0, imageBlobs: 0, rawPayloads: 0, more: false };
const workspaceId = await seedWorkspace(db);

describe('the limits', () => {
  test('listing cache: 24 h after the fetch, each row on its own clock', async () => {
    const t = new Date('2026-03-01T00:00:00Z');
    const ttl = policy.listingCacheHours * HOUR;
    await putCachedListing(db, 'B0LISTOLD1', { title: 'first' }, 'apify', t, ttl);
    await putCachedListing(db, 'B0LISTNEW1', { title: 'second' }, 'apify', after(t, HOUR), ttl);

    expect(await sweep(after(t, 24 * HOUR - 1))).toEqual(nothing);
    expect(await getCachedListing(db, 'B0LISTOLD1', after(t, 24 * HOUR - 1))).toEqual({ title: 'first' });
    expect(await sweep(after(t, 24 * HOUR + 1))).toEqual({ ...nothing, listingCache: 1 });
    expect((await db.select({ asin: listingCache.asin }).from(listingCache)).map((r) => r.asin)).toEqual(['B0LISTNEW1']);
    expect(await sweep(after(t, 25 * HOUR - 1))).toEqual(nothing);
    expect(await sweep(after(t, 25 * HOUR))).toEqual({ ...nothing, listingCache: 1 });
    expect(await db.select().from(listingCache)).toEqual([]);
  });

  test('vision cache: 7 days after the evaluation', async () => {
    const t = new Date('2026-03-01T00:00:00Z');
    const ttl = policy.visionCacheDays * DAY;
    const entry = (key: string) => ({ key, evaluation: 'ctr', output: { winner: 'A' }, provider: 'openai', model: 'm', promptVersion: '1.0.0' });
    await putCachedEvaluation(db, entry('old'), t, ttl);
    await putCachedEvaluation(db, entry('newer'), after(t, 3 * DAY), ttl);

    expect(await sweep(after(t, 7 * DAY - 1))).toEqual(nothing);
    expect(await getCachedEvaluation(db, 'old', after(t, 7 * DAY - 1))).toBeDefined();
    expect(await sweep(after(t, 7 * DAY + 1))).toEqual({ ...nothing, visionCache: 1 });
    expect((await db.select({ key: visionCache.key }).from(visionCache)).map((r) => r.key)).toEqual(['newer']);
    expect(await sweep(after(t, 10 * DAY + 1))).toEqual({ ...nothing, visionCache: 1 });
  });

  test('data links: removed once past their expiry, used or not', async () => {
    const t = new Date('2026-03-01T00:00:00Z');
    await db.insert(dataLinks).values([
      { workspaceId, purpose: 'delete', requestedBy: 'U1', createdAt: t, expiresAt: after(t, 10 * 60_000), usedAt: after(t, 60_000) },
      { workspaceId, purpose: 'export', requestedBy: 'U1', createdAt: t, expiresAt: after(t, 7 * DAY) },
    ]);
    expect(await sweep(after(t, 10 * 60_000 - 1))).toEqual(nothing);
    expect(await sweep(after(t, 10 * 60_000 + 1))).toEqual({ ...nothing, dataLinks: 1 });
    expect((await db.select({ purpose: dataLinks.purpose }).from(dataLinks)).map((r) => r.purpose)).toEqual(['export']);
    expect(await sweep(after(t, 7 * DAY - 1))).toEqual(nothing);
    expect(await sweep(after(t, 7 * DAY + 1))).toEqual({ ...nothing, dataLinks: 1 });
  });
});

describe('images: 30 days after the last use, never while something that counts still uses them', () => {
  const t = new Date('2026-04-01T00:00:00Z');
  const limit = after(t, policy.blobDays * DAY);
  const blobs = async () => new Set((await db.select({ sha256: imageBlobs.sha256 }).from(imageBlobs)).map((r) => r.sha256));

  test('only unreferenced images past 30 days go; a pinned experiment holds its images until unpinned', async () => {
    const unused = await seedImage(db, 'unused', t);
    const recent = await seedImage(db, 'used a day later', after(t, DAY));
    // A run 10 days old at the limit (created 20 days after t) still uses this one.
    const youngRun = await seedImage(db, 'young run', t);
    await seedRun(db, workspaceId, { createdAt: after(t, 20 * DAY), acquired: [youngRun] });
    // A draft's uploaded photo (its inputs), same age.
    const draftPhoto = await seedImage(db, 'draft photo', t);
    await seedRun(db, workspaceId, { createdAt: after(t, 20 * DAY), inputImages: [draftPhoto] });
    // 90 days old at the limit: the baseline of a pinned experiment, a re-run of another, and an unpinned one's.
    const pinnedBaseline = await seedImage(db, 'pinned baseline', t);
    const baseline = await seedRun(db, workspaceId, { createdAt: after(t, -60 * DAY), acquired: [pinnedBaseline] });
    const pinned = await seedExperiment(db, workspaceId, { baseline, pinned: true });
    const pinnedRerun = await seedImage(db, 'pinned re-run', t);
    const rerun = await seedRun(db, workspaceId, { createdAt: after(t, -60 * DAY), acquired: [pinnedRerun] });
    await seedExperiment(db, workspaceId, { baseline: await seedRun(db, workspaceId, { createdAt: after(t, -60 * DAY) }), reruns: [rerun], pinned: true });
    const unpinned = await seedImage(db, 'unpinned experiment', t);
    await seedExperiment(db, workspaceId, { baseline: await seedRun(db, workspaceId, { createdAt: after(t, -60 * DAY), acquired: [unpinned] }), pinned: false });
    const oldRunOnly = await seedImage(db, 'old run only', t);
    await seedRun(db, workspaceId, { createdAt: after(t, -60 * DAY), acquired: [oldRunOnly] });
    const all = await blobs();

    expect(await sweep(after(limit, -1))).toEqual(nothing);
    expect(await blobs()).toEqual(all);

    expect(await sweep(after(limit, 1))).toEqual({ ...nothing, imageBlobs: 3 });
    expect(await blobs()).toEqual(new Set([recent, youngRun, draftPhoto, pinnedBaseline, pinnedRerun]));
    expect(all.has(unused) && all.has(unpinned) && all.has(oldRunOnly)).toBe(true);

    // A day later the recently used image is past its 30 days; the rest are still held.
    expect(await sweep(after(limit, DAY + 1))).toEqual({ ...nothing, imageBlobs: 1 });
    expect((await blobs()).has(recent)).toBe(false);

    // Unpinned: the baseline's image goes on the next pass.
    await setPinned(db, pinned, false);
    expect(await sweep(after(limit, DAY + 1))).toEqual({ ...nothing, imageBlobs: 1 });
    expect(await blobs()).toEqual(new Set([youngRun, draftPhoto, pinnedRerun]));

    // The young runs turn 30 days old 20 days after the limit: their images go just past it.
    expect(await sweep(after(limit, 20 * DAY - 1))).toEqual(nothing);
    expect(await sweep(after(limit, 20 * DAY + 1))).toEqual({ ...nothing, imageBlobs: 2 });
    expect(await blobs()).toEqual(new Set([pinnedRerun]));
  });
});

describe('raw payloads: 30 days after the run, unless pinned', () => {
  test("each order's raw answer goes; the combined output and what the views read stay", async () => {
    const t = new Date('2026-05-01T00:00:00Z');
    const limit = after(t, policy.rawPayloadDays * DAY);
    const old = await seedRun(db, workspaceId, { createdAt: t });
    await seedPairwiseStage(db, old, { consistent: false, second: 'B' });
    const oldSingle = await seedRun(db, workspaceId, { createdAt: t });
    await seedPairwiseStage(db, oldSingle, { consistent: false, second: null });
    const pinnedRun = await seedRun(db, workspaceId, { createdAt: t });
    await seedPairwiseStage(db, pinnedRun, { consistent: true, second: 'B' });
    await seedExperiment(db, workspaceId, { baseline: pinnedRun, pinned: true });
    const young = await seedRun(db, workspaceId, { createdAt: after(t, DAY) });
    await seedPairwiseStage(db, young, { consistent: true, second: 'B' });

    const stage = async (runId: string) => (await db.select().from(runStages).where(eq(runStages.runId, runId)))[0]!;
    const ordersOf = async (runId: string) => (await loadRunView(db, runId))!.stages.map((s) => [s.name, s.orders, s.output]);
    const before = { old: await stage(old), pinned: await stage(pinnedRun), young: await stage(young) };
    const viewsBefore = [await ordersOf(old), await ordersOf(oldSingle)];
    expect(viewsBefore.map((v) => v[0]?.[1])).toEqual(['order-sensitive', 'one-order']);

    expect(await sweep(after(limit, -1))).toEqual(nothing);
    expect(await sweep(after(limit, 1))).toEqual({ ...nothing, rawPayloads: 2 });

    const now = after(limit, 1).toISOString();
    expect((await stage(old)).orders).toEqual({ consistent: false, first: 'removed', second: 'removed', removedAt: now });
    expect((await stage(oldSingle)).orders).toEqual({ consistent: false, first: 'removed', second: null, removedAt: now });
    expect((await stage(old)).output).toEqual(before.old.output);
    expect(await stage(pinnedRun)).toEqual(before.pinned);
    expect(await stage(young)).toEqual(before.young);
    // An old run renders as before: the same stage outputs, the same word on the orders.
    expect([await ordersOf(old), await ordersOf(oldSingle)]).toEqual(viewsBefore);
    expect(JSON.stringify((await stage(old)).orders)).not.toContain('raw answer');

    expect(await sweep(after(limit, DAY + 1))).toEqual({ ...nothing, rawPayloads: 1 });
    expect((await stage(young)).orders).toMatchObject({ consistent: true, first: 'removed', second: 'removed' });
    expect(await stage(pinnedRun)).toEqual(before.pinned);
  });
});
