import { DEFAULTS } from '../../config/defaults.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { applyLedgerEntry } from '../../db/repos/ledger.ts';
import { getStageStates, type Run } from '../../db/repos/runs.ts';
import {
  deleteCounts,
  deleteWorkspaceRows,
  insertDeleteConfirmation,
  lockDataLink,
  lockWorkspaceRuns,
  removeWaitingJobs,
  scrubAccounting,
  unsettledRuns,
} from '../../db/repos/workspace-delete.ts';
import { findWorkspace, lockWorkspace, type Workspace } from '../../db/repos/workspaces.ts';
import { UserError } from '../../domain/errors.ts';
import type { WorkspaceRef } from '../../domain/workspace.ts';
import type { Clock } from '../../providers/provider.ts';
import { isSettled, refundKey } from '../comparisons/index.ts';
import type { DeleteRequest, DeleteResult, WorkspaceDataCounts } from './types.ts';

/**
 * A workspace admin's delete of the workspace's data (issue 21, item 1): asked (`requestDelete`,
 * a confirmation that expires after DEFAULTS.data.deleteConfirmMinutes), then confirmed
 * (`confirmDelete`) — in one transaction that cancels and refunds the workspace's unfinished
 * runs, removes their waiting jobs, and deletes its runs, stage outputs, images no other
 * workspace uses, experiments, outcomes, installations and brand list. The ledger and purchase
 * lines stay, as accounting needs them, without user ids (repos/workspace-delete.ts says what is
 * scrubbed); the balance still equals the ledger's sum. The workspace's row stays, marked
 * deleted: a later command brings it back empty, with its remaining balance and no second free
 * credits (`ensureWorkspace`).
 *
 * Who may delete is the front end's call (types.ts); these never create a workspace.
 */

/** What these use-cases need (DataDeps, named here so this file does not import the file that wires it). */
export interface DeleteDeps {
  readonly db: Db;
  readonly clock: Clock;
}

const MINUTE_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFoundWorkspace(ref: WorkspaceRef): UserError {
  return new UserError('not_found', `There is no ${ref.platform} workspace ${ref.externalId} here: nothing was ever run or bought in it, so there is nothing to delete.`);
}

const noSuchConfirmation = () => new UserError('not_found', 'No such delete confirmation in this workspace: ask for the delete again.');

async function existingWorkspace(db: Db, ref: WorkspaceRef): Promise<Workspace> {
  const ws = await findWorkspace(db, ref);
  if (!ws) throw notFoundWorkspace(ref);
  return ws;
}

const withoutRunning = ({ runningRuns: _r, ...counts }: WorkspaceDataCounts & { runningRuns: number }): WorkspaceDataCounts => counts;

/** Records a delete confirmation (a `data_links` row, purpose 'delete') and says what a confirm would remove; nothing is removed. */
export async function requestDelete(deps: DeleteDeps, ref: WorkspaceRef, requestedBy: string): Promise<DeleteRequest> {
  const ws = await existingWorkspace(deps.db, ref);
  const now = new Date(deps.clock.now());
  const expiresAt = new Date(now.getTime() + DEFAULTS.data.deleteConfirmMinutes * MINUTE_MS);
  const link = await insertDeleteConfirmation(deps.db, ws.id, requestedBy, expiresAt, now);
  const counts = await deleteCounts(deps.db, ws.id);
  return { confirmationId: link.id, expiresAt: link.expiresAt, counts: withoutRunning(counts), runningRuns: counts.runningRuns };
}

/**
 * Deletes the workspace's data if `confirmationId` is its own unused, unexpired delete
 * confirmation; otherwise UserError — 'not_found' for an id that is not one of this workspace's
 * (nothing is said about other workspaces), 'confirmation_expired' for one expired or used — and
 * nothing changes.
 *
 * Locks: the workspace's row first — the lock every run creation takes, and takes first, so a
 * run being created either commits before (and is removed here) or waits and comes after — then
 * every run of the workspace, so no stage settles (and is spent, or refunded) between reading
 * what a run has not spent and removing it. The run engine takes these two the other way round
 * (a finishing run locks its row, then the workspace's to hand its slot over), so Postgres may
 * end one of the two as a deadlock: the engine's job is retried (tasks are idempotent, and find
 * the run gone), and this transaction is tried again from the start — its rollback left nothing.
 */
export async function confirmDelete(deps: DeleteDeps, ref: WorkspaceRef, confirmationId: string, _confirmedBy: string): Promise<DeleteResult> {
  if (!UUID.test(confirmationId)) throw noSuchConfirmation();
  const ws = await existingWorkspace(deps.db, ref);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction((tx) => deleteInTransaction(tx, deps.clock, ws.id, confirmationId.toLowerCase()));
    } catch (e) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(e)) throw e;
    }
  }
}

const DEADLOCK_ATTEMPTS = 3;

function isDeadlock(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } } | undefined;
  return err?.code === '40P01' || err?.cause?.code === '40P01';
}

async function deleteInTransaction(tx: DbOrTx, clock: Clock, workspaceId: string, linkId: string): Promise<DeleteResult> {
  await lockWorkspace(tx, workspaceId);
  await lockWorkspaceRuns(tx, workspaceId);
  const now = new Date(clock.now());
  const link = await lockDataLink(tx, workspaceId, linkId);
  if (!link || link.purpose !== 'delete') throw noSuchConfirmation();
  if (link.usedAt !== null || link.expiresAt.getTime() <= now.getTime()) {
    throw new UserError('confirmation_expired', 'That delete confirmation has expired or was already used: ask for the delete again.');
  }
  const cancelled = await unsettledRuns(tx, workspaceId);
  for (const run of cancelled) await refundUnsettled(tx, run);
  await removeWaitingJobs(tx, workspaceId);
  const removed = await deleteWorkspaceRows(tx, workspaceId, link.id);
  const kept = await scrubAccounting(tx, workspaceId, link.id, now);
  return {
    removed: { ...removed, ledgerLines: 0, purchases: 0 },
    cancelledRuns: cancelled.length,
    keptLedgerLines: kept.ledgerLines,
    keptPurchases: kept.purchases,
    balance: kept.balance,
  };
}

/**
 * A cancelled run gives back what it has not spent, as a failed run does (run-engine `failRun`):
 * each unsettled stage's credits, under the key `refund:<run>:<generation>:<stage>` — so a stage
 * refunded already (its own failure, the sweep) is never refunded twice. Its slot is not handed
 * over: every run of the workspace is going.
 */
async function refundUnsettled(tx: DbOrTx, run: Run): Promise<void> {
  for (const s of await getStageStates(tx, run.id)) {
    if (isSettled(s.status) || s.credits <= 0) continue;
    await applyLedgerEntry(tx, {
      workspaceId: run.workspaceId,
      amount: s.credits,
      kind: 'refund',
      idempotencyKey: refundKey(run, s.stage),
      runId: run.id,
      note: `${s.stage} cancelled: the workspace's data was deleted`,
    });
  }
}
