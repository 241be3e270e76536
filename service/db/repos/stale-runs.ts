import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';

/**
 * Runs that died: admitted, not settled, status queued or running, no sign of life since
 * `cutoff`, and no live job. A job is live when it waits to run (unlocked, attempts left) or a
 * worker locked it after the cutoff; a job locked before the cutoff belongs to a worker that was
 * killed (graphile-worker only frees such a lock after 4 hours).
 *
 * Reads graphile-worker's job table directly (its public `jobs` view has no payload): the
 * payloads of our run tasks carry `runId`.
 *
 * @see https://worker.graphile.org/docs/admin-functions
 */
export async function findStaleRuns(db: DbOrTx, cutoff: Date, opts: { runId?: string; limit?: number } = {}): Promise<string[]> {
  const at = cutoff.toISOString();
  const rows = await db.execute<{ id: string }>(sql`
    select r.id
    from runs r
    where r.status in ('queued', 'running')
      and r.settled_at is null
      and r.admitted_at is not null
      ${opts.runId ? sql`and r.id = ${opts.runId}` : sql``}
      and greatest(
            r.created_at, r.admitted_at, r.started_at,
            (select max(greatest(s.started_at, s.finished_at)) from run_stages s where s.run_id = r.id)
          ) < ${at}::timestamptz
      and not exists (
        select 1
        from graphile_worker._private_jobs j
        join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier in ('acquire_listings', 'run_stage', 'draft_stage')
          and j.payload->>'runId' = r.id::text
          and ((j.locked_at is null and j.attempts < j.max_attempts) or j.locked_at >= ${at}::timestamptz)
      )
    order by r.created_at
    limit ${opts.limit ?? 100}`);
  return rows.map((r) => r.id);
}
