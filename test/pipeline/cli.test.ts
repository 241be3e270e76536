import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { postgresRunning, runNode, type Ran } from '../support/processes.ts';

/** `listinglab compare` as a script would use it: exit codes, --json on stdout only, no leftovers. */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-cli-'));
await chmod(parent, 0o755);
const dataDir = path.join(parent, 'data');
afterAll(() => rm(parent, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), ...args], { cwd: root, env: { DATA_DIR: dataDir, ...env } });

describe('listinglab compare', () => {
  test.each([
    [['compare', 'B0BADASIN!', 'B0799CK52K'], 'not a valid ASIN'],
    [['compare', 'https://www.amazon.co.uk/dp/B0799CK52K', 'B0799CK52K'], 'only amazon.com listings are supported'],
    [['compare', 'https://amzn.to/3xYz', 'B0799CK52K'], 'paste the full amazon.com URL'],
    [['compare', 'B0799CK52K', 'https://www.amazon.com/Starter-Duffel/dp/B0799CK52K/ref=sr_1_1'], 'same listing'],
    [['compare', 'B0799CK52K'], 'compare takes two listings'],
    [['compare', 'B0799CK52K', 'B074M5HPBD', 'extra'], 'compare takes two listings'],
  ])('bad input %j exits 2 before touching anything', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.toLowerCase()).toContain(message.toLowerCase());
    expect(r.stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
  });

  test('a listing folder with a bad field exits 2 naming the field', async () => {
    const bad = path.join(parent, 'bad-listing');
    await mkdir(bad, { recursive: true });
    await writeFile(path.join(bad, 'listing.json'), JSON.stringify({ title: '', images: ['main.jpg'] }));
    const r = await cli(['compare', bad, path.join(pairs, 'duffel-compliance/A'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('title');
    expect(r.stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  test('--json prints one document on stdout; the same run twice has the same verdict hash', async () => {
    const args = ['compare', path.join(pairs, 'duffel-compliance/B'), path.join(pairs, 'duffel-compliance/A'), '--json', '--fresh'];
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as {
      job: string;
      status: string;
      mine: string | null;
      verdict: {
        winner: string;
        score: { A: number; B: number };
        confidence: number;
        fixes: { listing: string; priority: number; action: string; evidence: string[]; current: string | null; target: string | null; effort: string; compliance: boolean; effect: { points: number; changesWinner: boolean } }[];
        hash: string;
      };
      avatars: unknown[];
      stages: Record<string, { status: string }>;
    };
    expect(doc.status).toBe('succeeded');
    expect(doc.verdict.winner).toBe('B');
    expect(doc.verdict.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.avatars).toHaveLength(3);
    expect(Object.keys(doc.stages)).toEqual(expect.arrayContaining(['ctr', 'pdp', 'text', 'avatars', 'verdict']));
    expect(doc.mine).toBeNull();
    for (const f of doc.verdict.fixes) {
      expect(['A', 'B']).toContain(f.listing);
      expect(f.evidence.length).toBeGreaterThan(0);
      // The contract (README): each fix with its value now, target, kind of work and projected effect.
      expect(f.current).toBeTruthy();
      expect(f.target).toBeTruthy();
      expect(['text', 'photo-edit', 'new-shoot']).toContain(f.effort);
      expect(typeof f.compliance).toBe('boolean');
      expect(f.effect.points).toBeGreaterThanOrEqual(0);
      expect(typeof f.effect.changesWinner).toBe('boolean');
    }
    // The fixes name the defects of the losing listing (A here).
    const fixesA = doc.verdict.fixes.filter((f) => f.listing === 'A').map((f) => f.action.toLowerCase()).join('\n');
    for (const word of ['white background', 'badge', '85%', 'title', 'gallery']) expect(fixesA).toContain(word);

    const second = await cli(args);
    expect(second.code).toBe(0);
    const doc2 = JSON.parse(second.stdout) as typeof doc;
    expect(doc2.job).not.toBe(doc.job);
    expect(doc2.verdict.hash).toBe(doc.verdict.hash);
    expect(await postgresRunning(dataDir)).toBe(false);
  }, 120_000);

  test('an ASIN with no listing source configured fails the run: exit 1 and a clear reason', async () => {
    const r = await cli(['compare', 'B0799CK52K', path.join(pairs, 'duffel-compliance/B'), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { status: string; error: { code: string; message: string } };
    expect(doc.status).toBe('failed');
    expect(doc.error.message).toContain('APIFY_TOKEN');
    expect(await postgresRunning(dataDir)).toBe(false);
  }, 60_000);

  test('human output ends with the verdict, personas and fixes', async () => {
    const r = await cli(['compare', path.join(pairs, 'bulb-lowres-caps/A'), path.join(pairs, 'bulb-lowres-caps/B')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Verdict: B074M5HPBD \(A\) wins/);
    expect(r.stdout).toContain('Buyer personas');
    expect(r.stdout).toMatch(/Fixes for [AB] \(B0[0-9A-Z]{8}\):\n {4}1\. /);
    expect(r.stdout).toContain('Made without a model');
    expect(r.stderr).toContain('✓ Verdict');
    expect(await postgresRunning(dataDir)).toBe(false);
  }, 60_000);

  test('the demo on an empty DATA_DIR, run twice: each stage once, the verdict, no log lines or warnings', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await cli(['demo'], { DATA_DIR: path.join(parent, 'demo-data') });
      expect(r.code, r.stderr).toBe(0);
      const all = `${r.stdout}\n${r.stderr}`;
      // Each stage's progress line once (the Verdict card's per-stage scores name the stages too).
      for (const stage of ['Fetch listings', 'Click (main image)', 'Conversion (gallery)', 'Copy (title, bullets, description)', 'Buyer personas', 'Verdict']) {
        expect(r.stderr.split(`✓ ${stage} —`).length - 1, `${stage} in:\n${r.stderr}`).toBe(1);
      }
      expect(r.stdout).toMatch(/Verdict: B0799CK52K \(A\) wins/);
      expect(all).not.toMatch(/\{"level"|warning|WARN|error/i);
    }
    expect(await postgresRunning(path.join(parent, 'demo-data'))).toBe(false);
  }, 120_000);
});
