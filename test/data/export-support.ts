import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { AppServices } from '../../service/app/services.ts';
import type { Db } from '../../service/db/client.ts';
import { putImage } from '../../service/db/repos/blobs.ts';
import { applyLedgerEntry } from '../../service/db/repos/ledger.ts';
import { recordCompletedCheckout } from '../../service/db/repos/checkout-sessions.ts';
import { insertRun, updateStage } from '../../service/db/repos/runs.ts';
import { ensureWorkspace } from '../../service/db/repos/workspaces.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';

/**
 * Workspaces with data to export, and the archive opened again, for the export tests. What each
 * workspace holds is returned with the strings that only it has (`needles`): the isolation tests
 * search another workspace's archive bytes for them, and this workspace's own archive for them
 * (so a needle that could never be found proves nothing).
 */

export const PAIRS = path.resolve(import.meta.dirname, '../../golden_tests/pairs');

export interface Extras {
  readonly experimentId: string;
  readonly purchaseId: string;
  readonly needles: string[];
}

/**
 * An experiment (baseline `runIds[0]`), a real result, a brand, a completed purchase and a grant
 * for `ref`, through the same use-cases the chat commands call; `tag` makes every name unique.
 */
export async function seedExtras(app: AppServices, db: Db, ref: WorkspaceRef, runIds: readonly string[], tag: string): Promise<Extras> {
  const ws = await ensureWorkspace(db, ref, 0);
  const { experiment } = await app.experiments.save(ref, { job: runIds[0]!, name: `${tag} hero image test`, notes: `${tag} notes` });
  await app.outcomes.record(ref, { job: runIds[0]!, result: 'A', note: `${tag} ran for two weeks`, recordedBy: `U_${tag}` });
  await app.brands.add(ref, `${tag}Brand`, `U_${tag}`);
  const purchaseId = `cs_test_${tag}`;
  await db.transaction(async (tx) => {
    await recordCompletedCheckout(tx, { id: purchaseId, workspaceId: ws.id, pack: 'starter', credits: 100, channelId: `C_${tag}`, paymentIntent: `pi_${tag}`, amountCents: 900 });
    await applyLedgerEntry(tx, { workspaceId: ws.id, amount: 100, kind: 'purchase', idempotencyKey: `purchase:${purchaseId}`, note: `${tag} starter pack` });
  });
  await applyLedgerEntry(db, { workspaceId: ws.id, amount: 7, kind: 'grant', idempotencyKey: `grant:${ws.id}:${tag}`, note: `${tag} support grant` });
  return {
    experimentId: experiment.id,
    purchaseId,
    needles: [ws.id, ref.externalId, experiment.id, `${tag} hero image test`, `${tag} ran for two weeks`, `${tag}Brand`, purchaseId, `pi_${tag}`, `grant:${ws.id}:${tag}`, ...runIds],
  };
}

/** A golden pair's image, as stored: its bytes and SHA-256. */
export function goldenImage(pair: string, side: 'A' | 'B', file: string): { sha256: string; bytes: Buffer } {
  const bytes = readFileSync(path.join(PAIRS, pair, side, file));
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/**
 * A finished comparison written straight into the database (no pipeline): an acquire stage naming
 * `image` (stored, so run_images lists it through the trigger) and a verdict; the workspace gets
 * its free credits as a signup ledger line. For tests about links and files, not stage contents.
 */
export async function seedQuickRun(db: Db, ref: WorkspaceRef, opts: { asins: [string, string]; image: { sha256: string; bytes: Buffer } }): Promise<string> {
  const ws = await ensureWorkspace(db, ref, 30);
  await putImage(db, { sha256: opts.image.sha256, mediaType: 'image/jpeg', width: 10, height: 10, bytes: opts.image.bytes });
  const run = await insertRun(
    db,
    {
      workspaceId: ws.id,
      kind: 'compare',
      status: 'succeeded',
      inputs: { a: { kind: 'asin', asin: opts.asins[0] }, b: { kind: 'asin', asin: opts.asins[1] } },
      finishedAt: new Date(),
    },
    [
      { stage: 'acquire', credits: 0 },
      { stage: 'verdict', credits: 0 },
    ],
  );
  await updateStage(db, run.id, 'acquire', { status: 'succeeded', output: { A: { images: [{ index: 0, sha256: opts.image.sha256 }] }, B: { images: [] } } });
  await updateStage(db, run.id, 'verdict', { status: 'succeeded', output: { winner: 'A', clickWinner: 'A', saleWinner: 'A', confidence: 0.8, rulesOnly: true, hash: '0'.repeat(64) } });
  return run.id;
}

/** Every file of a .tar.gz (read with tar-stream), by path. */
export async function readArchive(gz: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = pipeline(Readable.from([gz]), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(Buffer.from(chunk as Uint8Array));
    files.set(entry.header.name, Buffer.concat(chunks));
  }
  await done;
  return files;
}

/** The archive extracted by the system's `tar -xzf` into a new temporary folder: every file path under it. */
export function extractWithTar(file: string): { dir: string; paths: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'listinglab-export-'));
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  const paths: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else paths.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return { dir, paths: paths.sort() };
}

/** The archive's uncompressed bytes (the tar stream): what an isolation search reads. */
export const tarBytes = (gz: Buffer): Buffer => gunzipSync(gz);

export const json = <T = Record<string, unknown>>(files: Map<string, Buffer>, name: string): T => {
  const f = files.get(`listinglab-export/${name}`);
  if (!f) throw new Error(`${name} is not in the archive`);
  return JSON.parse(f.toString('utf8')) as T;
};
