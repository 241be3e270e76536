import type postgres from 'postgres';
import { migrationStatus } from './migrate.ts';

/** Database reachable and every migration in migrations/ applied (what /readyz reports). */
export async function databaseReadiness(sql: postgres.Sql): Promise<{ ready: boolean; checks: Record<string, string> }> {
  try {
    await sql`select 1`;
  } catch {
    return { ready: false, checks: { database: 'unreachable', migrations: 'unknown' } };
  }
  const { expected, applied } = await migrationStatus(sql);
  const migrated = applied >= expected;
  let worker = 'missing';
  try {
    await sql`select 1 from graphile_worker.migrations limit 1`;
    worker = 'ok';
  } catch {
    worker = 'missing';
  }
  return {
    ready: migrated && worker === 'ok',
    checks: { database: 'ok', migrations: migrated ? 'ok' : `${applied}/${expected} applied`, jobQueue: worker },
  };
}
