import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, stopServerNow, type EmbeddedPostgres } from '../service/db/embedded.ts';
import { migrateDatabase } from '../service/db/migrate.ts';

/**
 * One real Postgres for the whole test run (the embedded one, in a data directory of this run's
 * own: concurrent test runs must not stop each other's server), and a migrated template database.
 * Each test file clones the template (test/db.ts), so files run in parallel with no shared state.
 */

export const TEMPLATE_DB = 'listinglab_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
  }
}

let server: EmbeddedPostgres | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await removeLeftovers(path.resolve(import.meta.dirname, '../.data'));
  const dataDir = path.resolve(import.meta.dirname, `../.data/test-${process.pid}`);
  server = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
  const adminUrl = server.url;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    // Clones left by an interrupted earlier run.
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'test_%' or datname = ${TEMPLATE_DB}`;
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.unsafe(`create database "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(withDatabase(adminUrl, TEMPLATE_DB));
  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDb', TEMPLATE_DB);
  return async () => {
    await server?.release();
    await rm(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Data directories of earlier test runs that were killed: stop their server, remove them. */
async function removeLeftovers(parent: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const pid = Number(/^test-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await stopServerNow(path.join(parent, name));
    await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
