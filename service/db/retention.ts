import type { Db } from './client.ts';
import { deleteExpiredRows, deleteUnusedBlobs, stripRawAnswers, type Batch } from './retention-statements.ts';

/**
 * Retention (PRODUCT.md "Security and data": listing cache 24 h, vision cache 7 days, images and
 * raw payloads 30 days). One pass of the sweep removes exactly this, and nothing else:
 *
 * - `listingCache`: `listing_cache` rows past `expires_at` (written 24 h after the fetch,
 *   `DEFAULTS.retention.listingCacheHours`).
 * - `visionCache`: `vision_cache` rows past `expires_at` (written 7 days after the evaluation,
 *   `visionCacheDays`; the rules engine's image measurements live there too).
 * - `dataLinks`: `data_links` rows (export links, delete confirmations) past `expires_at`; an
 *   expired link opens nothing, so its row is only a record of who asked.
 * - `imageBlobs`: `image_blobs` unused for `blobDays` (30: `last_used_at` older than now − 30 d)
 *   that no run younger than 30 days and no run of a pinned experiment (its baseline or one of its
 *   re-runs) uses, by `run_images`. An image still so referenced stays however old its last use;
 *   it goes on the first pass after the last such reference lapses (the run ages past 30 days,
 *   the experiment is unpinned).
 * - `rawPayloads`: the raw model answers a pairwise stage keeps beside its combined output
 *   (`run_stages.orders`: each presentation order's answer and error) of runs created more than
 *   `rawPayloadDays` (30) ago, unless the run belongs to a pinned experiment. What the views read
 *   from it stays — whether the orders agreed and which answered, the answers replaced by the
 *   marker "removed" and `removedAt` set — and so does the combined `output`: an old run renders
 *   exactly as before. Nothing else holds a provider's raw payload: the listing source's item is
 *   mapped to our Listing before it is stored, and that listing (the acquire stage's output) is
 *   what an old run renders from, so it is kept; Stripe events are kept as ids and types only.
 *
 * Runs themselves are never removed by retention: deleting old runs must never lose an
 * experiment's history (PRODUCT.md "Experiments"), and nobody asked for runs to expire; a run
 * leaves only with its workspace's data (service/app/data). An image a run names but retention
 * removed is shown as gone.
 *
 * Limits compare with `now` as passed (the task's injected Clock; tests pass their own), never the
 * database's clock. Ages are strict: a thing exactly 30 days old is kept, a millisecond more is
 * removed; an `expires_at` equal to `now` has expired (the caches stop serving it at that instant).
 *
 * Bounded: each statement changes at most `batch` rows in its own short transaction, and a pass
 * runs at most `maxBatches` statements per category, so a large backlog never holds locks for long
 * or keeps one transaction open; `more` says a category filled its last batch (there may be more:
 * the caller schedules a follow-up). Idempotent: a second pass at the same `now` changes nothing.
 * Safe beside live traffic: rows held by someone else are skipped, and each row's condition is
 * checked again as it is removed, so an image touched since it was chosen stays.
 */

export interface RetentionPolicy {
  /** Images unused for this many days go, unless still referenced (default 30). */
  readonly blobDays: number;
  /** Raw model answers of runs older than this many days go, unless pinned (default 30). */
  readonly rawPayloadDays: number;
  /** Rows one statement changes at most (default 500). */
  readonly batch: number;
  /** Statements per category in one pass (default 20). */
  readonly maxBatches: number;
}

export const RETENTION_CATEGORIES = ['listingCache', 'visionCache', 'dataLinks', 'imageBlobs', 'rawPayloads'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/** What one pass removed per category, and whether any category may have more left. */
export type SweepResult = Readonly<Record<RetentionCategory, number>> & { readonly more: boolean };

export interface SweepOptions {
  /** Stops between statements (a worker shutting down); what is left counts as `more`. */
  readonly signal?: AbortSignal;
}

export async function sweepExpired(db: Db, now: Date, policy: RetentionPolicy, opts: SweepOptions = {}): Promise<SweepResult> {
  if (!(policy.batch >= 1 && policy.maxBatches >= 1)) throw new Error('retention: batch and maxBatches must be at least 1');
  const statements: Record<RetentionCategory, (b: Batch) => Promise<number>> = {
    listingCache: (b) => deleteExpiredRows(db, 'listing_cache', 'asin', b),
    visionCache: (b) => deleteExpiredRows(db, 'vision_cache', 'key', b),
    dataLinks: (b) => deleteExpiredRows(db, 'data_links', 'id', b),
    imageBlobs: (b) => deleteUnusedBlobs(db, policy.blobDays, b),
    rawPayloads: (b) => stripRawAnswers(db, policy.rawPayloadDays, b),
  };
  const counts = { listingCache: 0, visionCache: 0, dataLinks: 0, imageBlobs: 0, rawPayloads: 0 };
  let more = false;
  for (const category of RETENTION_CATEGORIES) {
    const batch: Batch = { now, limit: policy.batch };
    let full = true;
    for (let i = 0; i < policy.maxBatches && full; i++) {
      if (opts.signal?.aborted) break;
      const n = await statements[category](batch);
      counts[category] += n;
      // A short batch means nothing (that this pass may take) is left; a full last batch may
      // hide exactly nothing more, which costs the follow-up one empty pass.
      full = n === policy.batch;
    }
    if (full) more = true;
  }
  return { ...counts, more };
}
