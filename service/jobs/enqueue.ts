import { sql } from 'drizzle-orm';
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

/**
 * Adds a job through SQL on the caller's connection or transaction: if the transaction rolls
 * back, the job was never there. The payload is validated against the task's schema first.
 */
export async function enqueue<N extends TaskName>(db: DbOrTx, task: N, payload: TaskPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
  const parsed = TASK_PAYLOADS[task].parse(payload);
  await db.execute(sql`
    select graphile_worker.add_job(
      identifier => ${task}::text,
      payload => ${JSON.stringify(parsed)}::json,
      queue_name => ${opts.queueName ?? null}::text,
      run_at => ${opts.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? null}::int,
      job_key => ${opts.jobKey ?? null}::text,
      priority => ${opts.priority ?? null}::int,
      job_key_mode => ${opts.jobKeyMode ?? 'replace'}::text
    )`);
}
