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
    // Idle connections are kept 5 minutes: a burst of commands after a quiet minute found every
    // connection closed (at 30 s) and paid for opening them again on its critical path — SCRAM
    // authentication on both sides, a new backend, every built-once statement prepared again
    // (db/hot.ts) — 7 of the 10 reopened at the bench's burst; job pickup p50 ~70 → ~52 ms in
    // a paired run (issue 22). A restarted database is still reconnected to transparently: a connection it
    // closed is dropped and reopened on the next query.
    idle_timeout: 300,
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
