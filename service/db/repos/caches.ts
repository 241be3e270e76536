import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { columnValue, hot, shapes, value } from '../hot.ts';
import { listingCache, visionCache } from '../schema.ts';

export async function getCachedListing(db: DbOrTx, asin: string, now: Date): Promise<unknown> {
  const [row] = await db.select().from(listingCache).where(and(eq(listingCache.asin, asin), gt(listingCache.expiresAt, now)));
  return row?.listing;
}

/** Several listings at once (one query): those cached and not expired, by ASIN. */
export async function getCachedListings(db: DbOrTx, asins: readonly string[], now: Date): Promise<Map<string, unknown>> {
  if (asins.length === 0) return new Map();
  const rows = await db.select().from(listingCache).where(and(inArray(listingCache.asin, [...new Set(asins)]), gt(listingCache.expiresAt, now)));
  return new Map(rows.map((r) => [r.asin, r.listing]));
}

/**
 * `getCachedListings` of a comparison's two sides as an SQL expression on its run's `inputs`, for
 * the statement that begins its acquisition (db/repos/runs.ts beginStageRows `read`): a JSON
 * object of listings by ASIN (a manual side has none).
 */
export function cachedListingsSql(inputs: SQL, now: Date): SQL {
  return sql`(select coalesce(json_object_agg(c.asin, c.listing), '{}'::json) from listing_cache c
    where c.asin in (${inputs}->'a'->>'asin', ${inputs}->'b'->>'asin') and c.expires_at > ${now.toISOString()}::timestamptz)`;
}

/** Several listings stored in one statement (both sides of a comparison). */
export async function putCachedListings(db: DbOrTx, entries: readonly { asin: string; listing: unknown }[], source: string, now: Date, ttlMs: number): Promise<void> {
  const unique = [...new Map(entries.map((e) => [e.asin, e])).values()];
  if (unique.length === 0) return;
  const expiresAt = new Date(now.getTime() + ttlMs);
  const values: Record<string, unknown> = { source, fetchedAt: now, expiresAt };
  unique.forEach((e, i) => {
    values[`asin${i}`] = e.asin;
    values[`listing${i}`] = e.listing;
  });
  await upsertListings(unique.length)(db, values);
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

/** Several keys at once (one query): the entries found and not expired, by key. */
export async function getCachedEvaluations(db: DbOrTx, keys: readonly string[], now: Date): Promise<Map<string, CachedEvaluation>> {
  if (keys.length === 0) return new Map();
  const unique = [...new Set(keys)];
  const values: Record<string, unknown> = { now: now.toISOString() };
  unique.forEach((k, i) => (values[`k${i}`] = k));
  const rows = await selectEvaluations(unique.length)(db, values);
  return new Map(rows.map((r) => [r.key, { output: r.output, provider: r.provider, model: r.model }]));
}

export interface EvaluationEntry {
  readonly key: string;
  readonly evaluation: string;
  readonly output: unknown;
  readonly provider: string;
  readonly model: string;
  readonly promptVersion: string;
}

/** Evaluations to cache, from `at` for `ttlMs` (a stage's two presentation orders). */
export interface EvaluationWrites {
  readonly entries: readonly EvaluationEntry[];
  readonly at: Date;
  readonly ttlMs: number;
}

/** Several entries in one statement (a stage's two presentation orders); a key stored meanwhile is replaced. */
export async function putCachedEvaluations(db: DbOrTx, entries: readonly EvaluationEntry[], now: Date, ttlMs: number): Promise<void> {
  const upsert = evaluationsUpsert(db, { entries, at: now, ttlMs });
  if (upsert) await upsert;
}

/**
 * The upsert of `putCachedEvaluations` as a query to run or to put in another statement (a CTE of
 * the stage's completion, db/repos/runs.ts settleStageRow); undefined when there is nothing to write.
 */
export function evaluationsUpsert(db: DbOrTx, writes: EvaluationWrites) {
  // One row per key: a multi-row upsert may not touch the same row twice. In key order: the rows
  // are locked until the stage's completion commits, and two runs writing the same keys (the same
  // pair) in opposite orders would deadlock.
  const unique = [...new Map(writes.entries.map((e) => [e.key, e])).values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  if (unique.length === 0) return undefined;
  const now = writes.at;
  const expiresAt = new Date(now.getTime() + writes.ttlMs);
  return db
    .insert(visionCache)
    .values(unique.map((e) => ({ ...e, createdAt: now, expiresAt })))
    .onConflictDoUpdate({
      target: visionCache.key,
      set: { output: sql`excluded.output`, provider: sql`excluded.provider`, model: sql`excluded.model`, createdAt: now, expiresAt },
    });
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

/** getCachedEvaluations, per number of keys (`k0`, `k1`…), built once (db/hot.ts): every evaluation stage reads it. */
const selectEvaluations = shapes(
  (n: number) => String(n),
  (n) =>
    hot('cached_evaluations', (db) =>
      db
        .select()
        .from(visionCache)
        .where(
          and(
            inArray(
              visionCache.key,
              Array.from({ length: n }, (_, i) => value(`k${i}`)),
            ),
            gt(visionCache.expiresAt, value('now')),
          ),
        ),
    ),
);

/** putCachedListings, per number of listings (`asin<i>`, `listing<i>`), built once (db/hot.ts): every acquisition writes it. */
const upsertListings = shapes(
  (n: number) => String(n),
  (n) =>
    hot('put_cached_listings', (db) =>
      db
        .insert(listingCache)
        .values(
          Array.from({ length: n }, (_, i) => ({
            asin: columnValue(`asin${i}`),
            listing: columnValue(`listing${i}`),
            source: columnValue('source'),
            fetchedAt: columnValue('fetchedAt'),
            expiresAt: columnValue('expiresAt'),
          })),
        )
        .onConflictDoUpdate({
          target: listingCache.asin,
          set: { listing: sql`excluded.listing`, source: columnValue('source'), fetchedAt: columnValue('fetchedAt'), expiresAt: columnValue('expiresAt') },
        }),
    ),
);
