import path from 'node:path';
import type { Config } from '../config/schema.ts';
import { createDb, type DbHandle } from '../db/client.ts';
import { ownApplicationName, startEmbeddedPostgres } from '../db/embedded.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { addLogSecrets, type Logger } from '../logger.ts';
import { addReportSecrets } from '../logging/error-reports.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface Database extends DbHandle {
  readonly url: string;
  readonly embedded: boolean;
}

/**
 * DATABASE_URL, or an embedded Postgres under DATA_DIR; migrations applied either way. Registers
 * its own shutdown (pool first, then the embedded server) on the lifecycle.
 */
export async function openDatabase(config: Config, logger: Logger, lifecycle: Lifecycle, opts: { poolSize?: number; applicationName?: string } = {}): Promise<Database> {
  let url = config.databaseUrl;
  let embedded = false;
  if (!url) {
    const server = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      log: (m) => logger.info({ component: 'embedded-postgres' }, m),
    });
    lifecycle.onShutdown('embedded postgres', () => server.release(), { final: true, emergency: () => server.stopNowIfStarted() });
    // Every connection of this process (pools, the job queue's) carries our pid in its
    // application_name, so releasing the server does not mistake them for another client.
    const tagged = new URL(server.url);
    tagged.searchParams.set('application_name', ownApplicationName('listinglab'));
    url = tagged.toString();
    embedded = true;
    // The embedded server's password is made at first start, after the logger: scrub it too.
    addLogSecrets(logger, [decodeURIComponent(new URL(url).password)]);
    addReportSecrets([decodeURIComponent(new URL(url).password)]);
    logger.info({ dataDir: path.resolve(config.dataDir) }, 'using the embedded Postgres');
  }
  await migrateDatabase(url);
  const handle = createDb(url, { max: opts.poolSize ?? 10, applicationName: ownApplicationName(opts.applicationName ?? 'listinglab') });
  lifecycle.onShutdown('database pool', () => handle.close(), { timeoutMs: 3_000 });
  return { ...handle, url, embedded };
}
