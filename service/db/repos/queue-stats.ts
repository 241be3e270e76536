import type postgres from 'postgres';

/**
 * The job queue for the metrics gauges: jobs waiting to run (not locked, attempts left) and the
 * age of the oldest one already due. One index-backed scan of graphile-worker 0.18's
 * `_private_jobs` (its `is_available` column is generated and indexed); read at most once a
 * second (support/metrics.ts caches it).
 */
export async function queueStats(sql: postgres.Sql): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const [row] = await sql<{ depth: number; oldest: number }[]>`
    select count(*)::int as depth,
           coalesce(extract(epoch from now() - min(run_at) filter (where run_at <= now())), 0)::float8 as oldest
    from graphile_worker._private_jobs
    where is_available`;
  return { depth: row?.depth ?? 0, oldestAgeSeconds: Math.max(0, row?.oldest ?? 0) };
}
