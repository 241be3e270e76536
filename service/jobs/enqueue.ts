import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { TASK_PAYLOADS, type TaskName, type TaskPayload } from './payloads.ts';

export interface EnqueueOptions {
  /** Debounce key (graphile-worker job_key): used to coalesce message edits, not for correctness. */
  readonly jobKey?: string;
  /** 'replace' (default: debounce — the run_at moves), 'preserve_run_at' (throttle), 'unsafe_dedupe'. */
  readonly jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  readonly runAt?: Date;
  readonly maxAttempts?: number;
  readonly priority?: number;
  readonly queueName?: string;
}

/** A job to add: its task, payload and options. */
export interface JobSpec<N extends TaskName = TaskName> {
  readonly task: N;
  readonly payload: TaskPayload<N>;
  readonly opts?: EnqueueOptions;
}

/**
 * Adds a job through SQL on the caller's connection or transaction: if the transaction rolls
 * back, the job was never there. The payload is validated against the task's schema first.
 */
export async function enqueue<N extends TaskName>(db: DbOrTx, task: N, payload: TaskPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
  await db.execute(sql`select ${addJobSql(task, payload, opts)}`);
}

/** Adds several jobs in one statement (same transaction rules as `enqueue`). */
export async function enqueueAll(db: DbOrTx, jobs: readonly (JobSpec | undefined)[]): Promise<void> {
  const adds = jobs.flatMap((j) => (j ? [addJobSql(j.task, j.payload as never, j.opts)] : []));
  if (adds.length) await db.execute(sql`select ${sql.join(adds, sql`, `)}`);
}

/**
 * The `graphile_worker.add_job(...)` call as an SQL expression, for a statement that adds a job
 * along with what it does anyway (one round trip instead of two). The payload is validated here.
 */
export function addJobSql<N extends TaskName>(task: N, payload: TaskPayload<N>, opts: EnqueueOptions = {}): SQL {
  const parsed = TASK_PAYLOADS[task].parse(payload);
  return sql`graphile_worker.add_job(
      identifier => ${task}::text,
      payload => ${JSON.stringify(parsed)}::json,
      queue_name => ${opts.queueName ?? null}::text,
      run_at => ${opts.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? null}::int,
      job_key => ${opts.jobKey ?? null}::text,
      priority => ${opts.priority ?? null}::int,
      job_key_mode => ${opts.jobKeyMode ?? 'replace'}::text
    )`;
}

/**
 * `addJobSql` for a run asked from chat only, as an SQL expression for a statement about that run:
 * `origin` is the SQL of its `origin` column there. Null (no job) for another platform, or — with
 * `unlessKeyExists` — while a job with that key is waiting or running.
 */
export function addChatJobSql<N extends TaskName>(origin: SQL, task: N, payload: TaskPayload<N>, opts: EnqueueOptions, unlessKeyExists?: string): SQL {
  const keyExists = unlessKeyExists ? sql`exists (select 1 from graphile_worker._private_jobs j where j.key = ${unlessKeyExists})` : sql`false`;
  return sql`case when ${origin}->>'platform' in ('slack', 'discord') and not ${keyExists}
    then (${addJobSql(task, payload, opts)}).id end`;
}
