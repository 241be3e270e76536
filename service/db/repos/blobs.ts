import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { hot, value } from '../hot.ts';
import { imageBlobs } from '../schema.ts';

export interface StoredImage {
  readonly sha256: string;
  readonly mediaType: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
  readonly sourceUrl?: string | null;
}

/**
 * A stored image's metadata by content hash, its last use refreshed (retention counts from it);
 * undefined when this content was never stored.
 */
export async function touchImage(db: DbOrTx, sha256: string): Promise<Pick<StoredImage, 'mediaType' | 'width' | 'height'> | undefined> {
  const [row] = await db
    .update(imageBlobs)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(imageBlobs.sha256, sha256))
    .returning({ mediaType: imageBlobs.mediaType, width: imageBlobs.width, height: imageBlobs.height });
  return row;
}

/**
 * Stores an image once per content hash; an image already stored only has its last use
 * refreshed (checked first, so its bytes are not sent to the database again).
 */
export async function putImage(db: DbOrTx, img: StoredImage): Promise<void> {
  if (await touchImage(db, img.sha256)) return;
  await insertImage(db, img);
}

/** Stores an image `touchImage` just did not find (a concurrent insert of the same content only refreshes its last use). */
export async function insertImage(db: DbOrTx, img: StoredImage): Promise<void> {
  await db
    .insert(imageBlobs)
    .values({
      sha256: img.sha256,
      mediaType: img.mediaType,
      width: img.width,
      height: img.height,
      byteSize: img.bytes.length,
      bytes: img.bytes,
      sourceUrl: img.sourceUrl ?? null,
    })
    .onConflictDoUpdate({ target: imageBlobs.sha256, set: { lastUsedAt: sql`now()` } });
}

export async function getImages(db: DbOrTx, hashes: readonly string[]): Promise<Map<string, StoredImage>> {
  if (hashes.length === 0) return new Map();
  const rows = await db.select().from(imageBlobs).where(inArray(imageBlobs.sha256, [...new Set(hashes)]));
  return new Map(rows.map((r) => [r.sha256, r]));
}

export async function getImage(db: DbOrTx, sha256: string): Promise<StoredImage | undefined> {
  const [row] = await selectImage(db, { sha256 });
  return row;
}

/** getImage's statement, built once (db/hot.ts): a scorecard reads its photos with it. */
const selectImage = hot('get_image', (db) => db.select().from(imageBlobs).where(eq(imageBlobs.sha256, value('sha256'))));
