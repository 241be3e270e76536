import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.ts';

/**
 * The retention sweep's statements (retention.ts says what is kept and why). Each removes at most
 * `batch` rows and is one statement, so one short transaction of its own: the rows are chosen
 * oldest first and locked (`FOR UPDATE … SKIP LOCKED`: a row someone else holds — a cache being
 * refreshed, an image being touched, another sweep — is left for the next pass instead of waited
 * for), and the outer statement checks the condition again on the row it is about to change.
 * Every time is compared with the `now` passed in, never the database's `now()`, so a test's clock
 * decides what has expired.
 */

export interface Batch {
  readonly now: Date;
  readonly limit: number;
}

/** How many rows one statement changed (each returns one row per change). */
const changed = async (db: Db, statement: SQL): Promise<number> => (await db.execute(statement)).length;

const at = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;
const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * 86_400_000);

/**
 * Rows of a table with an `expires_at` column that has passed: a row is served while
 * `expires_at > now` (repos/caches.ts), so at `expires_at <= now` it is gone for good.
 */
export function deleteExpiredRows(db: Db, table: 'listing_cache' | 'vision_cache' | 'data_links', key: 'asin' | 'key' | 'id', b: Batch): Promise<number> {
  const t = sql.identifier(table);
  const k = sql.identifier(key);
  return changed(
    db,
    sql`DELETE FROM ${t} WHERE ${k} IN (
          SELECT ${k} FROM ${t} WHERE expires_at <= ${at(b.now)}
          ORDER BY expires_at LIMIT ${b.limit} FOR UPDATE SKIP LOCKED)
        AND expires_at <= ${at(b.now)}
        RETURNING 1`,
  );
}

/** Whether the run `runId` (a column expression) is the baseline or a re-run of a pinned experiment. */
function heldByPinnedExperiment(runId: SQL): SQL {
  return sql`(EXISTS (SELECT 1 FROM experiments e WHERE e.pinned AND e.baseline_run_id = ${runId})
    OR EXISTS (SELECT 1 FROM experiment_runs er JOIN experiments e ON e.id = er.experiment_id WHERE e.pinned AND er.run_id = ${runId}))`;
}

/**
 * An image blob (`alias`) unused since `cutoff` that no run younger than `cutoff` and no run of a
 * pinned experiment uses (`run_images`, kept by a trigger).
 */
function blobRemovable(alias: string, cutoff: Date): SQL {
  const b = sql.raw(alias);
  return sql`${b}.last_used_at < ${at(cutoff)}
    AND NOT EXISTS (
      SELECT 1 FROM run_images ri JOIN runs r ON r.id = ri.run_id
      WHERE ri.sha256 = ${b}.sha256 AND (r.created_at >= ${at(cutoff)} OR ${heldByPinnedExperiment(sql.raw('r.id'))}))`;
}

export function deleteUnusedBlobs(db: Db, days: number, b: Batch): Promise<number> {
  const cutoff = daysBefore(b.now, days);
  // The outer condition is checked again on the locked row: an image touched (`touchImage`) or
  // taken up by a new run after the inner select saw it stays.
  return changed(
    db,
    sql`DELETE FROM image_blobs b WHERE b.sha256 IN (
          SELECT c.sha256 FROM image_blobs c WHERE ${blobRemovable('c', cutoff)}
          ORDER BY c.last_used_at LIMIT ${b.limit} FOR UPDATE OF c SKIP LOCKED)
        AND ${blobRemovable('b', cutoff)}
        RETURNING 1`,
  );
}

/** A stage row (`alias`) whose `orders` still holds the raw answers. */
const ordersKept = (alias: string): SQL => sql`${sql.raw(alias)}.orders IS NOT NULL AND ${sql.raw(alias)}.orders->'removedAt' IS NULL`;

/** Which order answered, kept as a marker: null when that order failed, `"removed"` when it answered. */
const orderMarker = (side: 'first' | 'second'): SQL =>
  sql`CASE WHEN coalesce(jsonb_typeof(s.orders->${sql.raw(`'${side}'`)}), 'null') = 'null' THEN NULL ELSE 'removed' END`;

/**
 * The raw model answers of stages of runs created before `cutoff` and not held by a pinned
 * experiment: `orders` keeps only what the views read from it — whether the two orders agreed
 * and which of them answered — so an old run's stage cards say the same as before. In no
 * particular order: every candidate is past the limit, and sorting them all for each batch cost
 * 0.5–0.8 s a statement with 30,000 old runs (30–140 ms without; an empty pass over 150,000 stage
 * rows, ~100 ms, a plain scan that blocks no writer).
 */
export function stripRawAnswers(db: Db, days: number, b: Batch): Promise<number> {
  const cutoff = daysBefore(b.now, days);
  return changed(
    db,
    sql`UPDATE run_stages s SET orders = jsonb_build_object(
          'consistent', coalesce(s.orders->'consistent', 'false'::jsonb),
          'first', ${orderMarker('first')},
          'second', ${orderMarker('second')},
          'removedAt', ${b.now.toISOString()}::text)
        WHERE (s.run_id, s.stage) IN (
          SELECT x.run_id, x.stage FROM run_stages x JOIN runs r ON r.id = x.run_id
          WHERE ${ordersKept('x')} AND r.created_at < ${at(cutoff)} AND NOT ${heldByPinnedExperiment(sql.raw('r.id'))}
          LIMIT ${b.limit} FOR UPDATE OF x SKIP LOCKED)
        AND ${ordersKept('s')}
        RETURNING 1`,
  );
}
