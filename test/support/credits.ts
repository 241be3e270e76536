import { and, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { RunOrigin } from '../../service/app/delivery/index.ts';
import type { ComparisonDeps, StartComparisonInput } from '../../service/app/comparisons/index.ts';
import { parseConfig } from '../../service/config/schema.ts';
import type { Db, DbOrTx } from '../../service/db/client.ts';
import { applyLedgerEntry, ledgerMismatches, overRefundedRuns } from '../../service/db/repos/ledger.ts';
import { ensureWorkspace, type Workspace, type WorkspaceRef } from '../../service/db/repos/workspaces.ts';
import { creditLedger, runs, workspaces } from '../../service/db/schema.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import type { TestDatabase } from '../db.ts';

/** Helpers for the credits tests: workspaces, pairs of listings, the ledger's invariants. */

export async function creditsDeps(tdb: TestDatabase, overrides: Partial<ComparisonDeps> = {}): Promise<ComparisonDeps> {
  const parsed = parseConfig({});
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return { ...(await comparisonDeps(parsed.config, { ...tdb, embedded: false })), ...overrides };
}

export const slack = (teamId: string): WorkspaceRef => ({ platform: 'slack', externalId: teamId });
export const slackOrigin = (teamId: string, channelId = 'C0CREDITS'): RunOrigin => ({ platform: 'slack', teamId, channelId, userId: 'U0TESTER' });

/** A distinct, well-formed ASIN for each n. */
export const asin = (n: number) => `B0${n.toString(36).toUpperCase().padStart(8, '0')}`;

/** Comparison input for pair n of a Slack workspace (distinct pairs never de-duplicate). */
export function pairInput(teamId: string, n: number, extra: Partial<StartComparisonInput> = {}): StartComparisonInput {
  return {
    workspace: slack(teamId),
    a: { kind: 'asin', asin: asin(2 * n) },
    b: { kind: 'asin', asin: asin(2 * n + 1) },
    fresh: false,
    origin: slackOrigin(teamId),
    ...extra,
  };
}

/** A workspace with `balance` credits (its 30 free ones, topped up by a grant when more are asked). */
export async function workspaceWith(db: Db, teamId: string, balance: number): Promise<Workspace> {
  return db.transaction(async (tx) => {
    const ws = await ensureWorkspace(tx, slack(teamId), 30);
    if (balance > ws.balance) {
      await applyLedgerEntry(tx, { workspaceId: ws.id, amount: balance - ws.balance, kind: 'grant', idempotencyKey: `test-grant:${ws.id}` });
    }
    if (balance < ws.balance) {
      await applyLedgerEntry(tx, { workspaceId: ws.id, amount: balance - ws.balance, kind: 'grant', idempotencyKey: `test-debit:${ws.id}` });
    }
    const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, ws.id));
    return row!;
  });
}

export async function balanceOf(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db.select({ balance: workspaces.balance }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row!.balance;
}

export async function ledgerRows(db: DbOrTx, workspaceId: string, kind?: string) {
  return db
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.workspaceId, workspaceId), kind ? sql`${creditLedger.kind} = ${kind}` : undefined));
}

export async function runsOf(db: DbOrTx, workspaceId: string) {
  return db.select().from(runs).where(eq(runs.workspaceId, workspaceId)).orderBy(runs.seq);
}

/** balance = sum of ledger rows for every workspace; no run refunded beyond its reservation. */
export async function expectLedgerConsistent(db: Db): Promise<void> {
  expect(await ledgerMismatches(db)).toEqual([]);
  expect(await overRefundedRuns(db)).toEqual([]);
}

/** graphile-worker jobs of a task, by the run they name. */
export async function jobsFor(db: Db, task: string): Promise<{ runId: string; lockedAt: Date | null }[]> {
  const rows = await db.execute<{ run_id: string; locked_at: Date | null }>(sql`
    select j.payload->>'runId' as run_id, j.locked_at
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = ${task}`);
  return rows.map((r) => ({ runId: r.run_id, lockedAt: r.locked_at }));
}

/**
 * A run whose worker was killed: every timestamp of the run pushed `minutes` into the past and
 * its jobs locked, that long ago, by a worker that no longer exists.
 */
export async function killWorkerOf(db: Db, runId: string, minutes: number): Promise<void> {
  const ago = sql`now() - make_interval(mins => ${minutes})`;
  await db.execute(sql`update runs set created_at = ${ago}, admitted_at = case when admitted_at is null then null else ${ago} end,
    started_at = case when started_at is null then null else ${ago} end where id = ${runId}`);
  await db.execute(sql`update run_stages set started_at = case when started_at is null then null else ${ago} end,
    finished_at = case when finished_at is null then null else ${ago} end where run_id = ${runId}`);
  await db.execute(sql`update graphile_worker._private_jobs set locked_at = ${ago}, locked_by = 'killed-worker', attempts = greatest(attempts, 1)
    where payload->>'runId' = ${runId}`);
}
