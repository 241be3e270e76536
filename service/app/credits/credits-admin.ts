import { randomUUID } from 'node:crypto';
import { UserError } from '../../domain/errors.ts';
import type { Db } from '../../db/client.ts';
import { applyLedgerEntry, countWorkspaces, ledgerMismatches, overRefundedRuns } from '../../db/repos/ledger.ts';
import { findWorkspace, getWorkspace, lockWorkspace, type Workspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import { summarizeCredits, type CreditsSummary } from './credits-summary.ts';

/**
 * Operators' and support's use-cases on credits (`listinglab credits …`). Unlike the chat
 * commands they never create a workspace: a typo must not mint one with free credits.
 */

const notFound = (ref: Pick<WorkspaceRef, 'platform' | 'externalId'>) =>
  new UserError('not_found', `No workspace ${ref.platform}/${ref.externalId} (a workspace is created by its first command).`);

export async function workspaceCredits(
  db: Db,
  ref: Pick<WorkspaceRef, 'platform' | 'externalId'>,
  dailyCap: number,
  now: Date,
): Promise<{ workspace: Workspace; summary: CreditsSummary }> {
  const ws = await findWorkspace(db, ref);
  if (!ws) throw notFound(ref);
  return { workspace: ws, summary: await summarizeCredits(db, ws, dailyCap, now, 10) };
}

export interface GrantResult {
  /** False when a grant with this key was already made: nothing changed. */
  readonly applied: boolean;
  readonly balance: number;
  readonly key: string;
}

/**
 * A support grant: a `grant` ledger row and the balance, in one transaction. With a `key` the
 * grant is idempotent (the same key grants once, e.g. a ticket number); without one, every call
 * grants.
 */
export async function grantCredits(
  db: Db,
  ref: Pick<WorkspaceRef, 'platform' | 'externalId'>,
  amount: number,
  reason: string,
  key?: string,
): Promise<GrantResult> {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new UserError('bad_command', 'The amount must be a positive whole number of credits.');
  if (!reason.trim()) throw new UserError('missing_argument', 'Say why with --reason "…" (it is kept in the ledger).');
  const ws = await findWorkspace(db, ref);
  if (!ws) throw notFound(ref);
  const idempotencyKey = key ? `grant:${ws.id}:${key}` : `grant:${ws.id}:${randomUUID()}`;
  return db.transaction(async (tx) => {
    await lockWorkspace(tx, ws.id);
    const r = await applyLedgerEntry(tx, { workspaceId: ws.id, amount, kind: 'grant', idempotencyKey, note: reason.trim().slice(0, 200) });
    return { applied: r.applied, balance: r.balance, key: idempotencyKey };
  });
}

export interface LedgerCheck {
  readonly workspaces: number;
  /** Balance ≠ sum of the workspace's ledger rows. */
  readonly mismatches: readonly { workspace: string; workspaceId: string; balance: number; ledgerSum: number }[];
  /** Runs refunded more than they reserved. */
  readonly overRefunded: readonly { runId: string; reserved: number; refunded: number }[];
  readonly ok: boolean;
}

/** The invariants of the ledger, checked over every workspace and run. */
export async function checkLedger(db: Db): Promise<LedgerCheck> {
  const mismatches = [];
  for (const m of await ledgerMismatches(db)) {
    const ws = await getWorkspace(db, m.workspaceId);
    mismatches.push({ ...m, workspace: ws ? `${ws.platform}/${ws.externalId}` : m.workspaceId });
  }
  const overRefunded = await overRefundedRuns(db);
  return { workspaces: await countWorkspaces(db), mismatches, overRefunded, ok: mismatches.length === 0 && overRefunded.length === 0 };
}
