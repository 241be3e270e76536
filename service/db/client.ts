import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

/**
 * The database handle every repository takes. Repositories accept `DbOrTx` so a use-case can run
 * several of them in one transaction.
 */
export type Db = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  readonly db: Db;
  readonly sql: postgres.Sql;
  close(): Promise<void>;
}

export interface DbOptions {
  /** Pool size (default 10). */
  readonly max?: number;
  /** Shown in pg_stat_activity; helps operators see who is connected. */
  readonly applicationName?: string;
}

export function createDb(url: string, opts: DbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => undefined,
    connection: { application_name: opts.applicationName ?? 'listinglab' },
    // Reconnect transparently after a database restart: idle connections are dropped and reopened.
    idle_timeout: 30,
    max_lifetime: 60 * 30,
    connect_timeout: 10,
  });
  const db: Db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
