import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { findWorkspace } from '../../service/db/repos/workspaces.ts';
import { workspaceBrands } from '../../service/db/schema.ts';
import { parseDeleteArgs } from '../../service/main/data-delete-cli.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { useTestDatabase } from '../db.ts';
import { expectLedgerConsistent } from '../support/credits.ts';
import { runNode, type Ran } from '../support/processes.ts';
import { seedRun } from '../outcomes/seed.ts';
import { countOf, fingerprint } from './delete-support.ts';

/**
 * `listinglab data delete <platform> <workspace> [--confirm <workspace>]` as an operator runs it,
 * on a test database: without --confirm it says what would go and the command that deletes, and
 * removes nothing (exit 2); a --confirm that does not repeat the id, or a workspace never seen,
 * removes nothing (exit 2); with it, the workspace's data is gone and another's is untouched.
 */

const root = path.resolve(import.meta.dirname, '../..');
const tdb = await useTestDatabase();
const db = tdb.db;

const cli = (args: string[]): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), 'data', 'delete', ...args], { cwd: root, env: { DATABASE_URL: tdb.url, LOG_LEVEL: 'warn' } });

const GONE: WorkspaceRef = { platform: 'slack', externalId: 'T_CLI_GONE' };
const KEPT: WorkspaceRef = { platform: 'slack', externalId: 'T_CLI_KEPT' };
await seedRun(db, GONE, { verdict: { winner: 'A', confidence: 0.8 } });
await seedRun(db, GONE, { verdict: { winner: 'B', confidence: 0.6 }, a: 'B074M5HPBD' });
await seedRun(db, KEPT, { verdict: { winner: 'A', confidence: 0.8 } });
const gone = (await findWorkspace(db, GONE))!;
const kept = (await findWorkspace(db, KEPT))!;
await db.insert(workspaceBrands).values({ workspaceId: gone.id, kind: 'brand', value: 'Acme', key: 'acme', addedBy: 'U_GONE' });

describe('listinglab data delete', () => {
  test('without --confirm: what would go, the command that deletes, exit 2, nothing removed', async () => {
    const before = await fingerprint(db, gone.id);
    const r = await cli(['slack', 'T_CLI_GONE']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/would remove 2 comparisons and drafts and 1 brand-list entry/);
    expect(r.stdout).toMatch(/Nothing was removed\. To delete, run:\n {2}listinglab data delete slack T_CLI_GONE --confirm T_CLI_GONE\n/);
    expect({ ...(await fingerprint(db, gone.id)), links: '' }).toEqual({ ...before, links: '' });
  }, 60_000);

  test('a --confirm that does not repeat the id, a workspace never seen, or bad usage: exit 2, nothing removed', async () => {
    const before = await fingerprint(db, gone.id);
    const wrong = await cli(['slack', 'T_CLI_GONE', '--confirm', 'T_CLI_KEPT']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--confirm must repeat the workspace id "T_CLI_GONE" exactly.*nothing was removed/);
    const unknown = await cli(['slack', 'T_NOBODY', '--confirm', 'T_NOBODY']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/There is no slack workspace T_NOBODY/);
    expect(await findWorkspace(db, { platform: 'slack', externalId: 'T_NOBODY' })).toBeUndefined();
    // Usage is refused before the database is opened (one process shows it; the parser the rest).
    expect((await cli(['teams', 'T1'])).code).toBe(2);
    for (const args of [[], ['slack'], ['slack', 'T1', 'T2'], ['slack', 'T1', '--bogus'], ['slack', 'T1', '--confirm']]) {
      expect(parseDeleteArgs(args).ok, args.join(' ')).toBe(false);
    }
    expect({ ...(await fingerprint(db, gone.id)), links: '' }).toEqual({ ...before, links: '' });
  }, 60_000);

  test('with --confirm: the workspace’s data is gone, the other workspace’s untouched, the ledger reconciles', async () => {
    const other = await fingerprint(db, kept.id);
    const r = await cli(['slack', 'T_CLI_GONE', '--confirm', 'T_CLI_GONE']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Deleted the data of slack workspace T_CLI_GONE: 2 comparisons and drafts and 1 brand-list entry, 0 installations\./);
    expect(r.stdout).toMatch(/Kept for accounting, without user ids: 0 ledger lines and 0 purchases; the balance stays 0 credits\./);
    expect(await countOf(db, gone.id, 'runs')).toBe(0);
    expect(await countOf(db, gone.id, 'workspace_brands')).toBe(0);
    expect((await findWorkspace(db, GONE))?.deletedAt).toBeInstanceOf(Date);
    expect(await fingerprint(db, kept.id)).toEqual(other);
    await expectLedgerConsistent(db);
  }, 60_000);
});
