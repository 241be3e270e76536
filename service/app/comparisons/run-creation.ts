import type { Db, DbOrTx } from '../../db/client.ts';
import { applyLedgerEntry } from '../../db/repos/ledger.ts';
import { findByRequestKey, queuePosition, type Run } from '../../db/repos/runs.ts';
import { ensureAndLockWorkspace, ensureWorkspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import { fillSlots } from './run-slots.ts';
import { scheduleDelivery } from '../delivery/index.ts';

/**
 * The head every run creation shares (comparisons and drafts), inside the creating transaction:
 * the workspace (free credits on first sight, when metered), locked; the time read after the lock
 * (creation order, dedup window and the day are those of the lock holder); and the run this very
 * request already created, when it is a redelivery.
 */
export async function openRunCreation(
  tx: DbOrTx,
  args: { workspace: WorkspaceRef; freeCredits: number; requestKey: string | undefined; now: () => number },
): Promise<{ ws: Awaited<ReturnType<typeof ensureAndLockWorkspace>>; now: Date; existing?: { kind: 'existing'; run: Run; reason: 'same_request'; queuePosition: number | null } }> {
  let ws = await ensureAndLockWorkspace(tx, args.workspace, args.freeCredits);
  // Its data was deleted while this waited for the lock (app/data): the new run brings it back.
  if (ws.deletedAt) ws = await ensureWorkspace(tx, args.workspace, args.freeCredits);
  const now = new Date(args.now());
  if (args.requestKey) {
    const same = await findByRequestKey(tx, ws.id, args.requestKey);
    if (same) return { ws, now, existing: { kind: 'existing', run: same, reason: 'same_request', queuePosition: await queuePosition(tx, same) } };
  }
  return { ws, now };
}

/**
 * The tail every run creation shares (comparisons and drafts), inside the creating transaction:
 * reserve its credits, give it a running slot if the workspace has one free (waiting runs first),
 * and send its root message at once — saying it waits, where it does.
 */
export async function reserveAndAdmit(
  tx: DbOrTx,
  args: { ws: { id: string; balance: number }; run: Run; cost: number; note: string; maxRunning: number; now: Date },
): Promise<{ kind: 'created'; run: Run; balance: number; queuePosition: number | null }> {
  const { ws, run, cost, now } = args;
  let balance = ws.balance;
  if (cost > 0) {
    const r = await applyLedgerEntry(tx, {
      workspaceId: ws.id,
      amount: -cost,
      kind: 'reserve',
      idempotencyKey: `reserve:${run.id}:${run.generation}`,
      runId: run.id,
      note: args.note,
    });
    balance = r.balance;
  }
  const admitted = await fillSlots(tx, ws.id, args.maxRunning, now);
  const started = admitted.has(run.id) ? { ...run, admittedAt: now } : run;
  // An admitted run's delivery was scheduled when it started (run-slots.ts), just as this would.
  if (!admitted.has(run.id)) await scheduleDelivery(tx, run, 0);
  return { kind: 'created', run: started, balance, queuePosition: await queuePosition(tx, started) };
}

/**
 * Two deliveries of one request raced past the request-key lookup and the unique index let one
 * through: the loser returns the winner's run. Anything else is rethrown.
 */
export async function existingAfterRace(
  db: Db,
  workspace: WorkspaceRef,
  requestKey: string | undefined,
  error: unknown,
): Promise<{ kind: 'existing'; run: Run; reason: 'same_request'; queuePosition: number | null }> {
  const cause = (error as { code?: string; cause?: { code?: string } } | undefined);
  if (requestKey && (cause?.code === '23505' || cause?.cause?.code === '23505')) {
    const ws = await ensureWorkspace(db, workspace, 0);
    const same = await findByRequestKey(db, ws.id, requestKey);
    if (same) return { kind: 'existing', run: same, reason: 'same_request', queuePosition: await queuePosition(db, same) };
  }
  throw error;
}
