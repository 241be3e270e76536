import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Db } from '../../db/client.ts';
import { getWorkspace } from '../../db/repos/workspaces.ts';
import {
  workspaceBrandRows,
  workspaceExperiments,
  workspaceImageBytes,
  workspaceImageIndex,
  workspaceLedger,
  workspaceOutcomes,
  workspacePurchases,
  workspaceRun,
  workspaceRunIds,
} from '../../db/repos/workspace-data.ts';
import type { Clock } from '../../providers/provider.ts';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  README,
  ROOT,
  brandsDocument,
  experimentsDocument,
  imagePath,
  imagesDocument,
  ledgerDocument,
  outcomesDocument,
  purchasesDocument,
  runDocument,
  workspaceDocument,
  type ImageEntry,
} from './export-documents.ts';
import type { WorkspaceDataCounts, WriteArchive } from './types.ts';

/**
 * A workspace's export archive (docs/export-format.md): one .tar.gz streamed into `out` as it is
 * read. Never the whole archive in memory: each file is built and handed to the tar stream one at
 * a time (a tar header needs the file's size, so one file is the unit), each run with its own
 * query and each image fetched alone, and every file waits for the stream to take the previous
 * one, so a slow reader slows the reads instead of filling memory.
 *
 * Reads are not one snapshot (that would hold a transaction open for as long as a download
 * takes): a run or image removed meanwhile (retention) is left out, and manifest.json, written
 * last, lists exactly what the archive holds. The ledger and its balance are one snapshot.
 */

export interface ArchiveDeps {
  readonly db: Db;
  readonly clock: Clock;
}

interface FileRecord {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The tar stream, fed one file at a time; a failure of the output (a reader gone) stops it. */
class ArchiveWriter {
  readonly files: FileRecord[] = [];
  private readonly pack = tar.pack();
  private readonly done: Promise<void>;
  private readonly failed: Promise<never>;
  private readonly mtime: Date;

  constructor(out: Writable, mtime: Date) {
    this.mtime = mtime;
    this.done = pipeline(this.pack, createGzip(), out);
    // Settles only by rejecting: raced against each file, so a broken output ends the writing at once.
    this.failed = this.done.then(() => new Promise<never>(() => undefined));
    this.failed.catch(() => undefined);
  }

  async file(path: string, content: Buffer | string): Promise<void> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const name = `${ROOT}/${path}`;
    const taken = new Promise<void>((resolve, reject) => {
      this.pack.entry({ name, size: bytes.length, mtime: this.mtime, mode: 0o644 }, bytes, (err) => (err ? reject(err) : resolve()));
    });
    await Promise.race([taken, this.failed]);
    this.files.push({ path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }

  json(path: string, doc: unknown): Promise<void> {
    return this.file(path, `${JSON.stringify(doc, null, 2)}\n`);
  }

  async finish(): Promise<void> {
    this.pack.finalize();
    await this.done;
  }

  async abort(cause: unknown): Promise<void> {
    this.pack.destroy(cause instanceof Error ? cause : new Error(String(cause)));
    await this.done.catch(() => undefined);
  }
}

/** Writes the archive of workspace `workspaceId` into `out` (ended when done); what it holds. */
export async function writeWorkspaceArchive(deps: ArchiveDeps, workspaceId: string, out: Writable): Promise<WorkspaceDataCounts> {
  const workspace = await getWorkspace(deps.db, workspaceId);
  if (!workspace) throw new Error(`workspace ${workspaceId} not found`);
  const exportedAt = new Date(deps.clock.now());
  const archive = new ArchiveWriter(out, exportedAt);
  try {
    await archive.file('README.txt', README(workspace, exportedAt));

    let runs = 0;
    for (const id of await workspaceRunIds(deps.db, workspaceId)) {
      const found = await workspaceRun(deps.db, workspaceId, id);
      if (!found) continue;
      await archive.json(`runs/${id}.json`, runDocument(found.run, found.stages));
      runs++;
    }
    const experiments = await workspaceExperiments(deps.db, workspaceId);
    await archive.json('experiments.json', experimentsDocument(experiments));
    const outcomes = await workspaceOutcomes(deps.db, workspaceId);
    await archive.json('outcomes.json', outcomesDocument(outcomes));
    const ledger = await workspaceLedger(deps.db, workspaceId);
    await archive.json('ledger.json', ledgerDocument(ledger));
    // workspace.json carries the balance read with the ledger: the two always agree.
    await archive.json('workspace.json', workspaceDocument({ ...workspace, balance: ledger.balance }));
    const purchases = await workspacePurchases(deps.db, workspaceId);
    await archive.json('purchases.json', purchasesDocument(purchases));
    const brands = await workspaceBrandRows(deps.db, workspaceId);
    await archive.json('brands.json', brandsDocument(brands));

    const images: ImageEntry[] = [];
    for (const image of await workspaceImageIndex(deps.db, workspaceId)) {
      const bytes = await workspaceImageBytes(deps.db, workspaceId, image.sha256);
      if (!bytes) continue;
      await archive.file(imagePath(image), bytes);
      images.push(image);
    }
    await archive.json('images.json', imagesDocument(images));

    const counts: WorkspaceDataCounts = {
      runs,
      experiments: experiments.experiments.length,
      outcomes: outcomes.length,
      ledgerLines: ledger.lines.length,
      purchases: purchases.length,
      brands: brands.length,
      images: images.length,
    };
    await archive.json('manifest.json', {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt,
      workspace: { platform: workspace.platform, externalId: workspace.externalId, name: workspace.name },
      counts,
      // Every file before this one; the manifest cannot list its own hash.
      files: [...archive.files],
    });
    await archive.finish();
    return counts;
  } catch (e) {
    await archive.abort(e);
    throw e;
  }
}

/** The archive writer the HTTP route and the CLI are given. */
export function createArchiveWriter(deps: ArchiveDeps): WriteArchive {
  return (workspaceId, out) => writeWorkspaceArchive(deps, workspaceId, out);
}
