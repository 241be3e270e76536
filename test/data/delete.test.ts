import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { createDataServices, type DeleteResult } from '../../service/app/data/index.ts';
import { checkLedger } from '../../service/app/credits/index.ts';
import { applyLedgerEntry } from '../../service/db/repos/ledger.ts';
import { ensureWorkspace, findWorkspace } from '../../service/db/repos/workspaces.ts';
import { checkoutSessions, creditLedger, dataLinks, runStages, workspaces } from '../../service/db/schema.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { balanceOf, expectLedgerConsistent, slack } from '../support/credits.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { addWaitingJob, addWorkspaceRows, countOf, fingerprint, imagesOfRun, jobsOfRun, storedImages } from './delete-support.ts';

/**
 * A workspace admin's delete (issue 21, item 1) against real finished runs: two Slack workspaces
 * share one listing's images and each has one of its own; the first also has a run still
 * fetching its listings (a worker holds its job) with credits reserved and a job waiting. A
 * confirmed delete removes the first workspace's rows and its unshared images, cancels and
 * refunds the running run and removes its waiting job; the second workspace's rows, the shared
 * images and its jobs are untouched, and every ledger still reconciles.
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-delete' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
const SLOW = 'B0SLOW0001';
for (const asin of ['B0799CK52K', 'B074M5HPBD', 'B07GTFSCHB'] as const) apify.setItem(asin, axessoItem(asin, images.url));
// Its listing takes a while to fetch: its acquisition is in a worker's hands when the delete comes,
// and it would store the deleted workspace's own images again when it ends.
apify.setItem(SLOW, axessoItem('B074M5HPBD', images.url, { asin: SLOW }), { runMs: 12_000 });

const p = await startTestPipeline({ APIFY_TOKEN: 'apify-token-for-delete', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host });
const db = p.tdb.db;
let now = Date.parse('2026-12-05T06:00:00Z');
const data = createDataServices({ db, clock: { now: () => now }, links: undefined });
const GONE = slack('T_DELETED');
const KEPT = slack('T_KEPT');
const asin = (a: string) => ({ kind: 'asin', asin: a }) as const;

const ids = { gone: '', kept: '', goneRun: '', keptRun: '', running: '' };
let shared: string[] = [];
let goneOnly: string[] = [];
let keptOnly: string[] = [];

async function gone() {
  return {
    runs: await countOf(db, ids.gone, 'runs'),
    experiments: await countOf(db, ids.gone, 'experiments'),
    outcomes: await countOf(db, ids.gone, 'outcomes'),
    installations: await countOf(db, ids.gone, 'installations'),
    brands: await countOf(db, ids.gone, 'workspace_brands'),
    ledger: await countOf(db, ids.gone, 'credit_ledger'),
    balance: await balanceOf(db, ids.gone),
    images: (await storedImages(db, goneOnly)).length,
    jobs: (await jobsOfRun(db, ids.running)).length,
  };
}

describe('deleting a workspace’s data', () => {
  test('setup: finished runs in both workspaces (one listing in common), their rows, a running run with a waiting job', async () => {
    const a = await p.compare(asin('B0799CK52K'), asin('B074M5HPBD'), { workspace: GONE });
    const b = await p.compare(asin('B0799CK52K'), asin('B07GTFSCHB'), { workspace: KEPT });
    for (const r of [a, b]) expect((await p.waitForRun(r.run.id)).status).toMatch(/succeeded|partial/);
    ids.goneRun = a.run.id;
    ids.keptRun = b.run.id;
    ids.gone = a.run.workspaceId;
    ids.kept = b.run.workspaceId;
    const inGone = await imagesOfRun(db, a.run.id);
    const inKept = await imagesOfRun(db, b.run.id);
    shared = inGone.filter((s) => inKept.includes(s));
    goneOnly = inGone.filter((s) => !inKept.includes(s));
    keptOnly = inKept.filter((s) => !inGone.includes(s));
    expect(shared.length).toBeGreaterThan(0);
    expect(goneOnly.length).toBeGreaterThan(0);
    expect(keptOnly.length).toBeGreaterThan(0);

    await addWorkspaceRows(db, ids.gone, ids.goneRun, 'GONE');
    await addWorkspaceRows(db, ids.kept, ids.keptRun, 'KEPT');
    for (const [wsId, tag] of [[ids.gone, 'GONE'], [ids.kept, 'KEPT']] as const) {
      await applyLedgerEntry(db, { workspaceId: wsId, amount: 100, kind: 'purchase', idempotencyKey: `purchase:cs_test_${tag}`, note: 'starter pack bought with Stripe Checkout' });
      await applyLedgerEntry(db, { workspaceId: wsId, amount: 5, kind: 'grant', idempotencyKey: `grant:${wsId}:t1`, note: `asked by U_${tag} in ticket 12` });
    }
    // A finished run of the kept workspace with a job waiting for it: it must stay.
    await addWaitingJob(db, 'deliver_run', { runId: ids.keptRun });

    const running = await p.compare(asin(SLOW), asin('B074M5HPBD'), { workspace: GONE, fresh: true });
    ids.running = running.run.id;
    await expect.poll(async () => (await jobsOfRun(db, ids.running)).some((j) => j.task === 'acquire_listings' && j.locked), { timeout: 20_000 }).toBe(true);
    // The worker has begun the stage (its transaction committed): nothing of it moves until the fetch ends.
    const acquireStatus = async () => (await db.select().from(runStages).where(eq(runStages.runId, ids.running))).find((s) => s.stage === 'acquire')?.status;
    await expect.poll(acquireStatus, { timeout: 20_000 }).toBe('running');
    await addWaitingJob(db, 'run_stage', { runId: ids.running, stage: 'ctr' });
    expect(await jobsOfRun(db, ids.running)).toContainEqual({ task: 'run_stage', locked: false });
  }, 90_000);

  test('asking says what would go and changes nothing; a never-seen workspace is not found and not created', async () => {
    const before = await fingerprint(db, ids.gone);
    const request = await data.requestDelete(GONE, 'U_ADMIN');
    expect(request.runningRuns).toBe(1);
    expect(request.counts).toEqual({ runs: 2, experiments: 1, outcomes: 1, ledgerLines: 5, purchases: 1, brands: 1, images: goneOnly.length });
    expect(request.expiresAt.getTime()).toBe(now + 10 * 60_000);
    const after = await fingerprint(db, ids.gone);
    expect({ ...after, links: '' }).toEqual({ ...before, links: '' });
    await expect(data.requestDelete(slack('T_NEVER'), 'U_ADMIN')).rejects.toMatchObject({ code: 'not_found' });
    expect(await findWorkspace(db, slack('T_NEVER'))).toBeUndefined();
  });

  test('an expired confirmation, another workspace’s, one for export, or a made-up id is refused and nothing changes', async () => {
    const expiring = await data.requestDelete(GONE, 'U_ADMIN');
    const theirs = await data.requestDelete(KEPT, 'U_OTHER');
    const [exportLink] = await db.insert(dataLinks).values({ workspaceId: ids.gone, purpose: 'export', expiresAt: new Date(now + 3_600_000) }).returning();
    const beforeGone = await fingerprint(db, ids.gone);
    const beforeKept = await fingerprint(db, ids.kept);
    now += 10 * 60_000 + 1;
    await expect(data.confirmDelete(GONE, expiring.confirmationId, 'U_ADMIN')).rejects.toMatchObject({ code: 'confirmation_expired' });
    await expect(data.confirmDelete(GONE, theirs.confirmationId, 'U_ADMIN')).rejects.toMatchObject({ code: 'not_found' });
    await expect(data.confirmDelete(GONE, exportLink!.id, 'U_ADMIN')).rejects.toMatchObject({ code: 'not_found' });
    await expect(data.confirmDelete(GONE, 'not-a-uuid', 'U_ADMIN')).rejects.toMatchObject({ code: 'not_found' });
    await expect(data.confirmDelete(slack('T_NEVER'), expiring.confirmationId, 'U_ADMIN')).rejects.toMatchObject({ code: 'not_found' });
    expect(await fingerprint(db, ids.gone)).toEqual(beforeGone);
    expect(await fingerprint(db, ids.kept)).toEqual(beforeKept);
    expect(await jobsOfRun(db, ids.running)).toContainEqual({ task: 'run_stage', locked: false });
  });

  let result: DeleteResult;
  test('a confirmed delete removes the workspace’s rows and unshared images; the other workspace is untouched', async () => {
    const kept = await fingerprint(db, ids.kept);
    const balanceBefore = await balanceOf(db, ids.gone);
    const request = await data.requestDelete(GONE, 'U_ADMIN');
    result = await data.confirmDelete(GONE, request.confirmationId, 'U_ADMIN');

    // The running run's reservation (10) came back through the ledger.
    expect(result).toEqual({
      removed: { runs: 2, experiments: 1, outcomes: 1, brands: 1, installations: 1, images: goneOnly.length, ledgerLines: 0, purchases: 0 },
      cancelledRuns: 1,
      keptLedgerLines: request.counts.ledgerLines + 4,
      keptPurchases: 1,
      balance: balanceBefore + 10,
    });
    expect(await gone()).toEqual({ runs: 0, experiments: 0, outcomes: 0, installations: 0, brands: 0, ledger: request.counts.ledgerLines + 4, balance: balanceBefore + 10, images: 0, jobs: 1 });
    expect(await jobsOfRun(db, ids.running)).toEqual([{ task: 'acquire_listings', locked: true }]);
    expect(await db.select().from(runStages).where(eq(runStages.runId, ids.goneRun))).toEqual([]);
    expect(await storedImages(db, shared)).toEqual([...shared].sort());
    expect(await storedImages(db, keptOnly)).toEqual([...keptOnly].sort());
    expect(await fingerprint(db, ids.kept)).toEqual(kept);
    expect(await jobsOfRun(db, ids.keptRun)).toContainEqual({ task: 'deliver_run', locked: false });

    // Accounting stays, without who asked.
    const ledger = await db.select().from(creditLedger).where(eq(creditLedger.workspaceId, ids.gone));
    expect(ledger.reduce((s, l) => s + l.amount, 0)).toBe(result.balance);
    expect(ledger.filter((l) => l.kind === 'refund').map((l) => l.amount).sort()).toEqual([2, 2, 3, 3]);
    expect(ledger.every((l) => l.runId === null)).toBe(true);
    expect(ledger.filter((l) => l.kind === 'grant' || l.kind === 'reserve').every((l) => l.note === null)).toBe(true);
    expect(JSON.stringify(ledger)).not.toMatch(/U_GONE|U_ADMIN/);
    const [purchase] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.workspaceId, ids.gone));
    expect(purchase).toMatchObject({ id: 'cs_test_GONE', credits: 100, amountCents: 900, requestedBy: null, channelId: null, url: null });
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, ids.gone));
    expect(ws).toMatchObject({ name: null, notifyChannel: null, deletedAt: new Date(now) });
    const links = await db.select().from(dataLinks).where(eq(dataLinks.workspaceId, ids.gone));
    expect(links).toEqual([expect.objectContaining({ id: request.confirmationId, requestedBy: null, usedAt: new Date(now) })]);
    await expectLedgerConsistent(db);
    expect(await checkLedger(db)).toMatchObject({ mismatches: [], overRefunded: [] });
  }, 30_000);

  test('the same confirmation again is refused as used', async () => {
    const links = await db.select().from(dataLinks).where(eq(dataLinks.workspaceId, ids.gone));
    await expect(data.confirmDelete(GONE, links[0]!.id, 'U_ADMIN')).rejects.toMatchObject({ code: 'confirmation_expired' });
  });

  test('the job a worker held finds its run gone and ends quietly: nothing comes back', async () => {
    await expect.poll(async () => (await jobsOfRun(db, ids.running)).length, { timeout: 30_000 }).toBe(0);
    expect(await gone()).toMatchObject({ runs: 0, images: 0 });
    expect(await db.execute(sql`select 1 from run_stages where run_id = ${ids.running}`)).toHaveLength(0);
    expect(p.logLines().filter((l) => /"level":(50|"error")/.test(l))).toEqual([]);
    await expectLedgerConsistent(db);
  }, 40_000);

  test('used again, the workspace comes back empty with its balance and no second free credits', async () => {
    const balance = await balanceOf(db, ids.gone);
    const back = await ensureWorkspace(db, { ...GONE, name: 'Back again' }, 30);
    expect(back).toMatchObject({ id: ids.gone, balance, deletedAt: null, name: 'Back again' });
    const again = await p.compare(asin('B0799CK52K'), asin('B074M5HPBD'), { workspace: GONE, fresh: true });
    expect(again.kind).toBe('created');
    expect((await p.waitForRun(again.run.id)).status).toMatch(/succeeded|partial/);
    const signups = await db.select().from(creditLedger).where(eq(creditLedger.idempotencyKey, `signup:${ids.gone}`));
    expect(signups).toHaveLength(1);
    expect(await balanceOf(db, ids.gone)).toBe(balance - 10);
    expect(await countOf(db, ids.gone, 'runs')).toBe(1);
    await expectLedgerConsistent(db);
  }, 60_000);

  test('comparisons started while the delete runs: each is removed with its unspent credits refunded, or comes after it, whole', async () => {
    const RACE = slack('T_RACE');
    const first = await p.compare(asin('B0799CK52K'), asin('B074M5HPBD'), { workspace: RACE, fresh: true });
    const wsId = first.run.workspaceId;
    await applyLedgerEntry(db, { workspaceId: wsId, amount: 100, kind: 'grant', idempotencyKey: `grant:${wsId}:race`, note: 'enough for the race' });
    const request = await data.requestDelete(RACE, 'U_ADMIN');
    const starts = [1, 2, 3, 4].map((i) => p.compare(asin('B0799CK52K'), asin('B07GTFSCHB'), { workspace: RACE, fresh: true, requestKey: `race-${i}` }));
    const [deleted, ...started] = await Promise.all([data.confirmDelete(RACE, request.confirmationId, 'U_ADMIN'), ...starts]);
    const survivors = (await db.execute<{ id: string }>(sql`select id from runs where workspace_id = ${wsId}`)).map((r) => r.id);
    expect(deleted.removed.runs + survivors.length).toBe(5);
    expect(survivors).not.toContain(first.run.id);
    for (const id of survivors) expect(started.map((s) => s.run.id)).toContain(id);
    for (const id of survivors) expect((await p.waitForRun(id)).status).toMatch(/succeeded|partial/);
    // A comparison that waited for the delete's lock brought the workspace back.
    expect((await findWorkspace(db, RACE))?.deletedAt).toEqual(survivors.length > 0 ? null : new Date(now));
    // Every removed run got back what it had not spent, and never more than it reserved.
    const lines = await db.select().from(creditLedger).where(eq(creditLedger.workspaceId, wsId));
    const byRun = new Map<string, { reserved: number; refunded: number }>();
    for (const l of lines) {
      const m = /^(reserve|refund):([0-9a-f-]{36}):/.exec(l.idempotencyKey);
      if (!m) continue;
      const r = byRun.get(m[2]!) ?? { reserved: 0, refunded: 0 };
      if (m[1] === 'reserve') r.reserved -= l.amount;
      else r.refunded += l.amount;
      byRun.set(m[2]!, r);
    }
    expect(byRun.size).toBe(5);
    for (const [id, r] of byRun) {
      expect(r.refunded, id).toBeLessThanOrEqual(r.reserved);
      if (survivors.includes(id)) expect(r.refunded, id).toBe(0);
    }
    await expectLedgerConsistent(db);
    // No job is left naming a run that is gone.
    await expect
      .poll(async () => (await db.execute(sql`select 1 from graphile_worker._private_jobs j where j.payload->>'runId' is not null and not exists (select 1 from runs r where r.id::text = j.payload->>'runId')`)).length, { timeout: 30_000 })
      .toBe(0);
  }, 90_000);
});
