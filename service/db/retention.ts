import { lt } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import { imageBlobs, listingCache, visionCache } from './schema.ts';

export interface SweepResult {
  readonly listingCache: number;
  readonly visionCache: number;
  readonly imageBlobs: number;
}

/**
 * Retention (PRODUCT.md "Security and data"): listing cache rows past their 24 h expiry, vision
 * cache rows past their 7 days, image blobs unused for `blobDays`.
 */
export async function sweepExpired(db: DbOrTx, now: Date, blobDays: number): Promise<SweepResult> {
  const listing = await db.delete(listingCache).where(lt(listingCache.expiresAt, now)).returning({ k: listingCache.asin });
  const vision = await db.delete(visionCache).where(lt(visionCache.expiresAt, now)).returning({ k: visionCache.key });
  const blobCutoff = new Date(now.getTime() - blobDays * 86_400_000);
  const blobs = await db
    .delete(imageBlobs)
    .where(lt(imageBlobs.lastUsedAt, blobCutoff))
    .returning({ k: imageBlobs.sha256 });
  return { listingCache: listing.length, visionCache: vision.length, imageBlobs: blobs.length };
}
