import { sql } from 'drizzle-orm';
import type { Db } from '../../service/db/client.ts';
import { checkoutSessions, experimentRuns, experiments, installations, outcomes, workspaceBrands } from '../../service/db/schema.ts';

/** Helpers for the workspace-delete tests: a workspace's rows of every kind, and a fingerprint of all it owns. */

/**
 * An experiment (with its baseline as a re-run link), a recorded result, a brand, an installation
 * and a Checkout session with the asker's ids — the rows a delete must remove or scrub — for the
 * workspace of `runId`.
 */
export async function addWorkspaceRows(db: Db, workspaceId: string, runId: string, tag: string): Promise<void> {
  const [exp] = await db
    .insert(experiments)
    .values({ workspaceId, name: `${tag} experiment`, baselineRunId: runId, pair: { a: 'A', b: 'B' }, baselineSnapshot: { score: { A: 6, B: 5 } } })
    .returning();
  await db.insert(experimentRuns).values({ experimentId: exp!.id, runId, tags: ['title'], snapshot: { score: { A: 6, B: 5 } } });
  await db.insert(outcomes).values({ workspaceId, runId, result: 'A', verdict: { winner: 'A', confidence: 0.7 }, recordedBy: `U_${tag}` });
  await db.insert(workspaceBrands).values({ workspaceId, kind: 'brand', value: `${tag} Brand`, key: `${tag.toLowerCase()} brand`, addedBy: `U_${tag}` });
  await db.insert(installations).values({ workspaceId, platform: 'slack', secretEnc: Buffer.from(`sealed token of ${tag}`), installedBy: `U_${tag}` });
  await db.insert(checkoutSessions).values({
    id: `cs_test_${tag}`,
    workspaceId,
    pack: 'starter',
    credits: 100,
    channelId: `C_${tag}`,
    requestedBy: `U_${tag}`,
    url: `https://checkout.stripe.test/c/${tag}`,
    amountCents: 900,
    completedAt: new Date(),
  });
}

/**
 * A hash of every row the workspace owns, table by table (image rows by content, not their
 * last-use time): equal before and after means nothing of it changed.
 */
export async function fingerprint(db: Db, workspaceId: string): Promise<Record<string, string>> {
  const ws = sql`${workspaceId}::uuid`;
  const runIds = sql`(select id from runs where workspace_id = ${ws})`;
  const queries: Record<string, ReturnType<typeof sql>> = {
    workspace: sql`select * from workspaces where id = ${ws}`,
    runs: sql`select * from runs where workspace_id = ${ws}`,
    stages: sql`select * from run_stages where run_id in ${runIds}`,
    runImages: sql`select * from run_images where run_id in ${runIds}`,
    messages: sql`select * from chat_messages where run_id in ${runIds}`,
    experiments: sql`select * from experiments where workspace_id = ${ws}`,
    experimentRuns: sql`select er.* from experiment_runs er join experiments e on e.id = er.experiment_id where e.workspace_id = ${ws}`,
    outcomes: sql`select * from outcomes where workspace_id = ${ws}`,
    ledger: sql`select * from credit_ledger where workspace_id = ${ws}`,
    purchases: sql`select * from checkout_sessions where workspace_id = ${ws}`,
    brands: sql`select * from workspace_brands where workspace_id = ${ws}`,
    installations: sql`select * from installations where workspace_id = ${ws}`,
    links: sql`select * from data_links where workspace_id = ${ws}`,
    images: sql`select b.sha256, b.media_type, b.width, b.height, md5(b.bytes) from image_blobs b where b.sha256 in (select sha256 from run_images where run_id in ${runIds})`,
  };
  const out: Record<string, string> = {};
  for (const [name, q] of Object.entries(queries)) {
    const [row] = await db.execute<{ n: number; h: string | null }>(sql`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as h from (${q}) t`);
    out[name] = `${row?.n ?? 0}:${row?.h ?? ''}`;
  }
  return out;
}

/** Rows of a table that belong to the workspace (through `workspace_id`, or a run of it). */
export async function countOf(db: Db, workspaceId: string, table: 'runs' | 'experiments' | 'outcomes' | 'installations' | 'workspace_brands' | 'data_links' | 'credit_ledger'): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where workspace_id = ${workspaceId}::uuid`);
  return row?.n ?? 0;
}

/** The sha256 of every stored image a run's acquisition used. */
export async function imagesOfRun(db: Db, runId: string): Promise<string[]> {
  const rows = await db.execute<{ sha256: string }>(sql`select sha256 from run_images where run_id = ${runId} order by sha256`);
  return rows.map((r) => r.sha256);
}

export async function storedImages(db: Db, shas: readonly string[]): Promise<string[]> {
  if (shas.length === 0) return [];
  const rows = await db.execute<{ sha256: string }>(sql`select sha256 from image_blobs where sha256 in ${shas} order by sha256`);
  return rows.map((r) => r.sha256);
}

/** graphile-worker jobs whose payload names the run, with whether a worker holds them. */
export async function jobsOfRun(db: Db, runId: string): Promise<{ task: string; locked: boolean }[]> {
  const rows = await db.execute<{ task: string; locked: boolean }>(sql`
    select t.identifier as task, j.locked_at is not null as locked
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.payload->>'runId' = ${runId}`);
  return rows.map((r) => ({ task: r.task, locked: r.locked }));
}

/** A job that waits (its retry an hour away), as a failed attempt waiting for graphile-worker's backoff does. */
export async function addWaitingJob(db: Db, task: 'run_stage' | 'deliver_run', payload: Record<string, string>): Promise<void> {
  await db.execute(sql`select graphile_worker.add_job(${task}::text, ${JSON.stringify(payload)}::json, run_at => now() + interval '1 hour')`);
}
