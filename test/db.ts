import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import { createDb, type DbHandle } from '../service/db/client.ts';

/**
 * A fresh database for this test file, cloned from the migrated template (fast: a file copy).
 * Dropped when the file's tests end; a leaked connection would make the drop fail loudly.
 */
export interface TestDatabase extends DbHandle {
  readonly url: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  // CREATE DATABASE … TEMPLATE needs the template free of connections; retry briefly if another
  // file is cloning at the same moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${inject('templateDb')}"`);
      break;
    } catch (e) {
      if (attempt > 20) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const handle = createDb(url, { max: 5, applicationName: 'listinglab-test' });
  return { ...handle, url };
}

/** createTestDatabase, dropped after the file's tests. */
export async function useTestDatabase(): Promise<TestDatabase> {
  const tdb = await createTestDatabase();
  afterAll(async () => {
    await tdb.close();
    const admin = postgres(inject('pgAdminUrl'), { max: 1, onnotice: () => undefined });
    try {
      await admin.unsafe(`drop database if exists "${new URL(tdb.url).pathname.slice(1)}" with (force)`);
    } finally {
      await admin.end();
    }
  });
  return tdb;
}
