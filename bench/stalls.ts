import type postgres from 'postgres';

/**
 * What can hold up a whole burst besides the service's own work, counted over the measured runs
 * so that an outlier explains itself: the Postgres server's checkpoints (each writes out the dirty
 * pages and fsyncs them; a commit waiting behind that waits for the disk) and the runs' stage
 * attempts beyond the first (a stage retried after a failed or timed-out call adds its backoff).
 * One bench run in six once took ~4 s longer with every other figure normal (issue 22). And the
 * connections opened to the database meanwhile (pg_stat_database.sessions): each is
 * authentication, a new backend and its statements prepared again on a burst's critical path —
 * the service's pool once reopened 7 of its 10 after a quiet minute.
 */
export interface Checkpoints {
  readonly done: number;
  readonly writeMs: number;
  readonly syncMs: number;
  /** Sessions established to the database so far (PostgreSQL 14+). */
  readonly sessions: number;
}

/** The checkpointer's counters (PostgreSQL 17+: pg_stat_checkpointer). */
export async function checkpoints(sql: postgres.Sql): Promise<Checkpoints | undefined> {
  const rows = await sql<{ done: number; write_ms: number; sync_ms: number; sessions: number }[]>`
    select (num_timed + num_requested)::int as done, write_time::float8 as write_ms, sync_time::float8 as sync_ms,
           (select sessions::int from pg_stat_database where datname = current_database()) as sessions
    from pg_stat_checkpointer`.catch(() => []);
  const row = rows[0];
  return row ? { done: row.done, writeMs: row.write_ms, syncMs: row.sync_ms, sessions: row.sessions } : undefined;
}

/**
 * The stall signals between two checkpointer readings, the runs' stage retries, and the service's
 * error lines over the measured runs (a job that failed and was retried logs one: graphile waits
 * ~3 s before the retry).
 */
export async function stallSignals(sql: postgres.Sql, before: Checkpoints | undefined, runIds: readonly string[], errors: { count: number; last: readonly string[] }) {
  const after = await checkpoints(sql);
  const [retried] = await sql<{ n: number }[]>`
    select coalesce(sum(greatest(attempts - 1, 0)), 0)::int as n from run_stages where run_id = any(${runIds as string[]}::uuid[])`;
  return {
    checkpoints: before && after ? after.done - before.done : null,
    checkpoint_write_ms: before && after ? Math.round(after.writeMs - before.writeMs) : null,
    checkpoint_sync_ms: before && after ? Math.round(after.syncMs - before.syncMs) : null,
    pg_sessions_opened: before && after ? after.sessions - before.sessions : null,
    stage_retries: retried?.n ?? 0,
    service_error_lines: errors.count,
    ...(errors.count ? { last_errors: errors.last } : {}),
  };
}
