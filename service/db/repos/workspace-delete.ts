import { and, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { countWorkspaceRows, type WorkspaceRowCounts } from './workspace-data.ts';
import {
  checkoutSessions,
  creditLedger,
  dataLinks,
  experiments,
  installations,
  outcomes,
  runs,
  workspaceBrands,
  workspaces,
} from '../schema.ts';

/**
 * The SQL of a workspace's data delete (app/data/delete-workspace.ts). Every statement names the
 * workspace by id: a row is reached through its own `workspace_id`, or — a stage, a message, an
 * image index row — through a run that is the workspace's, so nothing here reaches another
 * workspace's rows. The one table shared between workspaces is `image_blobs` (stored once per
 * content): an image goes only when no run of another workspace uses it.
 */

export type DataLinkRow = typeof dataLinks.$inferSelect;

/** What a delete removes (images: those no other workspace uses) and keeps. */
export interface DeleteCounts extends WorkspaceRowCounts {
  /** Runs not finished yet (queued, waiting for a slot or running): cancelled and refunded first. */
  readonly runningRuns: number;
}

/**
 * The images of the workspace's runs that no run of another workspace uses, both read from
 * `run_images` — which records every image a run names from the moment it is created (its
 * inputs: a draft's photos, a manual listing's `sha256:<hex>` references) and after its
 * acquisition (migration 0005's triggers), so an unfinished run of another workspace counts too.
 */
function unsharedImages(workspaceId: string): SQL {
  return sql`
    select b.sha256 from image_blobs b
    where b.sha256 in (select ri.sha256 from run_images ri join runs r on r.id = ri.run_id where r.workspace_id = ${workspaceId})
      and not exists (
        select 1 from run_images ri join runs r on r.id = ri.run_id
        where ri.sha256 = b.sha256 and r.workspace_id <> ${workspaceId})`;
}

export function deleteCounts(db: DbOrTx, workspaceId: string): Promise<DeleteCounts> {
  return countWorkspaceRows(db, workspaceId, unsharedImages(workspaceId), {
    runningRuns: sql`select count(*) from runs where workspace_id = ${workspaceId} and settled_at is null`,
  });
}

export async function insertDeleteConfirmation(db: DbOrTx, workspaceId: string, requestedBy: string, expiresAt: Date, now: Date): Promise<DataLinkRow> {
  const [row] = await db.insert(dataLinks).values({ workspaceId, purpose: 'delete', requestedBy, createdAt: now, expiresAt }).returning();
  if (!row) throw new Error('insert data link returned nothing');
  return row;
}

/** The workspace's own data link `id`, locked (a second confirm waits, then finds it used); another workspace's id is not found. */
export async function lockDataLink(tx: DbOrTx, workspaceId: string, id: string): Promise<DataLinkRow | undefined> {
  const [row] = await tx.select().from(dataLinks).where(and(eq(dataLinks.id, id), eq(dataLinks.workspaceId, workspaceId))).for('update');
  return row;
}

/**
 * Locks every run of the workspace (FOR UPDATE, in id order: the run engine's lock), so no stage
 * settles while its runs are cancelled and removed.
 */
export async function lockWorkspaceRuns(tx: DbOrTx, workspaceId: string): Promise<string[]> {
  const rows = await tx.select({ id: runs.id }).from(runs).where(eq(runs.workspaceId, workspaceId)).orderBy(runs.id).for('update');
  return rows.map((r) => r.id);
}

export async function unsettledRuns(tx: DbOrTx, workspaceId: string) {
  return tx.select().from(runs).where(and(eq(runs.workspaceId, workspaceId), isNull(runs.settledAt))).orderBy(runs.seq);
}

/** Our tasks whose payload names a run (`runId`) or a workspace (`workspaceId`). */
const RUN_TASKS = ['acquire_listings', 'run_stage', 'draft_stage', 'deliver_run'];

/**
 * Removes the workspace's jobs that wait (not locked by a worker): its runs' stage and delivery
 * jobs and its notices. A job a worker holds right now is left to finish: it finds its run gone
 * and ends quietly (the tasks skip a run that no longer exists). Reads graphile-worker 0.18's
 * job table directly, as stale-runs.ts does (its public view has no payload); deleting an
 * unlocked row is what graphile-worker's own `remove_job` does.
 *
 * @see https://worker.graphile.org/docs/admin-functions
 */
export async function removeWaitingJobs(tx: DbOrTx, workspaceId: string): Promise<number> {
  const rows = await tx.execute<{ id: string }>(sql`
    delete from graphile_worker._private_jobs j
    using graphile_worker._private_tasks t
    where t.id = j.task_id
      and j.locked_at is null
      and (
        (t.identifier in (${sql.join(RUN_TASKS.map((n) => sql`${n}`), sql`, `)})
          and j.payload->>'runId' in (select id::text from runs where workspace_id = ${workspaceId}))
        or (t.identifier = 'notify_workspace' and j.payload->>'workspaceId' = ${workspaceId}::text)
      )
    returning j.id`);
  return rows.length;
}

export interface RemovedRows {
  readonly runs: number;
  readonly experiments: number;
  readonly outcomes: number;
  readonly brands: number;
  readonly images: number;
  readonly installations: number;
}

/**
 * Deletes what the workspace owns, in the caller's transaction (which holds the workspace's and
 * its runs' locks): its unshared images (decided in the same statement that deletes them, so a
 * use by another workspace seen by then keeps the image), its runs (their stages, chat message
 * references and image index rows go with them; ledger lines lose their run id), experiments
 * (with their re-run links), outcomes, installations (the tokens), brand list and data links —
 * except `keepLinkId`, the confirmation being used, kept marked used so a second click is told
 * it was used. Ledger and Checkout rows stay for accounting (see `scrubAccounting`).
 */
export async function deleteWorkspaceRows(tx: DbOrTx, workspaceId: string, keepLinkId: string): Promise<RemovedRows> {
  const images = await tx.execute<{ sha256: string }>(sql`delete from image_blobs where sha256 in (${unsharedImages(workspaceId)}) returning sha256`);
  const removed = {
    runs: (await tx.delete(runs).where(eq(runs.workspaceId, workspaceId)).returning({ id: runs.id })).length,
    experiments: (await tx.delete(experiments).where(eq(experiments.workspaceId, workspaceId)).returning({ id: experiments.id })).length,
    outcomes: (await tx.delete(outcomes).where(eq(outcomes.workspaceId, workspaceId)).returning({ id: outcomes.id })).length,
    brands: (await tx.delete(workspaceBrands).where(eq(workspaceBrands.workspaceId, workspaceId)).returning({ id: workspaceBrands.id })).length,
    installations: (await tx.delete(installations).where(eq(installations.workspaceId, workspaceId)).returning({ id: installations.id })).length,
    images: images.length,
  };
  await tx.delete(dataLinks).where(and(eq(dataLinks.workspaceId, workspaceId), sql`${dataLinks.id} <> ${keepLinkId}`));
  return removed;
}

/** Ledger kinds whose note is more than generated wording: see `scrubAccounting`. */
const FREE_TEXT_NOTES = ['reserve', 'grant'] as const;

/**
 * What stays for accounting loses what names a person or the workspace's business: the ledger's
 * amounts, kinds, keys and dates stay (so the balance still reconciles and a retried write is
 * still a no-op), but a reservation's note (the listings compared, a manual listing's own title)
 * and a grant's note (an operator's free-text reason, which may name a person) are removed — the
 * other kinds' notes are fixed wording (a stage name, a pack, a refund's arithmetic). Checkout
 * sessions keep what was sold and paid, not who asked, where, or their link. The workspace's row
 * stays (its platform id and balance are the ledger's owner) without its name and notice channel,
 * marked deleted. The used confirmation keeps when, not who.
 */
export async function scrubAccounting(tx: DbOrTx, workspaceId: string, linkId: string, now: Date): Promise<{ ledgerLines: number; purchases: number; balance: number }> {
  const [ledger] = await tx.select({ n: count() }).from(creditLedger).where(eq(creditLedger.workspaceId, workspaceId));
  await tx
    .update(creditLedger)
    .set({ note: null })
    .where(and(eq(creditLedger.workspaceId, workspaceId), inArray(creditLedger.kind, [...FREE_TEXT_NOTES])));
  const purchases = await tx
    .update(checkoutSessions)
    .set({ requestedBy: null, channelId: null, url: null })
    .where(eq(checkoutSessions.workspaceId, workspaceId))
    .returning({ id: checkoutSessions.id });
  await tx.update(dataLinks).set({ usedAt: now, requestedBy: null }).where(eq(dataLinks.id, linkId));
  const [ws] = await tx
    .update(workspaces)
    .set({ name: null, notifyChannel: null, deletedAt: now })
    .where(eq(workspaces.id, workspaceId))
    .returning({ balance: workspaces.balance, platform: workspaces.platform, externalId: workspaces.externalId });
  if (!ws) throw new Error(`workspace ${workspaceId} vanished during its delete`);
  // Counters of free commands and `buy` per user carry the user's id in their key.
  await tx.execute(sql`delete from rate_limits where starts_with(key, ${`buy:user:${ws.platform}:${ws.externalId}:`})
    or starts_with(key, ${`free:user:${ws.platform}:${ws.externalId}:`})`);
  return { ledgerLines: ledger?.n ?? 0, purchases: purchases.length, balance: ws.balance };
}
