import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { openDatabase, type Database } from './database.ts';
import { loadConfig, loggerFor } from './env.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';

/** What a one-shot terminal command runs with. */
export interface CliRuntime {
  readonly config: Config;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly db: Database;
}

/**
 * The environment, a quiet logger (warnings only unless LOG_LEVEL says otherwise: the terminal
 * is for results), signal handling and the database for a terminal command; everything it
 * started is stopped when `fn` settles, so the CLI leaves no process behind.
 */
export async function withCliRuntime<T>(applicationName: string, fn: (rt: CliRuntime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = loggerFor({ ...config, logLevel: process.env.LOG_LEVEL ? config.logLevel : 'warn' }, { human: true });
  const lifecycle = createLifecycle();
  lifecycle.handleSignals((m) => process.stderr.write(`${m}\n`));
  try {
    const db = await openDatabase(config, logger, lifecycle, { poolSize: 6, applicationName });
    return await fn({ config, logger, lifecycle, db });
  } finally {
    await lifecycle.shutdown('command done');
  }
}
