import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { columnValue, hot } from '../hot.ts';
import { workspaces } from '../schema.ts';
import { applyLedgerEntry } from './ledger.ts';
import { drawsFreeCredits, type WorkspaceRef } from '../../domain/workspace.ts';

export type Workspace = typeof workspaces.$inferSelect;
export type { Platform, WorkspaceRef } from '../../domain/workspace.ts';

/**
 * The workspace for a platform id, created on first sight with its free credits (a ledger row
 * keyed on the workspace, so concurrent first commands grant once). `freeCredits` is what a new
 * workspace of its platform gets; a workspace that draws none (a Discord DM, `drawsFreeCredits`)
 * gets nothing whatever its caller passes, so no path into a workspace can grant them.
 */
export async function ensureWorkspace(tx: DbOrTx, ref: WorkspaceRef, freeCredits: number): Promise<Workspace> {
  await tx
    .insert(workspaces)
    .values({ platform: ref.platform, externalId: ref.externalId, name: ref.name ?? null })
    .onConflictDoNothing({ target: [workspaces.platform, workspaces.externalId] });
  const [found] = await tx
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, ref.platform), eq(workspaces.externalId, ref.externalId)));
  if (!found) throw new Error('workspace vanished after upsert');
  const ws = found.deletedAt ? await revive(tx, found, ref) : found;
  if (freeCredits > 0 && drawsFreeCredits(ws)) {
    const r = await applyLedgerEntry(tx, {
      workspaceId: ws.id,
      amount: freeCredits,
      kind: 'signup',
      idempotencyKey: `signup:${ws.id}`,
      note: 'free credits for a new workspace',
    });
    if (r.applied) return { ...ws, balance: r.balance };
  }
  return ws;
}

/** ensureAndLockWorkspace's statement, built once (db/hot.ts): it begins every run's creation. */
const upsertLocked = hot('ensure_and_lock_workspace', (db) =>
  db
    .insert(workspaces)
    .values({ platform: columnValue('platform'), externalId: columnValue('externalId'), name: columnValue('name') })
    .onConflictDoUpdate({ target: [workspaces.platform, workspaces.externalId], set: { name: sql`${workspaces.name}` } })
    .returning(),
);

/**
 * `ensureWorkspace` and `lockWorkspace` in one: the upsert's no-op update (the name set to itself,
 * no key column touched) takes the same FOR NO KEY UPDATE lock — so inserts referencing the
 * workspace are not blocked — and returns the row as it is once the lock is held, including a
 * deletion committed while this waited (the caller brings it back: app/data).
 */
export async function ensureAndLockWorkspace(tx: DbOrTx, ref: WorkspaceRef, freeCredits: number): Promise<Workspace> {
  const [ws] = await upsertLocked(tx, { platform: ref.platform, externalId: ref.externalId, name: ref.name ?? null });
  if (!ws) throw new Error('workspace upsert returned nothing');
  if (freeCredits > 0 && !ws.deletedAt && drawsFreeCredits(ws)) {
    const r = await applyLedgerEntry(tx, { workspaceId: ws.id, amount: freeCredits, kind: 'signup', idempotencyKey: `signup:${ws.id}`, note: 'free credits for a new workspace' });
    if (r.applied) return { ...ws, balance: r.balance };
  }
  return ws;
}

/**
 * A workspace whose data was deleted (app/data) and that is used again: it comes back empty, with
 * the balance its kept ledger sums to and its name if the platform gave one. No second free
 * credits: its `signup:<ws>` ledger line was kept, and that key grants once.
 */
async function revive(tx: DbOrTx, ws: Workspace, ref: WorkspaceRef): Promise<Workspace> {
  const [row] = await tx
    .update(workspaces)
    .set({ deletedAt: null, name: ref.name ?? ws.name })
    .where(eq(workspaces.id, ws.id))
    .returning();
  return row ?? ws;
}

export async function findWorkspace(db: DbOrTx, ref: Pick<WorkspaceRef, 'platform' | 'externalId'>): Promise<Workspace | undefined> {
  const [ws] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, ref.platform), eq(workspaces.externalId, ref.externalId)));
  return ws;
}

/**
 * Locks the workspace row for the rest of the transaction (serialises reservations and slot
 * decisions). FOR NO KEY UPDATE — the lock a balance UPDATE takes anyway — so it does not wait on
 * the KEY SHARE locks other transactions' ledger and run inserts hold through their foreign keys
 * (FOR UPDATE would, and two finishing runs of one workspace would deadlock).
 */
export async function lockWorkspace(tx: DbOrTx, id: string): Promise<Workspace> {
  const [ws] = await tx.select().from(workspaces).where(eq(workspaces.id, id)).for('no key update');
  if (!ws) throw new Error(`workspace ${id} not found`);
  return ws;
}

export async function getWorkspace(db: DbOrTx, id: string): Promise<Workspace | undefined> {
  const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  return ws;
}
