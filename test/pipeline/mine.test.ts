import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { importListingFolder } from '../../service/app/comparisons/index.ts';
import { createBrandList } from '../../service/app/workspaces/index.ts';
import { runs } from '../../service/db/schema.ts';
import type { WorkspaceRef } from '../../service/db/repos/workspaces.ts';
import { asin } from '../support/credits.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * "Whose listing": a run is marked as the workspace's side when the command says so, or when
 * exactly one side's ASIN (at creation) or brand (after acquisition) is on the brand list.
 */

const PAIRS = path.resolve(import.meta.dirname, '../../golden_tests/pairs');
const pair = (name: string) => [path.join(PAIRS, name, 'A'), path.join(PAIRS, name, 'B')] as const;
const pipeline = await startTestPipeline();
const db = pipeline.tdb.db;
const brands = createBrandList({ db, freeCredits: 0, metered: () => false });
const cli = (id: string): WorkspaceRef => ({ platform: 'cli', externalId: id });

async function stored(runId: string) {
  const [row] = await db.select({ mine: runs.mine, mineSource: runs.mineSource }).from(runs).where(eq(runs.id, runId));
  return row;
}

describe('marking a run', () => {
  test('mine asked in the command: that side, source asked, even when the brand list says otherwise', async () => {
    const ws = cli('mine-asked');
    await brands.add(ws, 'Starter'); // A's brand in duffel-compliance
    const [a, b] = pair('duffel-compliance');
    const view = await pipeline.compareFolders(a, b, { workspace: ws, mine: 'B' });
    expect(view.status).toBe('succeeded');
    expect(await stored(view.id)).toEqual({ mine: 'B', mineSource: 'asked' });
    expect([view.mine, view.mineSource]).toEqual(['B', 'asked']);
  });

  test('exactly one side’s ASIN on the list marks it at creation (source asin)', async () => {
    const ws = cli('mine-asin');
    await brands.add(ws, asin(901).toLowerCase());
    const started = await pipeline.compare({ kind: 'asin', asin: asin(900) }, { kind: 'asin', asin: asin(901) }, { workspace: ws });
    expect(started.kind).toBe('created');
    expect(await stored(started.run.id)).toEqual({ mine: 'B', mineSource: 'asin' });
    // Both ASINs on the list: neither is marked, and acquisition cannot pick one by brand.
    await brands.add(ws, asin(900));
    const both = await pipeline.compare({ kind: 'asin', asin: asin(900) }, { kind: 'asin', asin: asin(901) }, { workspace: ws, fresh: true });
    expect(await stored(both.run.id)).toEqual({ mine: null, mineSource: null });
  });

  test('a brand on the list marks the side whose fetched listing carries it, after acquisition (source brand)', async () => {
    const ws = cli('mine-brand');
    await brands.add(ws, '  starter ');
    const [a, b] = pair('duffel-swapped'); // B is Starter's
    const started = await pipeline.compare(await importListingFolder(db, a), await importListingFolder(db, b), { workspace: ws, fresh: true });
    // Created unmarked (the folders' ASINs are not on the list): the brand is known only once fetched.
    expect([started.run.mine, started.run.mineSource]).toEqual([null, null]);
    const view = await pipeline.waitForRun(started.run.id);
    expect(view.status).toBe('succeeded');
    expect(await stored(view.id)).toEqual({ mine: 'B', mineSource: 'brand' });
    expect(view.mine).toBe('B');
  });

  test('both sides of the brand on the list: neither is marked', async () => {
    const ws = cli('mine-both');
    await brands.add(ws, 'OATLY');
    const [a, b] = pair('oat-milk-instore');
    const view = await pipeline.compareFolders(a, b, { workspace: ws });
    expect(view.status).toBe('succeeded');
    expect(await stored(view.id)).toEqual({ mine: null, mineSource: null });
  });

  test("another workspace's brand list marks nothing here", async () => {
    await brands.add(cli('mine-other'), 'Solimo');
    const [a, b] = pair('vitamin-gallery');
    const view = await pipeline.compareFolders(a, b, { workspace: cli('mine-none') });
    expect(await stored(view.id)).toEqual({ mine: null, mineSource: null });
  });
});

describe('idempotency and de-duplication', () => {
  test('a redelivered command is the same run; a recent pair is reused only when asked the same way', async () => {
    const ws = cli('mine-dedup');
    // Listings that succeed: a failed run is never reused, and the in-process worker may end a run
    // between two commands, so ASINs without a listing source would race the assertions.
    const [dirA, dirB] = pair('duffel-compliance');
    const A = await importListingFolder(db, dirA);
    const B = await importListingFolder(db, dirB);
    const first = await pipeline.compare(A, B, { workspace: ws, mine: 'A', requestKey: 'req-1' });
    const redelivered = await pipeline.compare(A, B, { workspace: ws, mine: 'A', requestKey: 'req-1' });
    expect(redelivered).toMatchObject({ kind: 'existing', reason: 'same_request', run: { id: first.run.id } });
    const sameAsk = await pipeline.compare(A, B, { workspace: ws, mine: 'A' });
    expect(sameAsk).toMatchObject({ kind: 'existing', reason: 'recent_pair', run: { id: first.run.id } });
    const otherSide = await pipeline.compare(A, B, { workspace: ws, mine: 'B' });
    expect(otherSide.kind).toBe('created');
    expect(await stored(otherSide.run.id)).toEqual({ mine: 'B', mineSource: 'asked' });
    const unasked = await pipeline.compare(A, B, { workspace: ws });
    expect(unasked.kind).toBe('created');
    expect(await stored(unasked.run.id)).toEqual({ mine: null, mineSource: null });
    expect(await pipeline.compare(A, B, { workspace: ws })).toMatchObject({ kind: 'existing', run: { id: unasked.run.id } });
  });
});

