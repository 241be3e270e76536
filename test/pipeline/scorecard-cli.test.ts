import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { FIXTURES_DIR } from '../emulators/image-host.ts';
import { postgresRunning, runNode, type Ran } from '../support/processes.ts';

/**
 * `--scorecard out.png` on the command line (issue 20, the terminal): `compare` and `draft` write
 * the run's scorecard PNG, creating or overwriting the file, while `--json` keeps standard output
 * to the JSON document alone; a path that cannot be written is refused (exit 2) before anything
 * starts.
 */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-scorecard-cli-'));
await chmod(parent, 0o755);
const dataDir = path.join(parent, 'data');
afterAll(() => rm(parent, { recursive: true, force: true }));

const cli = (args: string[]): Promise<Ran> => runNode([path.join(root, 'service/main/cli.ts'), ...args], { cwd: parent, env: { DATA_DIR: dataDir } });
const duffel = [path.join(pairs, 'duffel-compliance/B'), path.join(pairs, 'duffel-compliance/A')];

async function expectPng(file: string) {
  const meta = await sharp(await readFile(file)).metadata();
  expect(meta.format).toBe('png');
  expect(meta.width).toBeGreaterThanOrEqual(1000);
  expect(meta.height).toBeGreaterThan(1000);
}

describe('--scorecard', () => {
  test.each([
    ['compare, a folder that does not exist', ['compare', ...duffel, '--scorecard', path.join(parent, 'missing-folder/out.png')], 'does not exist'],
    ['compare, a folder given as the file', ['compare', ...duffel, '--scorecard', parent], 'is a folder'],
    ['compare, no file', ['compare', ...duffel, '--scorecard'], '--scorecard needs a file'],
    ['compare, another option as the file', ['compare', ...duffel, '--scorecard', '--json'], '--scorecard needs a file'],
    ['draft, a folder that does not exist', ['draft', path.join(FIXTURES_DIR, 'grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg'), '--scorecard', path.join(parent, 'nope/out.png')], 'does not exist'],
  ])('%s: exits 2 before anything starts', async (_name, args, message) => {
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
  });

  test('compare --json --scorecard: one JSON document on stdout and a PNG on disk; a second run overwrites it', async () => {
    const out = path.join(parent, 'compare.png');
    const first = await cli(['compare', ...duffel, '--json', '--fresh', '--scorecard', 'compare.png']);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as { status: string; verdict: { winner: string } };
    expect(doc.status).toBe('succeeded');
    expect(doc.verdict.winner).toBe('B');
    await expectPng(out);

    await writeFile(out, 'not a picture');
    const again = await cli(['compare', ...duffel, '--scorecard', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('wins');
    expect(again.stderr).toContain(`Scorecard written to ${out}`);
    await expectPng(out);
    expect(await postgresRunning(dataDir)).toBe(false);
  }, 120_000);

  test('draft --json --scorecard (in a new folder path that exists): the drafts on stdout, the PNG on disk', async () => {
    const dir = path.join(FIXTURES_DIR, 'grocery/Oatly-Oat-Milk');
    const photos = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(dir, f));
    await mkdir(path.join(parent, 'cards'));
    const out = path.join(parent, 'cards/draft.png');
    const r = await cli(['draft', ...photos, '--json', '--scorecard', out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { status: string; drafts: Record<string, unknown> };
    expect(doc.status).toBe('succeeded');
    expect(Object.keys(doc.drafts)).toEqual(['amazon', 'ebay', 'etsy', 'shopify']);
    await expectPng(out);
  }, 120_000);
});
