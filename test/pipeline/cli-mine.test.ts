import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { runs, workspaceBrands, workspaces } from '../../service/db/schema.ts';
import { useTestDatabase } from '../db.ts';
import { runNode, type Ran } from '../support/processes.ts';

/** `listinglab compare … --mine` and `listinglab brand …` as a script runs them, on a test database. */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const tdb = await useTestDatabase();
const db = tdb.db;

const cli = (args: string[]): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), ...args], { cwd: root, env: { DATABASE_URL: tdb.url, LOG_LEVEL: 'warn' } });

describe('listinglab compare --mine', () => {
  test('a bad --mine exits 2 before anything is written', async () => {
    for (const value of ['C', 'first']) {
      const r = await cli(['compare', path.join(pairs, 'duffel-compliance/A'), path.join(pairs, 'duffel-compliance/B'), '--mine', value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('mine says which listing is yours: A (the first) or B (the second), e.g. --mine A');
      expect(r.stdout).toBe('');
    }
    const bare = await cli(['compare', path.join(pairs, 'duffel-compliance/A'), path.join(pairs, 'duffel-compliance/B'), '--mine']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Got nothing');
    expect(await db.select().from(runs)).toEqual([]);
  }, 60_000);

  test('folders with --mine B --json: the run stored says B is mine, asked', async () => {
    const r = await cli(['compare', path.join(pairs, 'duffel-compliance/A'), path.join(pairs, 'duffel-compliance/B'), '--mine', 'b', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { job: string; status: string };
    expect(doc.status).toBe('succeeded');
    const [run] = await db.select({ mine: runs.mine, mineSource: runs.mineSource }).from(runs).where(eq(runs.id, doc.job));
    expect(run).toEqual({ mine: 'B', mineSource: 'asked' });
  }, 120_000);
});

describe('listinglab brand', () => {
  test("add, list and remove the CLI workspace's brand list; bad usage exits 2", async () => {
    const add = await cli(['brand', 'add', 'Starter', '  Bags']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Comparisons where one side is Starter Bags are now marked as yours.');
    const list = await cli(['brand', 'list']);
    expect(list.stdout).toMatch(/^The brand list holds 1 of 50: Starter Bags\./);
    const rows = await db.select({ value: workspaceBrands.value, key: workspaceBrands.key, platform: workspaces.platform, externalId: workspaces.externalId })
      .from(workspaceBrands)
      .innerJoin(workspaces, eq(workspaces.id, workspaceBrands.workspaceId));
    expect(rows).toEqual([{ value: 'Starter Bags', key: 'starter bags', platform: 'cli', externalId: 'local' }]);
    expect((await cli(['brand', 'remove', 'starter bags'])).stdout).toMatch(/^Removed Starter Bags from the brand list/);
    for (const args of [['brand'], ['brand', 'add'], ['brand', 'rename', 'x'], ['brand', 'list', 'x']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toContain('/listing');
    }
  }, 120_000);
});
