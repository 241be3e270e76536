import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, describe, expect, test } from 'vitest';
import { startComparison } from '../../service/app/comparisons/index.ts';
import { getStages } from '../../service/db/repos/runs.ts';
import * as schema from '../../service/db/schema.ts';
import { useTestDatabase } from '../db.ts';
import { balanceOf, creditsDeps, expectLedgerConsistent, jobsFor, ledgerRows, pairInput } from '../support/credits.ts';

/**
 * A run's creation is a short transaction (run-creation.ts): it holds the workspace's lock, and
 * its length is most of the time from a command to its first job. These count its statements.
 */

const tdb = await useTestDatabase();
const sent: string[] = [];
// A client of its own that records every statement it sends (postgres.js `debug`).
const client = postgres(tdb.url, { max: 1, onnotice: () => undefined, debug: (_connection, query) => void sent.push(query.trim().split(/\s+/)[0]!.toLowerCase()) });
afterAll(() => client.end());
const deps = await creditsDeps(tdb, { db: drizzle(client, { schema }) });

describe('creating a comparison', () => {
  test('a new workspace: five statements, the run admitted with its first jobs and its reservation', async () => {
    sent.length = 0;
    const r = await startComparison(deps, pairInput('TSTMT', 1, { requestKey: 'stmt-1' }));
    expect(r.kind).toBe('created');
    // begin, the workspace upserted and locked, the facts read with the free credits, the run with everything, commit.
    expect(sent).toEqual(['begin', 'insert', 'with', 'with', 'commit']);
    if (r.kind !== 'created') return;
    expect(r.run.admittedAt).not.toBeNull();
    expect(r.queuePosition).toBeNull();
    expect(r.balance).toBe(20);
    const stages = await getStages(tdb.db, r.run.id);
    expect(stages.filter((s) => s.status === 'queued').map((s) => s.stage)).toEqual(['acquire']);
    expect(stages.every((s) => s.status === 'queued' || s.status === 'pending')).toBe(true);
    expect((await jobsFor(tdb.db, 'acquire_listings')).map((j) => j.runId)).toContain(r.run.id);
    expect((await jobsFor(tdb.db, 'deliver_run')).map((j) => j.runId)).toContain(r.run.id);
    expect(await ledgerRows(tdb.db, r.run.workspaceId, 'reserve')).toHaveLength(1);
    expect(await ledgerRows(tdb.db, r.run.workspaceId, 'signup')).toHaveLength(1);
    expect(await balanceOf(tdb.db, r.run.workspaceId)).toBe(20);
    await expectLedgerConsistent(tdb.db);
  });

  test('the same command again: the run it created, no second run or reservation', async () => {
    sent.length = 0;
    const again = await startComparison(deps, pairInput('TSTMT', 1, { requestKey: 'stmt-1' }));
    expect(again.kind).toBe('existing');
    // begin, the upsert, the facts, the run read, commit.
    expect(sent).toEqual(['begin', 'insert', 'with', 'select', 'commit']);
    if (again.kind !== 'existing') return;
    expect(again.reason).toBe('same_request');
    expect(await ledgerRows(tdb.db, again.run.workspaceId, 'reserve')).toHaveLength(1);
    await expectLedgerConsistent(tdb.db);
  });
});
