import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Logger as GraphileLogger, parseCrontab, run, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Db } from '../db/client.ts';
import { startHeartbeat } from './heartbeat.ts';
import { isTransientDbError } from './transient.ts';
import type { Logger } from '../logger.ts';
import { PermanentError } from '../domain/errors.ts';
import { metrics } from '../support/metrics.ts';
import { reportError } from '../logging/error-reports.ts';
import { CRONTAB, TASK_PAYLOADS, type TaskName, type TaskPayload } from './payloads.ts';

export interface TaskContext {
  /** Aborted when the worker shuts down; pass it to every outside call. */
  readonly signal: AbortSignal;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly jobId: string;
}

export type TaskHandler<N extends TaskName> = (payload: TaskPayload<N>, ctx: TaskContext) => Promise<void>;
export type TaskHandlers = { [N in TaskName]: TaskHandler<N> };

export interface WorkerOptions {
  readonly connectionString: string;
  /** For worker heartbeats (crash recovery); without it, a killed worker's jobs stay locked for 4 h. */
  readonly db?: Db;
  readonly heartbeat?: { readonly intervalMs?: number; readonly staleMs?: number };
  readonly handlers: TaskHandlers;
  readonly logger: Logger;
  /** Jobs in flight at once in this process (default 8). */
  readonly concurrency?: number;
  /** Poll interval when LISTEN/NOTIFY is quiet (default 500 ms). */
  readonly pollInterval?: number;
  /** Run the recurring tasks (sweep); off for CLI one-shot workers (default true). */
  readonly schedule?: boolean;
}

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Jobs a pool locks per fetch. Small: a job waiting in one process's local queue cannot be taken
 * by another process with idle workers, and our jobs are long (model calls), so a deep local queue
 * would only move waiting from the database into one process. Not too small either: a burst's
 * jobs are fetched one batch after another, each a round trip — at 4, the 20th run of 20 commands
 * at once waited ~50 ms from its commit to its task; at 8, ≤ 17 ms (job pickup p99 77 → 47 ms,
 * bench --concurrency 20, issue 22).
 */
const LOCAL_QUEUE_SIZE = 8;

/**
 * graphile-worker's connections, in a pool of our own so that idle ones are kept 5 minutes, as
 * the app's are (db/client.ts): graphile's own pool closes them after 10 s, and a burst after a
 * quiet moment opened its fetch and completion connections again on the pickup's path (bench
 * `pg_sessions_opened`: 2 per burst, issue 22). Errors as graphile handles them on a pool it
 * makes: an idle client's (the server restarted) is logged, a checked-out client's surfaces on
 * its next query.
 */
function queuePool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 300_000 });
  pool.on('error', (e) => logger.warn({ err: e.message }, 'an idle job-queue database connection failed'));
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** How long a finished job waits for others to be recorded with it (one statement for all; issue 22: ~3 statements fewer per comparison). */
const COMPLETE_BATCH_MS = 20;

/** How a task waits out a database outage before re-running its (idempotent) handler. */
export interface OutagePolicy {
  /** Resolves when the database answers again. */
  readonly waitForDatabase: (signal: AbortSignal) => Promise<void>;
  /** Re-runs after an outage (default 3). */
  readonly maxReruns?: number;
}

/**
 * Wraps each handler: the payload is validated (an invalid payload can never succeed, so it is
 * dropped with an error log instead of retried); a PermanentError completes the job — the handler
 * has already recorded the failure — while any other error is rethrown so graphile retries.
 */
export function buildTaskList(handlers: TaskHandlers, logger: Logger, outage?: OutagePolicy): TaskList {
  const list: TaskList = {};
  for (const name of Object.keys(TASK_PAYLOADS) as TaskName[]) {
    const schema = TASK_PAYLOADS[name];
    const handler: TaskHandler<TaskName> = handlers[name];
    const task: Task = async (raw, helpers) => {
      const parsed = schema.safeParse(raw ?? {});
      // Made when first needed: a child's bindings are serialised (and scrubbed) at creation,
      // work every job paid while most jobs log nothing (issue 22).
      let child: Logger | undefined;
      const log = () => (child ??= logger.child({ task: name, jobId: helpers.job.id }));
      if (!parsed.success) {
        log().error({ issues: parsed.error.issues }, 'invalid job payload dropped');
        metrics.job(name, 'dropped', 0);
        return;
      }
      // Ready since its run_at (a delayed or retried job) or its creation, whichever is later.
      const ready = Math.max(new Date(helpers.job.run_at).getTime(), new Date(helpers.job.created_at).getTime());
      metrics.jobStarted(name, (Date.now() - ready) / 1000);
      const signal = helpers.abortSignal ?? new AbortController().signal;
      const ctx = { signal, attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts, jobId: helpers.job.id };
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        // A database outage mid-task (a restart): wait for it and run the handler again — handlers
        // are idempotent — rather than fail the job while graphile itself cannot reach Postgres.
        for (let rerun = 0; ; rerun++) {
          try {
            await handler(parsed.data, ctx);
            break;
          } catch (e) {
            if (!outage || !isTransientDbError(e) || rerun >= (outage.maxReruns ?? 3) || signal.aborted) throw e;
            log().warn({ err: e instanceof Error ? e.message : String(e) }, 'database unavailable during the task: waiting to run it again');
            await outage.waitForDatabase(signal);
          }
        }
        metrics.job(name, 'succeeded', seconds());
      } catch (e) {
        if (e instanceof PermanentError) {
          log().warn({ code: e.code, err: e.message }, 'task failed permanently');
          metrics.job(name, 'failed_permanently', seconds());
          return;
        }
        metrics.job(name, 'retried', seconds());
        log().warn({ err: e instanceof Error ? e.message : String(e), attempt: helpers.job.attempts }, 'task failed; will retry');
        // Unexpected (a UserError is skipped there): to Sentry, when SENTRY_DSN is set.
        reportError(e, { task: name, jobId: helpers.job.id, attempt: helpers.job.attempts, ...runTags(parsed.data) });
        throw e;
      }
    };
    list[name] = task;
  }
  return list;
}

/** The run id and stage a payload names, for error reports (payloads carry ids, never state). */
function runTags(payload: object): { runId?: string; stage?: string } {
  const p = payload as { runId?: unknown; stage?: unknown };
  return { ...(typeof p.runId === 'string' ? { runId: p.runId } : {}), ...(typeof p.stage === 'string' ? { stage: p.stage } : {}) };
}

export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => {
    // One child per scope, made on the first line that is written: graphile logs every job at
    // debug, and a child made per call (bindings serialised and scrubbed) cost every job that
    // even with those levels off (issue 22).
    let made: Logger | undefined;
    const childOf = () => (made ??= logger.child({ graphile: scope.label ?? 'worker', ...(scope.workerId ? { workerId: scope.workerId } : {}) }));
    return (level, message, meta) => {
      // graphile's info is our debug and its debug our trace; graphile-worker advises a local
      // queue as deep as the concurrency, ours is shallow on purpose (LOCAL_QUEUE_SIZE), so that
      // advice is not something an operator should act on.
      const at = level === 'error' ? 'error' : level === 'warning' ? (message.startsWith('Your job batch size') ? 'debug' : 'warn') : level === 'info' ? 'debug' : 'trace';
      if (!logger.isLevelEnabled(at)) return;
      childOf()[at](meta && Object.keys(meta).length ? meta : {}, message);
    };
  });
}

/**
 * Starts a graphile-worker runner in this process, supervised: if the runner's pool dies (it
 * aborts when it cannot record a job's completion, e.g. while Postgres restarts), its heartbeat
 * stops — so its locked jobs are unlocked by the reaper — and a new runner starts. Signals are
 * ours to handle (main/).
 */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const events: WorkerEvents = new EventEmitter();
  const heartbeat = opts.db ? startHeartbeat({ db: opts.db, logger: opts.logger, ...opts.heartbeat }) : undefined;
  const poolMembers = new Map<string, Set<string>>();
  // graphile-worker 0.18 locks jobs with the worker *pool* id (older versions: the worker id);
  // beat for both so force_unlock_workers frees whatever a dead process held.
  events.on('worker:create', ({ worker }) => {
    const pool = worker.workerPool.id;
    poolMembers.set(pool, (poolMembers.get(pool) ?? new Set()).add(worker.workerId));
    heartbeat?.add(pool);
    heartbeat?.add(worker.workerId);
  });
  events.on('pool:release', ({ workerPool }) => {
    heartbeat?.remove(workerPool.id);
    for (const id of poolMembers.get(workerPool.id) ?? []) heartbeat?.remove(id);
    poolMembers.delete(workerPool.id);
  });
  const db = opts.db;
  const outage: OutagePolicy | undefined = db
    ? {
        async waitForDatabase(signal) {
          for (let i = 0; i < 600 && !signal.aborted; i++) {
            if (await db.$client`select 1`.then(() => true, () => false)) return;
            await new Promise((r) => setTimeout(r, 500));
          }
        },
      }
    : undefined;
  const taskList = buildTaskList(opts.handlers, opts.logger, outage);
  const runWith = (pgPool: pg.Pool) =>
    run({
      events,
      pgPool,
      concurrency: opts.concurrency ?? 8,
      pollInterval: opts.pollInterval ?? 500,
      noHandleSignals: true,
      // One fetcher per pool instead of every idle worker polling on its own (16 workers at a
      // 500 ms interval were 32 idle queries a second): the pool locks a small batch and hands
      // it out; LISTEN/NOTIFY wakes it for new jobs.
      //
      // Completions within COMPLETE_BATCH_MS are recorded in one statement (graphile's batching):
      // a run's deliveries and stages end close together. A worker killed inside that window
      // leaves those jobs locked, so they run again after the takeover — harmless, as every task
      // is idempotent (a delivery whose render is unchanged makes no chat call).
      preset: { worker: { localQueue: { size: LOCAL_QUEUE_SIZE }, completeJobBatchDelay: COMPLETE_BATCH_MS } },
      taskList,
      parsedCronItems: opts.schedule === false ? [] : parseCrontab(CRONTAB),
      logger: graphileLogger(opts.logger),
    });

  // The current runner's pool, ended once that runner has stopped (stop() waits for it).
  let poolEnded: Promise<void> = Promise.resolve();
  const start = async (): Promise<Runner> => {
    // Every job in flight may hold a connection while it completes, plus the fetcher and LISTEN.
    const pgPool = queuePool(opts.connectionString, (opts.concurrency ?? 8) + 2, opts.logger);
    const ended = () => pgPool.end().catch(() => undefined);
    try {
      const started = await runWith(pgPool);
      // A pool per runner: the supervisor's next runner starts on fresh connections.
      poolEnded = started.promise.then(ended, ended);
      return started;
    } catch (e) {
      await ended();
      throw e;
    }
  };

  let stopping = false;
  let runner: Runner = await start();
  const supervise = (r: Runner): void => {
    void r.promise
      .catch((e: unknown) => opts.logger.error({ err: e }, 'worker pool failed'))
      .then(async () => {
        for (let delay = 1_000; !stopping; delay = Math.min(delay * 2, 30_000)) {
          opts.logger.warn({ delayMs: delay }, 'worker pool stopped unexpectedly: restarting');
          await new Promise((res) => setTimeout(res, delay));
          if (stopping) return;
          try {
            runner = await start();
            supervise(runner);
            return;
          } catch (e) {
            opts.logger.warn({ err: e }, 'worker restart failed');
          }
        }
      });
  };
  supervise(runner);
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopping = true;
      stopped ??= runner
        .stop()
        .catch((e: unknown) => opts.logger.debug({ err: e }, "runner already stopped"))
        .then(() => poolEnded)
        .finally(() => heartbeat?.stop());
      return stopped;
    },
  };
}
