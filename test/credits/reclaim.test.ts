import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { beginStage, completeStage, reclaimStaleRuns, type ReclaimDeps, startComparison } from '../../service/app/comparisons/index.ts';
import { loadRunView } from '../../service/app/views/index.ts';
import { runs, runStages } from '../../service/db/schema.ts';
import { systemClock } from '../../service/providers/provider.ts';
import { useTestDatabase } from '../db.ts';
import { balanceOf, creditsDeps, expectLedgerConsistent, jobsFor, killWorkerOf, ledgerRows, pairInput, workspaceWith } from '../support/credits.ts';

/** A reservation whose run died is reclaimed by the sweep: never stuck, never doubled. */

const tdb = await useTestDatabase();
const db = tdb.db;
const deps = await creditsDeps(tdb);
const sweep: ReclaimDeps = { db, clock: systemClock, staleAfterMs: 15 * 60_000 };

const stagesOf = async (runId: string) =>
  Object.fromEntries((await db.select().from(runStages).where(eq(runStages.runId, runId))).map((s) => [s.stage, s.status]));

describe('the sweep of dead runs', () => {
  test('a run whose worker was killed mid-acquisition is failed with `timeout` and refunded, once', async () => {
    const ws = await workspaceWith(db, 'TDEAD', 30);
    const { run } = await startComparison(deps, pairInput('TDEAD', 1));
    expect(await beginStage(db, run.id, 'acquire')).toBe(true);
    expect(await balanceOf(db, ws.id)).toBe(20);
    // Recently active: not touched.
    expect(await reclaimStaleRuns(sweep)).toEqual([]);

    await killWorkerOf(db, run.id, 20);
    expect(await reclaimStaleRuns(sweep)).toEqual([run.id]);
    expect(await balanceOf(db, ws.id)).toBe(30);
    const [after] = await db.select().from(runs).where(eq(runs.id, run.id));
    expect(after).toMatchObject({ status: 'failed', errorCode: 'timeout' });
    expect(after?.settledAt).not.toBeNull();
    expect(await stagesOf(run.id)).toEqual({ acquire: 'failed', ctr: 'skipped', pdp: 'skipped', text: 'skipped', avatars: 'skipped', verdict: 'skipped' });
    expect((await loadRunView(db, run.id))?.errorMessage).toMatch(/No progress for 15 minutes/);

    // Swept again, or the late worker finally reporting: nothing moves.
    expect(await reclaimStaleRuns(sweep)).toEqual([]);
    await completeStage(db, run.id, 'acquire', { ok: false, code: 'acquisition_failed', message: 'late' });
    expect(await beginStage(db, run.id, 'ctr')).toBe(false);
    expect(await balanceOf(db, ws.id)).toBe(30);
    expect(await ledgerRows(db, ws.id, 'refund')).toHaveLength(4); // ctr, pdp, text, avatars
    await expectLedgerConsistent(db);
  });

  test('stages already refunded are not refunded again; concurrent sweeps reclaim once', async () => {
    const ws = await workspaceWith(db, 'TPARTIAL', 30);
    const { run } = await startComparison(deps, pairInput('TPARTIAL', 1));
    await completeStage(db, run.id, 'acquire', { ok: true, output: {}, provider: 'acquire', model: 'test' });
    await completeStage(db, run.id, 'ctr', { ok: false, code: 'provider_failed', message: 'down' });
    await completeStage(db, run.id, 'pdp', { ok: true, output: {}, provider: 'rules', model: 'test' });
    expect(await beginStage(db, run.id, 'text')).toBe(true);
    expect(await balanceOf(db, ws.id)).toBe(23); // 30 − 10 + 3 (ctr refunded)

    await killWorkerOf(db, run.id, 30);
    const results = await Promise.all([reclaimStaleRuns(sweep), reclaimStaleRuns(sweep), reclaimStaleRuns(sweep)]);
    expect(results.flat()).toEqual([run.id]);
    // text (2) and avatars (2) come back; pdp did its work and stays paid for.
    expect(await balanceOf(db, ws.id)).toBe(27);
    expect(await stagesOf(run.id)).toMatchObject({ ctr: 'failed', pdp: 'succeeded', text: 'failed', avatars: 'skipped' });
    await expectLedgerConsistent(db);
  });

  test('a run with a live job is left alone however old; one locked recently is alive', async () => {
    await workspaceWith(db, 'TALIVE', 30);
    const waiting = await startComparison(deps, pairInput('TALIVE', 1));
    const locked = await startComparison(deps, pairInput('TALIVE', 2));
    await killWorkerOf(db, waiting.run.id, 60);
    // The job is waiting for a worker (workers busy, or none running): not dead.
    await tdb.sql`update graphile_worker._private_jobs set locked_at = null, locked_by = null where payload->>'runId' = ${waiting.run.id}`;
    // A worker took the job a minute ago: alive, even if the run's timestamps are old.
    await killWorkerOf(db, locked.run.id, 60);
    await tdb.sql`update graphile_worker._private_jobs set locked_at = now() - interval '1 minute' where payload->>'runId' = ${locked.run.id}`;
    expect(await reclaimStaleRuns(sweep)).toEqual([]);
    // Control: the same job locked 20 minutes ago belongs to a dead worker.
    await tdb.sql`update graphile_worker._private_jobs set locked_at = now() - interval '20 minutes' where payload->>'runId' = ${locked.run.id}`;
    expect(await reclaimStaleRuns(sweep)).toEqual([locked.run.id]);
    // A job whose attempts ran out is not live either.
    await tdb.sql`update graphile_worker._private_jobs set attempts = max_attempts where payload->>'runId' = ${waiting.run.id}`;
    expect(await reclaimStaleRuns(sweep)).toEqual([waiting.run.id]);
  });

  test('a reclaimed run hands its slot to the next waiting run; waiting runs are never swept', async () => {
    const ws = await workspaceWith(db, 'TSLOT', 100);
    const started = [];
    for (let i = 0; i < 4; i++) started.push(await startComparison(deps, pairInput('TSLOT', i)));
    expect(started.map((r) => r.queuePosition)).toEqual([null, null, null, 1]);
    const waiting = started[3]!.run.id;
    await killWorkerOf(db, waiting, 60); // old, and no job at all — but it is waiting, not dead
    await killWorkerOf(db, started[0]!.run.id, 60);
    expect(await reclaimStaleRuns(sweep)).toEqual([started[0]!.run.id]);
    expect((await jobsFor(db, 'acquire_listings')).filter((j) => j.runId === waiting)).toHaveLength(1);
    expect((await loadRunView(db, waiting))?.queuePosition).toBeNull();
    expect(await balanceOf(db, ws.id)).toBe(70);
    await expectLedgerConsistent(db);
  });
});
