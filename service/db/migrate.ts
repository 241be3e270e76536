import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { Logger, runMigrations } from 'graphile-worker';
import postgres from 'postgres';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../migrations');

/** An arbitrary constant: one migrator at a time per database, across processes. */
const MIGRATION_LOCK = 7_341_211;

/**
 * Applies our drizzle migrations and graphile-worker's own schema. Safe to call from several
 * processes at once (advisory lock); a no-op when everything is applied.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_DIR });
      await runMigrations({ connectionString: url, logger: quietLogger() });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** How many of our migrations exist in migrations/ and how many the database has applied. */
export async function migrationStatus(sql: postgres.Sql): Promise<{ expected: number; applied: number }> {
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  let applied = 0;
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    applied = row?.n ?? 0;
  } catch {
    applied = 0;
  }
  return { expected: journal.entries.length, applied };
}

function quietLogger(): Logger {
  return new Logger(() => () => undefined);
}
