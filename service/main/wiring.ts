import type { Config } from '../config/schema.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { databaseReadiness } from '../db/readiness.ts';
import { buildApp } from '../http/app.ts';
import { makeSweepExpired } from '../jobs/tasks/sweep-expired.ts';
import { startWorker, type TaskHandlers, type Worker } from '../jobs/worker.ts';
import type { Logger } from '../logger.ts';
import { systemClock } from '../providers/provider.ts';
import type { Database } from './database.ts';
import type { Lifecycle } from './lifecycle.ts';

/**
 * Wiring: the one place that turns configuration into concrete adapters and hands them to the
 * builders. Nothing below service/main knows about the environment.
 */
export function taskHandlers(deps: { db: Database; logger: Logger }): TaskHandlers {
  return {
    sweep_expired: makeSweepExpired({ db: deps.db.db, clock: systemClock, blobDays: DEFAULTS.retention.blobDays, logger: deps.logger }),
  };
}

export async function startWorkerProcess(config: Config, db: Database, logger: Logger, lifecycle: Lifecycle, opts: { schedule?: boolean } = {}): Promise<Worker> {
  const worker = await startWorker({
    connectionString: db.url,
    handlers: taskHandlers({ db, logger }),
    logger,
    concurrency: DEFAULTS.workerConcurrency,
    schedule: opts.schedule ?? true,
  });
  lifecycle.onShutdown('worker', () => worker.stop());
  return worker;
}

export async function startHttp(config: Config, db: Database, logger: Logger, lifecycle: Lifecycle): Promise<string> {
  const app = await buildApp({ logger, readiness: () => databaseReadiness(db.sql) });
  const address = await app.listen({ port: config.port, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close());
  return address;
}
