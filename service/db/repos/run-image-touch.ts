import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import type { StoredImage } from './blobs.ts';

export type StoredImageMeta = Pick<StoredImage, 'mediaType' | 'width' | 'height'>;

/**
 * `touchImage` (blobs.ts) for all the images a run just downloaded, only while the run still exists — in the
 * same statement as that check. Stage 0 asked "is the run still there?" (its workspace's data may
 * have been deleted while the listings were fetched) and "which of these hashes are stored?" in two
 * statements; this is one (issue 22). A run that is gone touches nothing.
 *
 * The rows are locked in the order of their hash. Runs of a burst download the same images (a
 * seller's own listing against several competitors, the same product pages) and touch them at
 * once; an update in the order rows happen to lie on disk — which every update changes — locked
 * them in different orders, and two runs waiting for each other sat out Postgres's deadlock_timeout
 * (1 s) before one failed and its stage was retried (bench at 20 runs: ~1 s of lock waits per run
 * on this statement, and a "deadlock detected" in Postgres's log).
 *
 * @returns undefined when the run is gone; else the metadata of the hashes stored, by hash
 */
export async function touchImagesOfLiveRun(db: DbOrTx, runId: string, hashes: readonly string[]): Promise<Map<string, StoredImageMeta> | undefined> {
  const unique = [...new Set(hashes)];
  const matches = unique.length ? sql`sha256 in (${sql.join(unique.map((h) => sql`${h}`), sql`, `)})` : sql`false`;
  const rows = await db.execute<{ live: boolean; sha256: string | null; media_type: string | null; width: number | null; height: number | null }>(sql`
    with live as (select 1 from runs where id = ${runId}),
    locked as (
      select sha256 from image_blobs
      where ${matches} and exists (select 1 from live)
      order by sha256 for no key update),
    touched as (
      update image_blobs b set last_used_at = now()
      from locked l where b.sha256 = l.sha256
      returning b.sha256, b.media_type, b.width, b.height)
    select exists (select 1 from live) as live, t.sha256, t.media_type, t.width, t.height
    from (select 1) one left join touched t on true`);
  if (!rows[0]?.live) return undefined;
  return new Map(rows.flatMap((r) => (r.sha256 === null ? [] : [[r.sha256, { mediaType: r.media_type!, width: r.width!, height: r.height! }] as const])));
}
