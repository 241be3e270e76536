import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { rateLimits } from '../schema.ts';

/**
 * Counts one hit on `key` in a fixed window of `windowMs` and returns the window's count so far
 * (this hit included) and when the window began. One statement, atomic under concurrency: the
 * upsert takes the row lock, so hits from any number of processes are counted one after another.
 * A window that has passed starts over with this hit.
 */
export async function countHit(db: DbOrTx, key: string, now: Date, windowMs: number): Promise<{ hits: number; windowStart: Date }> {
  const passed = sql`${rateLimits.windowStart} <= ${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        windowStart: sql`case when ${passed} then excluded.window_start else ${rateLimits.windowStart} end`,
        hits: sql`case when ${passed} then 1 else ${rateLimits.hits} + 1 end`,
      },
    })
    .returning({ hits: rateLimits.hits, windowStart: rateLimits.windowStart });
  if (!row) throw new Error('rate limit upsert returned nothing');
  return row;
}
