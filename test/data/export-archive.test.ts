import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { writeWorkspaceArchive, type WorkspaceDataCounts } from '../../service/app/data/index.ts';
import { readPhotoFiles, startDraft, storePhotos } from '../../service/app/drafts/index.ts';
import { createAppServices } from '../../service/app/services.ts';
import { creditLedger, runImages, runs, workspaces } from '../../service/db/schema.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { systemClock } from '../../service/providers/provider.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { PAIRS, extractWithTar, json, readArchive, seedExtras, tarBytes } from './export-support.ts';

/**
 * Issue 21 item 1: a workspace's export archive holds its runs (every stage's output and the
 * verdict), experiments, real results, ledger (summing to the balance), purchases, brands and the
 * images its runs used, byte for byte — and nothing of another workspace. Real runs: golden pairs
 * through the real pipeline (offline rules engine), in two workspaces that share some images.
 */

const pipeline = await startTestPipeline();
const db = pipeline.tdb.db;
const deps = await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false });
const app = createAppServices({ ...deps, reportLinks: { key: randomBytes(32), baseUrl: 'https://ll.example.com' } });

const ONE: WorkspaceRef = { platform: 'slack', externalId: 'T_EXPORT_ONE', name: 'Export One' };
const TWO: WorkspaceRef = { platform: 'discord', externalId: 'G_EXPORT_TWO' };
const compare = async (ref: WorkspaceRef, pair: string) => (await pipeline.compareFolders(path.join(PAIRS, pair, 'A'), path.join(PAIRS, pair, 'B'), { workspace: ref })).id;

// Workspace two compares the same duffel listings (the same images) and a pair of its own.
/** Photos → listing drafts in `ref`: a draft run, its photos named in its inputs. */
async function draft(ref: WorkspaceRef, files: string[]) {
  const photos = await storePhotos(db, await readPhotoFiles(files.map((f) => path.join(PAIRS, f))));
  const started = await startDraft(deps, { workspace: ref, photos });
  return (await pipeline.waitForRun(started.run.id)).id;
}

// Workspace one: two comparisons and a draft from photos no other workspace uses.
const oneRuns = [await compare(ONE, 'duffel-compliance'), await compare(ONE, 'vitamin-gallery'), await draft(ONE, ['oat-milk-instore/A/iconic.jpg', 'oat-milk-instore/B/instore-1.jpg'])];
const twoRuns = [await compare(TWO, 'duffel-swapped'), await compare(TWO, 'bulb-lowres-caps')];
const oneExtras = await seedExtras(app, db, ONE, oneRuns, 'AlphaCo');
const twoExtras = await seedExtras(app, db, TWO, twoRuns, 'BetaCo');
const wsId = async (ref: WorkspaceRef) => (await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.externalId, ref.externalId)))[0]!.id;
const imagesOf = async (runIds: string[]) => new Set((await db.selectDistinct({ sha: runImages.sha256 }).from(runImages).where(inArray(runImages.runId, runIds))).map((r) => r.sha));

async function exportToFile(ref: WorkspaceRef): Promise<{ file: string; gz: Buffer; counts: WorkspaceDataCounts }> {
  const file = path.join(os.tmpdir(), `export-test-${randomBytes(4).toString('hex')}.tar.gz`);
  const counts = await writeWorkspaceArchive({ db, clock: systemClock }, await wsId(ref), createWriteStream(file));
  return { file, gz: readFileSync(file), counts };
}

const imagesOfOne = await imagesOf(oneRuns);
const imagesOfTwo = await imagesOf(twoRuns);
const one = await exportToFile(ONE);
const files = await readArchive(one.gz);

interface RunDoc { id: string; kind: string; status: string; inputs: unknown; verdict: { winner: string; hash: string } | null; stages: { name: string; status: string; output: unknown; credits: number }[] }
interface LedgerDoc { balance: number; sum: number; lines: { id: number; amount: number; kind: string; key: string }[] }
interface Manifest { format: string; version: number; exportedAt: string; workspace: { platform: string; externalId: string; name: string | null }; counts: WorkspaceDataCounts; files: { path: string; bytes: number; sha256: string }[] }

describe('the export archive', () => {
  test('opens with the system tar; the manifest (version 1) lists every other file with its size and SHA-256, and the counts are right', async () => {
    const { dir, paths } = extractWithTar(one.file);
    expect(paths).toEqual([...files.keys()].sort());
    expect(paths.every((p) => p.startsWith('listinglab-export/'))).toBe(true);
    const manifest = json<Manifest>(files, 'manifest.json');
    expect(manifest).toMatchObject({ format: 'listinglab-export', version: 1, workspace: { platform: 'slack', externalId: 'T_EXPORT_ONE', name: 'Export One' } });
    expect(new Date(manifest.exportedAt).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(manifest.files.map((f) => `listinglab-export/${f.path}`).sort()).toEqual(paths.filter((p) => p !== 'listinglab-export/manifest.json'));
    for (const f of manifest.files) {
      const bytes = readFileSync(path.join(dir, 'listinglab-export', f.path));
      expect(bytes.length, f.path).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256);
    }
    const [ledgerLines] = await db.select({ n: sql<number>`count(*)::int` }).from(creditLedger).where(eq(creditLedger.workspaceId, await wsId(ONE)));
    const expected = { runs: 3, experiments: 1, outcomes: 1, ledgerLines: ledgerLines!.n, purchases: 1, brands: 1, images: (await imagesOf(oneRuns)).size };
    expect(manifest.counts).toEqual(expected);
    expect(one.counts).toEqual(expected);
    // What the admin's link reply quotes is the same.
    expect((await app.data.requestExport(ONE, 'U_ADMIN')).counts).toEqual(expected);
    expect(files.get('listinglab-export/README.txt')?.toString()).toMatch(/^ListingLab data export\n[\s\S]*slack workspace "Export One" \(T_EXPORT_ONE\)/);
  });

  test('every run of the workspace, with each stage\'s output and the verdict as stored', async () => {
    for (const id of oneRuns) {
      const doc = json<RunDoc>(files, `runs/${id}.json`);
      const [row] = await db.select().from(runs).where(eq(runs.id, id));
      expect(doc).toMatchObject({ id, kind: row!.kind, status: row!.status, inputs: row!.inputs });
      expect(doc.status).toBe('succeeded');
      const names = row!.kind === 'draft' ? ['draft_acquire', 'draft_analyze', 'draft_score', 'draft_write'] : ['acquire', 'avatars', 'ctr', 'pdp', 'text', 'verdict'];
      expect(doc.stages.map((s) => s.name).sort()).toEqual(names);
      const stored = await db.query.runStages.findMany({ where: (s, { eq: is }) => is(s.runId, id) });
      for (const s of stored) expect(doc.stages.find((d) => d.name === s.stage)).toMatchObject({ status: s.status, output: s.output, credits: s.credits });
      expect(doc).not.toHaveProperty('origin');
      if (row!.kind === 'draft') {
        expect(doc.verdict).toBeNull();
        continue;
      }
      expect(doc.verdict).toEqual(stored.find((s) => s.stage === 'verdict')!.output);
      expect(doc.verdict?.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect([...files.keys()].filter((f) => f.startsWith('listinglab-export/runs/'))).toHaveLength(3);
  });

  test('the ledger: every line oldest first, summing to the balance workspace.json and the database hold', async () => {
    const ledger = json<LedgerDoc>(files, 'ledger.json');
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, await wsId(ONE)));
    expect(ledger.sum).toBe(ledger.lines.reduce((t, l) => t + l.amount, 0));
    expect(ledger.sum).toBe(ledger.balance);
    expect(ledger.balance).toBe(ws!.balance);
    expect(json(files, 'workspace.json')).toMatchObject({ platform: 'slack', externalId: 'T_EXPORT_ONE', balance: ws!.balance });
    expect(ledger.lines.map((l) => l.id)).toEqual([...ledger.lines.map((l) => l.id)].sort((a, b) => a - b));
    expect(ledger.lines.map((l) => l.kind)).toEqual(expect.arrayContaining(['signup', 'reserve', 'purchase', 'grant']));
    expect(ledger.lines.find((l) => l.kind === 'purchase')).toMatchObject({ amount: 100, key: `purchase:${oneExtras.purchaseId}` });
  });

  test('experiments, real results, purchases and brands', () => {
    const ex = json<{ experiments: { id: string; name: string; baselineRunId: string; reruns: unknown[] }[] }>(files, 'experiments.json');
    expect(ex.experiments).toEqual([expect.objectContaining({ id: oneExtras.experimentId, name: 'AlphaCo hero image test', baselineRunId: oneRuns[0], reruns: [] })]);
    expect(json(files, 'outcomes.json')).toEqual({ outcomes: [expect.objectContaining({ runId: oneRuns[0], result: 'A', note: 'AlphaCo ran for two weeks', recordedBy: 'U_AlphaCo' })] });
    const purchases = json<{ purchases: Record<string, unknown>[] }>(files, 'purchases.json').purchases;
    expect(purchases).toEqual([expect.objectContaining({ id: oneExtras.purchaseId, credits: 100, amountCents: 900, paymentIntent: 'pi_AlphaCo' })]);
    expect(purchases[0]).not.toHaveProperty('url');
    expect(json(files, 'brands.json')).toEqual({ brands: [expect.objectContaining({ kind: 'brand', value: 'AlphaCoBrand' })] });
  });

  test('every image the runs used, byte for byte (a file\'s SHA-256 is its name), shared ones included', async () => {
    const expected = await imagesOf(oneRuns);
    const shared = [...expected].filter((sha) => imagesOfTwo.has(sha));
    expect(shared.length).toBeGreaterThan(0);
    const images = [...files.entries()].filter(([name]) => name.startsWith('listinglab-export/images/'));
    expect(images.map(([name]) => /images\/([0-9a-f]{64})\.(jpg|png|webp|gif|avif|bin)$/.exec(name)?.[1]).sort()).toEqual([...expected].sort());
    for (const [name, bytes] of images) expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(/([0-9a-f]{64})/.exec(name)![1]);
    // A draft's photos are named in its inputs, not a stage: they are here too.
    const photos = (json<{ inputs: { photos: { sha256: string }[] } }>(files, `runs/${oneRuns[2]}.json`)).inputs.photos.map((p) => p.sha256);
    expect(photos).toHaveLength(2);
    for (const sha of photos) expect(files.has(`listinglab-export/images/${sha}.jpg`), sha).toBe(true);
    const index = json<{ images: { sha256: string; file: string; runIds: string[] }[] }>(files, 'images.json').images;
    expect(index.map((i) => i.sha256).sort()).toEqual([...expected].sort());
    for (const i of index) expect(oneRuns).toEqual(expect.arrayContaining(i.runIds));
  });

  test('nothing of the other workspace: no run id, id, ASIN, ledger key, purchase, note, brand or image of its own appears in the bytes', async () => {
    const bytes = tarBytes(one.gz);
    const onlyTwo = [...imagesOfTwo].filter((sha) => !imagesOfOne.has(sha));
    expect(onlyTwo.length).toBeGreaterThan(0);
    const needles = [...twoExtras.needles, 'B074M5HPBD', 'B074M5HQQQ', ...onlyTwo];
    for (const needle of needles) expect(bytes.includes(needle), needle).toBe(false);
    const blobs = await db.query.imageBlobs.findMany({ where: (b, { inArray: within }) => within(b.sha256, onlyTwo) });
    for (const b of blobs) expect(bytes.includes(b.bytes), b.sha256).toBe(false);

    // The same search finds them in workspace two's own archive: the needles are real.
    const two = tarBytes((await exportToFile(TWO)).gz);
    for (const needle of needles) expect(two.includes(needle), needle).toBe(true);
    for (const b of blobs) expect(two.includes(b.bytes), b.sha256).toBe(true);
    for (const needle of oneExtras.needles) expect(two.includes(needle), needle).toBe(false);
  });
});
