/**
 * What the soak (soak.ts) reads once the load is over, each a question an operator asks of a
 * service that has been up for a while: are its Postgres connections back within its pools, is the
 * job queue empty, did it log an error, has its memory stayed put. Read from outside the service —
 * pg_stat_activity, graphile-worker's tables, its stderr — so they hold for the deployed process.
 */
import type postgres from 'postgres';
import { CRONTAB } from '../service/jobs/payloads.ts';

/** The recurring tasks of the crontab: their next job legitimately waits in the queue. */
export const CRON_TASKS: readonly string[] = [...new Set(CRONTAB.split('\n').flatMap((line) => line.trim().split(/\s+/)[5] ?? []))];

/**
 * The service's client connections to the database now (the bench's own excluded), by pool: its
 * own postgres.js pool names itself `listinglab:<pid>` (service/main/database.ts); graphile-worker's
 * pg pool connects with the bare DATABASE_URL, so it has no application_name.
 */
export async function serviceConnections(sql: postgres.Sql, benchApplicationName: string): Promise<{ app: number; worker: number; other: number }> {
  const rows = await sql<{ app: string; n: number }[]>`
    select application_name as app, count(*)::int as n
    from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend' and application_name <> ${benchApplicationName}
    group by 1`;
  const count = (f: (app: string) => boolean) => rows.filter((r) => f(r.app)).reduce((s, r) => s + r.n, 0);
  return { app: count((a) => a.startsWith('listinglab:')), worker: count((a) => a === ''), other: count((a) => a !== '' && !a.startsWith('listinglab:')) };
}

export interface QueueState {
  /** Jobs of any task other than the crontab's (per task): what the runs left behind. */
  readonly leftover: Record<string, number>;
  /** Of those, jobs that used all their attempts: failures graphile-worker keeps. */
  readonly permanentlyFailed: number;
  /** The crontab's own jobs waiting (not counted as left over). */
  readonly cron: Record<string, number>;
  /** Rows of `_private_job_queues` (named queues, e.g. per-run delivery). */
  readonly jobQueues: number;
}

export async function queueState(sql: postgres.Sql): Promise<QueueState> {
  const rows = await sql<{ task: string; n: number; failed: number }[]>`
    select t.identifier as task, count(*)::int as n, count(*) filter (where j.attempts >= j.max_attempts)::int as failed
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    group by t.identifier order by t.identifier`;
  const [queues] = await sql<{ n: number }[]>`select count(*)::int as n from graphile_worker._private_job_queues`;
  const leftover = rows.filter((r) => !CRON_TASKS.includes(r.task));
  return {
    leftover: Object.fromEntries(leftover.map((r) => [r.task, r.n])),
    permanentlyFailed: leftover.reduce((s, r) => s + r.failed, 0),
    cron: Object.fromEntries(rows.filter((r) => CRON_TASKS.includes(r.task)).map((r) => [r.task, r.n])),
    jobQueues: queues?.n ?? 0,
  };
}

export interface LogSummary {
  readonly lines: number;
  /** pino level 40. */
  readonly warn: number;
  /** pino level ≥ 50 (error, fatal), and lines that are not pino JSON at all (a crash's stack). */
  readonly error: number;
  /** The first few error lines, as written. */
  readonly firstErrors: readonly string[];
  /** How many warn lines carried each message. */
  readonly warnMessages: Record<string, number>;
}

/** Counts the levels of a pino JSON-lines log. A line that is not JSON counts as an error: pino never writes one. */
export function summariseLog(text: string, keep = 5): LogSummary {
  let warn = 0;
  let error = 0;
  const firstErrors: string[] = [];
  const warnMessages: Record<string, number> = {};
  const lines = text.split('\n').filter((l) => l.trim());
  for (const line of lines) {
    let level: number;
    let msg = '';
    try {
      const parsed = JSON.parse(line) as { level?: unknown; msg?: unknown };
      level = typeof parsed.level === 'number' ? parsed.level : 50;
      msg = typeof parsed.msg === 'string' ? parsed.msg : '';
    } catch {
      level = 50;
    }
    if (level >= 50) {
      error++;
      if (firstErrors.length < keep) firstErrors.push(line.slice(0, 1_000));
    } else if (level >= 40) {
      warn++;
      warnMessages[msg] = (warnMessages[msg] ?? 0) + 1;
    }
  }
  return { lines: lines.length, warn, error, firstErrors, warnMessages };
}

/** The median of the samples taken in [from, to) (ms since the epoch); undefined if none. */
export function medianBetween(samples: readonly { at: number; mb: number }[], from: number, to: number): number | undefined {
  const xs = samples.filter((s) => s.at >= from && s.at < to).map((s) => s.mb).sort((a, b) => a - b);
  return xs.length ? xs[Math.floor(xs.length / 2)] : undefined;
}

export interface Bound {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
  /** Why this bound does not count towards the exit code this time (it is still reported). */
  readonly notCounted?: string;
}
