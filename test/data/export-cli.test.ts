import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { countsLine, parseExportArgs } from '../../service/main/data-cli.ts';
import { useTestDatabase } from '../db.ts';
import { runNode, type Ran } from '../support/processes.ts';
import { goldenImage, json, readArchive, seedQuickRun, tarBytes } from './export-support.ts';

/** `listinglab data export …` as an operator runs it, on a test database. */

const root = path.resolve(import.meta.dirname, '../..');
const tdb = await useTestDatabase();
const db = tdb.db;

const cli = (args: string[], cwd: string): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), ...args], { cwd, env: { DATABASE_URL: tdb.url, LOG_LEVEL: 'warn' } });
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'listinglab-data-cli-'));

const ONE: WorkspaceRef = { platform: 'discord', externalId: '111222333' };
const TWO: WorkspaceRef = { platform: 'discord', externalId: '444555666' };
const LOCAL: WorkspaceRef = { platform: 'cli', externalId: 'local' };
const oneRun = await seedQuickRun(db, ONE, { asins: ['B0CLIONE01', 'B0CLIONE02'], image: goldenImage('vitamin-gallery', 'A', '31afd5f5.jpg') });
const twoRun = await seedQuickRun(db, TWO, { asins: ['B0CLITWO01', 'B0CLITWO02'], image: goldenImage('bulb-lowres-caps', 'A', 'f5047137.jpg') });
const localRun = await seedQuickRun(db, LOCAL, { asins: ['B0CLILOC01', 'B0CLILOC02'], image: goldenImage('vitamin-gallery', 'A', '31afd5f5.jpg') });
const today = new Date().toISOString().slice(0, 10);

describe('listinglab data export', () => {
  test('writes the archive to --out and prints the path and the counts; the file opens and holds this workspace only', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'one.tar.gz');
    const r = await cli(['data', 'export', 'discord', '111222333', '--out', out], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Wrote ${out}\n  1 run, 0 experiments, 0 real results, 1 ledger line, 0 purchases, 0 brands, 1 image\n`);
    expect(readdirSync(dir)).toEqual(['one.tar.gz']);
    expect(execFileSync('tar', ['-tzf', out], { encoding: 'utf8' })).toContain(`listinglab-export/runs/${oneRun}.json`);
    const gz = readFileSync(out);
    expect(json(await readArchive(gz), 'manifest.json')).toMatchObject({ version: 1, workspace: { platform: 'discord', externalId: '111222333' } });
    for (const needle of [twoRun, '444555666', 'B0CLITWO01', goldenImage('bulb-lowres-caps', 'A', 'f5047137.jpg').sha256]) expect(tarBytes(gz).includes(needle), needle).toBe(false);
  }, 60_000);

  test('without --out: the dated default name in the current folder; cli alone is this machine\'s workspace', async () => {
    const dir = tempDir();
    const r = await cli(['data', 'export', 'cli'], dir);
    expect(r.code, r.stderr).toBe(0);
    const name = `listinglab-export-cli-local-${today}.tar.gz`;
    expect(readdirSync(dir)).toEqual([name]);
    expect(r.stdout).toContain(`Wrote ${path.join(dir, name)}\n`);
    expect((await readArchive(readFileSync(path.join(dir, name)))).has(`listinglab-export/runs/${localRun}.json`)).toBe(true);
    // Run again the same day: the file is there, so nothing is overwritten.
    const again = await cli(['data', 'export', 'cli', 'local'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; nothing was written/);
  }, 60_000);

  test('bad usage or an unknown workspace: exit 2, a clear message, and no file (not even an empty one)', async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['data', 'export', 'discord', '999999', '--out', path.join(dir, 'x.tar.gz')], /There is no discord workspace 999999 here/],
      [['data', 'export', 'slack', 'T_NEVER'], /There is no slack workspace T_NEVER here/],
      [['data', 'export', 'mars', 'X'], /"mars" is not a platform: give slack, discord or cli/],
      [['data', 'export', 'discord', '111222333', '--out', path.join(dir, 'missing', 'x.tar.gz')], /there is no folder .*missing; nothing was written/],
      [['data', 'fetch'], /unknown data command "fetch"/],
    ];
    for (const [args, words] of cases) {
      const r = await cli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(words);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(dir)).toEqual([]);
    // An existing file is never overwritten.
    const taken = path.join(dir, 'taken.tar.gz');
    writeFileSync(taken, 'mine');
    expect((await cli(['data', 'export', 'discord', '111222333', '--out', taken], dir)).code).toBe(2);
    expect(readFileSync(taken, 'utf8')).toBe('mine');
    expect(readdirSync(dir)).toEqual(['taken.tar.gz']);
  }, 120_000);

  test('the words of every usage refusal (parsed before the database is opened)', () => {
    const refused = (args: string[]) => {
      const r = parseExportArgs(args);
      return r.ok === false ? r.error : `accepted: ${JSON.stringify(r)}`;
    };
    expect(refused([])).toBe('data export needs the workspace: its platform (slack, discord or cli) and id');
    expect(refused(['slack'])).toBe('data export needs the Slack team id (T…) after "slack"');
    expect(refused(['discord'])).toBe('data export needs the Discord server id after "discord"');
    expect(refused(['slack', 'T1', 'T2'])).toBe('data export takes one workspace; "T2" is extra (the file goes after --out)');
    expect(refused(['slack', 'T1', '--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(refused(['slack', 'T1', '--out='])).toBe('--out needs a file name');
    expect(parseExportArgs(['cli'])).toEqual({ ok: true, ref: { platform: 'cli', externalId: 'local' }, out: undefined });
    expect(parseExportArgs(['slack', 'T1', '--out', 'a.tgz'])).toEqual({ ok: true, ref: { platform: 'slack', externalId: 'T1' }, out: 'a.tgz' });
    expect(countsLine({ runs: 1, experiments: 2, outcomes: 1, ledgerLines: 0, purchases: 1, brands: 3, images: 1 })).toBe(
      '1 run, 2 experiments, 1 real result, 0 ledger lines, 1 purchase, 3 brands, 1 image',
    );
  });

  test('help lists the data commands', async () => {
    const r = await cli(['help'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/data export <platform> <workspace> \[--out FILE\]/);
  }, 60_000);
});
