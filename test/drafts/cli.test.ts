import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FIXTURES_DIR } from '../emulators/image-host.ts';
import { postgresRunning, runNode, type Ran } from '../support/processes.ts';

/**
 * Issue 9's "done means" on the command line: `listinglab draft test/fixtures/grocery/
 * Oatly-Oat-Milk/*.jpg --json`, offline (no model keys), yields four drafts that break no
 * marketplace rule but the placeholders they leave, and never pass while one is left (issue 18). Spawned as a script would run it; bad input exits 2 before anything
 * starts; nothing is left running.
 */

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'service/main/draft-cli-entry.ts');
const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-draft-cli-'));
await chmod(parent, 0o755);
const dataDir = path.join(parent, 'data');
afterAll(() => rm(parent, { recursive: true, force: true }));

const oatly = path.join(FIXTURES_DIR, 'grocery/Oatly-Oat-Milk');
const oatlyPhotos = readdirSync(oatly).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(oatly, f));

// No model keys: the offline rules engine.
const draft = (args: string[]): Promise<Ran> => runNode([entry, ...args], { cwd: root, env: { DATA_DIR: dataDir } });

interface DraftDoc {
  job: string;
  status: string;
  photos: { count: number; main: { index: number; name: string; reasons: string[] }; feedback: { photo: number; issue: string; message: string; fix: string | null }[] };
  attributes: Record<string, unknown>;
  drafts: Record<'amazon' | 'ebay' | 'etsy' | 'shopify', { title: string; valid: boolean; problems: { severity: string; code: string; message: string }[]; score: number; improve: { action: string; gain: number }[]; claims: { verified: boolean }[] } & Record<string, unknown>>;
  madeWithoutModel: boolean;
}

describe('listinglab draft', () => {
  test('bad input exits 2 before anything starts', async () => {
    const notImage = path.join(parent, 'notes.jpg');
    await writeFile(notImage, '<html>not a photo</html>');
    for (const [args, message] of [
      [[], 'needs 1–8 photos'],
      [[...Array.from({ length: 9 }, () => oatlyPhotos[0]!)], 'at most 8 photos'],
      [[path.join(parent, 'missing.jpg')], 'file not found'],
      [[notImage], 'not a JPEG, PNG, WebP or GIF'],
      [[oatlyPhotos[0]!, '--bogus'], 'Unknown option'],
    ] as const) {
      const r = await draft([...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  test('Oatly in-store photos, offline: four drafts that break no rule but their placeholders and never pass with one (--json on stdout only)', async () => {
    const r = await draft([...oatlyPhotos, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as DraftDoc;
    expect(doc.status).toBe('succeeded');
    expect(doc.madeWithoutModel).toBe(true);
    expect(Object.keys(doc.drafts).sort()).toEqual(['amazon', 'ebay', 'etsy', 'shopify']);
    for (const [m, d] of Object.entries(doc.drafts)) {
      // Offline drafts leave [placeholders]: the only errors, and a draft holding one never passes …
      expect(d.problems.filter((p) => p.severity === 'error' && p.code !== 'placeholder'), m).toEqual([]);
      expect(d.valid, m).toBe(false);
      expect(d.problems.some((p) => p.code === 'placeholder' && /fill in the brand/.test(p.message)), m).toBe(true);
      expect(d.score).toBeGreaterThan(0);
      expect(d.score).toBeLessThanOrEqual(40);
      expect(d.improve.length).toBeGreaterThan(0); // … and says how to win the points back
      expect(d.claims.filter((c) => !c.verified)).toEqual([]);
    }
    expect((doc.drafts.amazon['bullets'] as string[]).length).toBe(5);
    expect(Array.from(doc.drafts.ebay.title).length).toBeLessThanOrEqual(80);
    // The packshot on white is the main image; the in-store photos are to be reshot on white.
    expect(doc.photos.count).toBe(3);
    expect(doc.photos.main.name).toBe('Oatly-Oat-Milk_Iconic.jpg');
    const busy = doc.photos.feedback.filter((f) => f.issue === 'background').map((f) => f.photo).sort();
    expect(busy).toEqual([1, 2]);
    expect(doc.photos.feedback.some((f) => f.issue === 'resolution' && f.photo === 0 && /198×198 px/.test(f.message))).toBe(true);
    expect(await postgresRunning(dataDir)).toBe(false);
  }, 120_000);

  test('--brand and --product-type win over the photos: the brand is in every title and no longer asked for', async () => {
    const r = await draft([oatlyPhotos[0]!, '--brand', 'Starter', '--product-type', 'oat drink', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as DraftDoc;
    expect(doc.attributes['brand']).toMatchObject({ value: 'Starter', confidence: 1 });
    for (const [m, d] of Object.entries(doc.drafts)) {
      expect(d.title, m).toMatch(/^Starter Oat Drink/);
      expect(d.problems.some((p) => /fill in the brand/.test(p.message)), m).toBe(false);
    }
  }, 120_000);

  test('human output: the main photo, the reshoots and each marketplace’s draft with its score', async () => {
    const r = await draft(oatlyPhotos);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Main image:');
    expect(r.stdout).toContain('Reshoot:');
    for (const m of ['Amazon', 'eBay', 'Etsy', 'Shopify']) expect(r.stdout).toMatch(new RegExp(`^${m} draft — \\d+/100 · not finished: fill in brand`, 'm'));
    expect(r.stdout).toMatch(/^Fill in: brand, /m);
    expect(r.stdout).not.toMatch(/copy-ready|passes \w+'s rules/i);
    expect(r.stdout).toContain('Made without a model');
    expect(r.stderr).toContain('✓ Marketplace rules');
  }, 120_000);
});
