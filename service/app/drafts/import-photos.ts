import path from 'node:path';
import { readLocalImage, type FetchedImage } from '../../acquire/image-fetch.ts';
import type { Db } from '../../db/client.ts';
import { putImage } from '../../db/repos/blobs.ts';
import type { DraftPhotoInput } from './start-draft.ts';

/**
 * Local photo files for a draft (the CLI): read and checked under the same limits as any image
 * (byte cap, content sniffing, pixel cap) before anything starts, then stored by content, so the
 * run depends on the photos' bytes and never on their paths.
 */

export interface LocalPhoto extends FetchedImage {
  /** The file's name (never its path). */
  readonly name: string;
}

/** @throws ImageRefusedError (a UserError) naming the file that cannot be used. */
export async function readPhotoFiles(paths: readonly string[]): Promise<LocalPhoto[]> {
  const out: LocalPhoto[] = [];
  for (const p of paths) out.push({ ...(await readLocalImage(p)), name: path.basename(p) });
  return out;
}

export async function storePhotos(db: Db, photos: readonly LocalPhoto[]): Promise<DraftPhotoInput[]> {
  for (const p of photos) await putImage(db, { sha256: p.sha256, mediaType: p.mediaType, width: p.width, height: p.height, bytes: p.bytes, sourceUrl: null });
  return photos.map((p) => ({ kind: 'blob', sha256: p.sha256, name: p.name }));
}
