import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { resumeWithManualListings, completeStage, startComparison } from '../../service/app/comparisons/index.ts';
import { createAppServices } from '../../service/app/services.ts';
import { applyLedgerEntry } from '../../service/db/repos/ledger.ts';
import { ensureWorkspace, findWorkspace, type WorkspaceRef } from '../../service/db/repos/workspaces.ts';
import { runs, runStages } from '../../service/db/schema.ts';
import { isUserError } from '../../service/domain/errors.ts';
import { useTestDatabase } from '../db.ts';
import { asin, balanceOf, creditsDeps, expectLedgerConsistent, jobsFor, ledgerRows, pairInput, runsOf, workspaceWith } from '../support/credits.ts';

/** Reserve at creation: atomic, never negative, idempotent on the request key, refused cleanly. */

const tdb = await useTestDatabase();
const db = tdb.db;
const deps = await creditsDeps(tdb);

const refusal = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' && isUserError(r.reason) ? r.reason : undefined);

describe('reservations', () => {
  test('50 concurrent reservations of 10 on a balance of 30: exactly 3 succeed (the guarded UPDATE alone)', async () => {
    const ws = await workspaceWith(db, 'TRAW', 30);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction((tx) => applyLedgerEntry(tx, { workspaceId: ws.id, amount: -10, kind: 'reserve', idempotencyKey: `raw:${i}` })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => refusal(r)?.code === 'insufficient_credits')).toHaveLength(47);
    expect(await balanceOf(db, ws.id)).toBe(0);
    expect(await ledgerRows(db, ws.id, 'reserve')).toHaveLength(3);
    await expectLedgerConsistent(db);
  });

  test('50 concurrent comparisons on a new workspace (30 free credits): exactly 3 runs, the rest told about credits', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => startComparison(deps, pairInput('TFIFTY', i, { requestKey: `cmd-${i}` }))));
    const created = results.flatMap((r) => (r.status === 'fulfilled' && r.value.kind === 'created' ? [r.value] : []));
    expect(created).toHaveLength(3);
    const refused = results.map(refusal).filter((e) => e !== undefined);
    expect(refused).toHaveLength(47);
    for (const e of refused) expect(e.message).toMatch(/credits/);
    const ws = created[0]!.run.workspaceId;
    expect(await balanceOf(db, ws)).toBe(0);
    expect(await runsOf(db, ws)).toHaveLength(3);
    expect(await ledgerRows(db, ws, 'signup')).toHaveLength(1);
    expect(await ledgerRows(db, ws, 'reserve')).toHaveLength(3);
    // All three hold a running slot: each has exactly one acquire job.
    const jobs = (await jobsFor(db, 'acquire_listings')).filter((j) => created.some((c) => c.run.id === j.runId));
    expect(jobs).toHaveLength(3);
    await expectLedgerConsistent(db);
  });

  test('a redelivered command (same request key), even concurrently, reserves once and returns the same run', async () => {
    await workspaceWith(db, 'TREDELIVER', 100);
    const input = pairInput('TREDELIVER', 1, { requestKey: `trigger-${randomUUID()}` });
    const results = await Promise.all(Array.from({ length: 6 }, () => startComparison(deps, input)));
    const ids = new Set(results.map((r) => r.run.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'existing').every((r) => r.kind === 'existing' && r.reason === 'same_request')).toBe(true);
    const ws = results[0]!.run.workspaceId;
    expect(await ledgerRows(db, ws, 'reserve')).toHaveLength(1);
    expect(await balanceOf(db, ws)).toBe(90);
  });

  test('the same pair within 24 h returns the existing run; `fresh` starts (and reserves) a new one', async () => {
    const ws = await workspaceWith(db, 'TDEDUP', 100);
    const first = await startComparison(deps, pairInput('TDEDUP', 7, { requestKey: 'a' }));
    const again = await startComparison(deps, pairInput('TDEDUP', 7, { requestKey: 'b' }));
    expect(again).toMatchObject({ kind: 'existing', reason: 'recent_pair' });
    expect(again.run.id).toBe(first.run.id);
    expect(await balanceOf(db, ws.id)).toBe(90);
    const fresh = await startComparison(deps, pairInput('TDEDUP', 7, { requestKey: 'c', fresh: true }));
    expect(fresh.kind).toBe('created');
    expect(fresh.run.id).not.toBe(first.run.id);
    expect(await balanceOf(db, ws.id)).toBe(80);
  });

  test('over the daily cap: refused with a message about credits, and nothing changes', async () => {
    const capped = await creditsDeps(tdb, { dailyCap: 25 });
    const ws = await workspaceWith(db, 'TCAP', 100);
    await startComparison(capped, pairInput('TCAP', 1));
    await startComparison(capped, pairInput('TCAP', 2));
    const before = { balance: await balanceOf(db, ws.id), rows: (await ledgerRows(db, ws.id)).length, runs: (await runsOf(db, ws.id)).length };
    const e = await startComparison(capped, pairInput('TCAP', 3)).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('daily_cap_reached');
    expect((e as Error).message).toMatch(/20 of its 25 credits/);
    expect({ balance: await balanceOf(db, ws.id), rows: (await ledgerRows(db, ws.id)).length, runs: (await runsOf(db, ws.id)).length }).toEqual(before);
    expect(before).toEqual({ balance: 80, rows: 4, runs: 2 });
  });

  test('a refund gives its credits back to today\'s allowance', async () => {
    const capped = await creditsDeps(tdb, { dailyCap: 10 });
    await workspaceWith(db, 'TCAPREFUND', 100);
    const first = await startComparison(capped, pairInput('TCAPREFUND', 1));
    await expect(startComparison(capped, pairInput('TCAPREFUND', 2))).rejects.toThrow(/daily cap/);
    await applyLedgerEntry(db, { workspaceId: first.run.workspaceId, amount: 10, kind: 'refund', idempotencyKey: `refund:${first.run.id}:0:all`, runId: first.run.id });
    await expect(startComparison(capped, pairInput('TCAPREFUND', 2))).resolves.toMatchObject({ kind: 'created' });
  });

  test('over the per-run maximum: refused with a message about credits, and nothing is written', async () => {
    const strict = await creditsDeps(tdb, { pricing: { ...deps.pricing, perRunMax: 5 } });
    const e = await startComparison(strict, pairInput('TPERRUN', 1)).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('run_over_maximum');
    expect((e as Error).message).toMatch(/10 credits.*maximum of 5 credits/);
    const [n] = await tdb.sql<{ n: number }[]>`select count(*)::int as n from workspaces where external_id = 'TPERRUN'`;
    expect(n!.n).toBe(0);
  });

  test('not enough credits: the refusal names the cost and the balance, and nothing changes', async () => {
    const ws = await workspaceWith(db, 'TPOOR', 4);
    const e = await startComparison(deps, pairInput('TPOOR', 1)).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('insufficient_credits');
    expect((e as Error).message).toBe('Not enough credits: a comparison costs 10 credits and this workspace has 4. Use `buy` to top up.');
    expect(await runsOf(db, ws.id)).toHaveLength(0);
    expect(await balanceOf(db, ws.id)).toBe(4);
    await expectLedgerConsistent(db);
  });

  test('finishing a failed run by hand is held to the daily cap like any reservation: refused clearly, nothing charged or written', async () => {
    const capped = await creditsDeps(tdb, { dailyCap: 15 });
    const ws = await workspaceWith(db, 'TCAPRESUME', 100);
    const failed = await startComparison(capped, pairInput('TCAPRESUME', 1));
    await completeStage(db, failed.run.id, 'acquire', { ok: false, code: 'listing_not_found', message: 'B0000000002 was not found' });
    // The failure refunded its 10 credits to today's allowance; another comparison spends them.
    await startComparison(capped, pairInput('TCAPRESUME', 2));
    const state = async () => ({
      balance: await balanceOf(db, ws.id),
      ledger: (await ledgerRows(db, ws.id)).length,
      run: (await db.select({ status: runs.status, generation: runs.generation, inputs: runs.inputs }).from(runs).where(eq(runs.id, failed.run.id)))[0],
      stages: (await db.select({ stage: runStages.stage, status: runStages.status }).from(runStages).where(eq(runStages.runId, failed.run.id))).sort((x, y) => x.stage.localeCompare(y.stage)),
      jobs: (await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker._private_jobs where payload->>'runId' = ${failed.run.id}`))[0]?.n,
    });
    const before = await state();
    expect(before.run?.status).toBe('failed');

    const listing = { title: 'Vitamin E Oil 2.5 oz', images: ['https://m.media-amazon.com/images/I/81abc.jpg'] };
    const e = await resumeWithManualListings(capped, { workspaceId: ws.id, runId: failed.run.id, listings: { B: listing } }).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('daily_cap_reached');
    expect((e as Error).message).toBe(
      'This workspace has used 10 of its 15 credits for today (daily cap); finishing this comparison by hand needs 10 credits. The cap resets at 00:00 UTC.',
    );
    expect(await state()).toEqual(before);
    await expectLedgerConsistent(db);
  });

  test('a Discord DM draws no free credits, whichever path sees it first; a paid command there says so; a server draws them once', async () => {
    const app = createAppServices(deps);
    const dm: WorkspaceRef = { platform: 'discord', externalId: 'dm:555000111222333' };
    expect((await app.credits(dm)).balance).toBe(0);
    await app.history(dm);
    await app.experiments.list(dm);
    await ensureWorkspace(db, dm, 30); // even a caller that passes the free credits grants none
    const pair = { workspace: dm, a: { kind: 'asin', asin: asin(900) }, b: { kind: 'asin', asin: asin(901) }, fresh: false } as const;
    const e = await startComparison(deps, pair).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('insufficient_credits');
    expect((e as Error).message).toBe(
      "Not enough credits: a comparison costs 10 credits and your DMs have 0. Direct messages get no free credits: run `/listing` in a server that has ListingLab (it spends the server's credits), or use `buy` to add credits to your DMs.",
    );
    const photo = { kind: 'url', platform: 'discord', url: 'https://cdn.discordapp.com/attachments/1/2/mug.jpg', name: 'mug.jpg' } as const;
    await expect(app.startDraft({ workspace: dm, photos: [photo] })).rejects.toThrow(/a draft costs 4 credits and your DMs have 0\. Direct messages get no free credits/);
    const ws = await findWorkspace(db, dm);
    expect(ws?.balance).toBe(0);
    expect(await ledgerRows(db, ws!.id)).toEqual([]);
    expect(await runsOf(db, ws!.id)).toEqual([]);

    const server: WorkspaceRef = { platform: 'discord', externalId: '555000111222444' };
    expect((await app.credits(server)).balance).toBe(30);
    expect((await app.credits(server)).balance).toBe(30);
    expect(await ledgerRows(db, (await findWorkspace(db, server))!.id, 'signup')).toHaveLength(1);
    await expectLedgerConsistent(db);
  });
});
