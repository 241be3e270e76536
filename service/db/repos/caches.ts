import { and, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { listingCache, visionCache } from '../schema.ts';

export async function getCachedListing(db: DbOrTx, asin: string, now: Date): Promise<unknown> {
  const [row] = await db.select().from(listingCache).where(and(eq(listingCache.asin, asin), gt(listingCache.expiresAt, now)));
  return row?.listing;
}

export async function putCachedListing(db: DbOrTx, asin: string, listing: unknown, source: string, now: Date, ttlMs: number): Promise<void> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db
    .insert(listingCache)
    .values({ asin, listing, source, fetchedAt: now, expiresAt })
    .onConflictDoUpdate({ target: listingCache.asin, set: { listing, source, fetchedAt: now, expiresAt } });
}

export interface CachedEvaluation {
  readonly output: unknown;
  readonly provider: string;
  readonly model: string;
}

export async function getCachedEvaluation(db: DbOrTx, key: string, now: Date): Promise<CachedEvaluation | undefined> {
  const [row] = await db.select().from(visionCache).where(and(eq(visionCache.key, key), gt(visionCache.expiresAt, now)));
  return row ? { output: row.output, provider: row.provider, model: row.model } : undefined;
}

export async function putCachedEvaluation(
  db: DbOrTx,
  entry: { key: string; evaluation: string; output: unknown; provider: string; model: string; promptVersion: string },
  now: Date,
  ttlMs: number,
): Promise<void> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db
    .insert(visionCache)
    .values({ ...entry, createdAt: now, expiresAt })
    .onConflictDoUpdate({ target: visionCache.key, set: { output: entry.output, provider: entry.provider, model: entry.model, createdAt: now, expiresAt } });
}
