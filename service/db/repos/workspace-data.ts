import { and, asc, eq, getTableColumns, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import {
  checkoutSessions,
  creditLedger,
  dataLinks,
  experimentRuns,
  experiments,
  imageBlobs,
  outcomes,
  runImages,
  runs,
  runStages,
  workspaceBrands,
  workspaces,
} from '../schema.ts';

/**
 * The read queries behind a workspace's data export (app/data, docs/export-format.md), and its
 * export links. Every query names the workspace: a row is reached only through a `workspace_id`
 * equal to the one asked for (a stage, an experiment's re-run link or an image through the run or
 * experiment that is the workspace's), so no query here can return another workspace's data.
 */

export type ExportWorkspaceRow = typeof workspaces.$inferSelect;
export type ExportRunRow = typeof runs.$inferSelect;
export type ExportStageRow = typeof runStages.$inferSelect;

/**
 * How many of each thing the workspace holds: what an export carries and a delete removes (the
 * one definition: app/data's WorkspaceDataCounts and a delete's counts are this).
 */
export interface WorkspaceRowCounts {
  readonly runs: number;
  readonly experiments: number;
  readonly outcomes: number;
  readonly ledgerLines: number;
  readonly purchases: number;
  readonly brands: number;
  readonly images: number;
}

/** The images of the workspace's runs that are still stored (an export's). */
export function storedImagesOf(workspaceId: string): SQL {
  return sql`
    select distinct ri.sha256 from run_images ri
      join runs r on r.id = ri.run_id
      join image_blobs b on b.sha256 = ri.sha256
    where r.workspace_id = ${workspaceId}`;
}

/**
 * The workspace's row counts in one statement; `images` counts the rows of `images` (a query of
 * sha256s: the export's stored images, or a delete's unshared ones), `extra` adds named counts.
 */
export async function countWorkspaceRows<E extends string = never>(
  db: DbOrTx,
  workspaceId: string,
  images: SQL = storedImagesOf(workspaceId),
  extra: Readonly<Record<E, SQL>> = {} as Record<E, SQL>,
): Promise<WorkspaceRowCounts & Record<E, number>> {
  const more = Object.entries<SQL>(extra).map(([name, query]) => sql`, (${query})::int as ${sql.identifier(name)}`);
  const rows = await db.execute<Record<string, number>>(sql`
    select
      (select count(*) from runs where workspace_id = ${workspaceId})::int as "runs",
      (select count(*) from experiments where workspace_id = ${workspaceId})::int as "experiments",
      (select count(*) from outcomes where workspace_id = ${workspaceId})::int as "outcomes",
      (select count(*) from credit_ledger where workspace_id = ${workspaceId})::int as "ledgerLines",
      (select count(*) from checkout_sessions where workspace_id = ${workspaceId})::int as "purchases",
      (select count(*) from workspace_brands where workspace_id = ${workspaceId})::int as "brands",
      (select count(*) from (${images}) i)::int as "images"
      ${sql.join(more, sql``)}`);
  const row = rows[0];
  if (!row) throw new Error('counting a workspace returned nothing');
  // Every column above is a count cast to int: the row is exactly these names.
  return row as WorkspaceRowCounts & Record<E, number>;
}

export function workspaceRowCounts(db: DbOrTx, workspaceId: string): Promise<WorkspaceRowCounts> {
  return countWorkspaceRows(db, workspaceId);
}

/** The workspace's runs, oldest first (creation order). */
export async function workspaceRunIds(db: DbOrTx, workspaceId: string): Promise<string[]> {
  const rows = await db.select({ id: runs.id }).from(runs).where(eq(runs.workspaceId, workspaceId)).orderBy(asc(runs.seq));
  return rows.map((r) => r.id);
}

/** One run of the workspace with its stage rows; undefined when it is not (or no longer) the workspace's. */
export async function workspaceRun(db: DbOrTx, workspaceId: string, runId: string): Promise<{ run: ExportRunRow; stages: ExportStageRow[] } | undefined> {
  const [run] = await db.select().from(runs).where(and(eq(runs.id, runId), eq(runs.workspaceId, workspaceId)));
  if (!run) return undefined;
  const stages = await db
    .select({ stage: runStages })
    .from(runStages)
    .innerJoin(runs, eq(runs.id, runStages.runId))
    .where(and(eq(runStages.runId, runId), eq(runs.workspaceId, workspaceId)))
    .orderBy(sql`${runStages.startedAt} asc nulls last`, asc(runStages.stage));
  return { run, stages: stages.map((s) => s.stage) };
}

export async function workspaceExperiments(db: DbOrTx, workspaceId: string) {
  const list = await db.select().from(experiments).where(eq(experiments.workspaceId, workspaceId)).orderBy(asc(experiments.createdAt), asc(experiments.id));
  const links = await db
    .select({ link: experimentRuns })
    .from(experimentRuns)
    .innerJoin(experiments, eq(experiments.id, experimentRuns.experimentId))
    .where(eq(experiments.workspaceId, workspaceId))
    .orderBy(asc(experimentRuns.createdAt), asc(experimentRuns.id));
  return { experiments: list, runs: links.map((l) => l.link) };
}

export async function workspaceOutcomes(db: DbOrTx, workspaceId: string) {
  return db.select().from(outcomes).where(eq(outcomes.workspaceId, workspaceId)).orderBy(asc(outcomes.createdAt), asc(outcomes.id));
}

export async function workspacePurchases(db: DbOrTx, workspaceId: string) {
  return db.select().from(checkoutSessions).where(eq(checkoutSessions.workspaceId, workspaceId)).orderBy(asc(checkoutSessions.createdAt), asc(checkoutSessions.id));
}

export async function workspaceBrandRows(db: DbOrTx, workspaceId: string) {
  return db.select().from(workspaceBrands).where(eq(workspaceBrands.workspaceId, workspaceId)).orderBy(asc(workspaceBrands.createdAt), asc(workspaceBrands.id));
}

/**
 * Every ledger line of the workspace, oldest first, and its balance — read in one snapshot
 * (REPEATABLE READ), so the lines always sum to the balance beside them even while runs spend.
 */
export async function workspaceLedger(db: DbOrTx, workspaceId: string) {
  return db.transaction(
    async (tx) => {
      const [ws] = await tx.select({ balance: workspaces.balance }).from(workspaces).where(eq(workspaces.id, workspaceId));
      const lines = await tx.select().from(creditLedger).where(eq(creditLedger.workspaceId, workspaceId)).orderBy(asc(creditLedger.id));
      return { balance: ws?.balance ?? 0, lines };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The stored images the workspace's runs use (metadata only, no bytes), with the runs that use each. */
export async function workspaceImageIndex(db: DbOrTx, workspaceId: string) {
  const rows = await db.execute<{ sha256: string; media_type: string; width: number; height: number; byte_size: number; source_url: string | null; run_ids: string[] }>(sql`
    select b.sha256, b.media_type, b.width, b.height, b.byte_size, b.source_url,
           array_agg(distinct ri.run_id::text order by ri.run_id::text) as run_ids
    from run_images ri
    join runs r on r.id = ri.run_id
    join image_blobs b on b.sha256 = ri.sha256
    where r.workspace_id = ${workspaceId}
    group by b.sha256
    order by b.sha256`);
  return rows.map((r) => ({ sha256: r.sha256, mediaType: r.media_type, width: r.width, height: r.height, byteSize: r.byte_size, sourceUrl: r.source_url, runIds: r.run_ids }));
}

/** One image's bytes, if a run of the workspace uses it and it is still stored. */
export async function workspaceImageBytes(db: DbOrTx, workspaceId: string, sha256: string): Promise<Buffer | undefined> {
  const [row] = await db
    .select({ bytes: imageBlobs.bytes })
    .from(imageBlobs)
    .where(
      and(
        eq(imageBlobs.sha256, sha256),
        sql`exists (select 1 from ${runImages} ri join ${runs} r on r.id = ri.run_id where ri.sha256 = ${imageBlobs.sha256} and r.workspace_id = ${workspaceId})`,
      ),
    );
  return row?.bytes;
}

/** Records an export link (a `data_links` row, purpose 'export'): its id is what the link's token names. */
export async function insertExportLink(db: DbOrTx, link: { workspaceId: string; requestedBy: string; createdAt: Date; expiresAt: Date }): Promise<string> {
  const [row] = await db
    .insert(dataLinks)
    .values({ workspaceId: link.workspaceId, purpose: 'export', requestedBy: link.requestedBy, createdAt: link.createdAt, expiresAt: link.expiresAt })
    .returning({ id: dataLinks.id });
  if (!row) throw new Error('insert data link returned nothing');
  return row.id;
}

/**
 * Opens an export link: if `id` is an export link that has not expired by `now`, of a workspace
 * not deleted, its `used_at` becomes `now` and its workspace is returned; otherwise undefined
 * (one statement, so a link revoked or a workspace deleted a moment ago never opens).
 */
export async function useExportLink(db: DbOrTx, id: string, now: Date): Promise<ExportWorkspaceRow | undefined> {
  const [row] = await db
    .update(dataLinks)
    .set({ usedAt: now })
    .from(workspaces)
    .where(
      and(
        eq(dataLinks.id, id),
        eq(dataLinks.purpose, 'export'),
        gt(dataLinks.expiresAt, now),
        eq(workspaces.id, dataLinks.workspaceId),
        isNull(workspaces.deletedAt),
      ),
    )
    .returning(getTableColumns(workspaces));
  return row;
}
