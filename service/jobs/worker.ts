import { Logger as GraphileLogger, parseCrontab, run, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { Logger } from '../logger.ts';
import { PermanentError } from '../domain/errors.ts';
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
  readonly runner: Runner;
  stop(): Promise<void>;
}

/**
 * Wraps each handler: the payload is validated (an invalid payload can never succeed, so it is
 * dropped with an error log instead of retried); a PermanentError completes the job — the handler
 * has already recorded the failure — while any other error is rethrown so graphile retries.
 */
export function buildTaskList(handlers: TaskHandlers, logger: Logger): TaskList {
  const list: TaskList = {};
  for (const name of Object.keys(TASK_PAYLOADS) as TaskName[]) {
    const schema = TASK_PAYLOADS[name];
    const handler: TaskHandler<TaskName> = handlers[name];
    const task: Task = async (raw, helpers) => {
      const parsed = schema.safeParse(raw ?? {});
      const log = logger.child({ task: name, jobId: helpers.job.id });
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues }, 'invalid job payload dropped');
        return;
      }
      try {
        await handler(parsed.data, {
          signal: helpers.abortSignal ?? new AbortController().signal,
          attempts: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
          jobId: helpers.job.id,
        });
      } catch (e) {
        if (e instanceof PermanentError) {
          log.warn({ code: e.code, err: e.message }, 'task failed permanently');
          return;
        }
        log.warn({ err: e instanceof Error ? e.message : String(e), attempt: helpers.job.attempts }, 'task failed; will retry');
        throw e;
      }
    };
    list[name] = task;
  }
  return list;
}

export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const child = logger.child({ graphile: scope.label ?? 'worker', ...(scope.workerId ? { workerId: scope.workerId } : {}) });
    const payload = meta && Object.keys(meta).length ? meta : {};
    switch (level) {
      case 'error':
        child.error(payload, message);
        break;
      case 'warning':
        child.warn(payload, message);
        break;
      case 'info':
        child.debug(payload, message);
        break;
      case 'debug':
      default:
        child.trace(payload, message);
    }
  });
}

/** Starts a graphile-worker runner in this process. Signals are ours to handle (main/). */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const runner = await run({
    connectionString: opts.connectionString,
    concurrency: opts.concurrency ?? 8,
    pollInterval: opts.pollInterval ?? 500,
    noHandleSignals: true,
    taskList: buildTaskList(opts.handlers, opts.logger),
    parsedCronItems: opts.schedule === false ? [] : parseCrontab(CRONTAB),
    logger: graphileLogger(opts.logger),
    // Outlive a short Postgres restart instead of crashing the process.
    noPreparedStatements: false,
  });
  let stopped: Promise<void> | undefined;
  return {
    runner,
    stop() {
      stopped ??= runner.stop();
      return stopped;
    },
  };
}
