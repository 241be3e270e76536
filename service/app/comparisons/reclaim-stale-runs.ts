import type { Db } from '../../db/client.ts';
import { lockRun, notifyRunChanged } from '../../db/repos/runs.ts';
import { findStaleRuns } from '../../db/repos/stale-runs.ts';
import type { Clock } from '../../providers/provider.ts';
import { failRun } from './run-engine.ts';
import { scheduleDelivery } from '../delivery/index.ts';

export interface ReclaimDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** How long a run may show no sign of life, with no live job, before it is given up (15 min by default in DEFAULTS). */
  readonly staleAfterMs: number;
}

/**
 * The sweep for runs whose worker died (PRODUCT.md: a reservation is never stuck). Each dead run
 * is failed with code `timeout` in its own transaction, under its row lock, after checking again
 * that it is still dead: its unsettled stages are refunded with the same ledger keys a stage
 * failure would use (`refund:<run>:<generation>:<stage>`), so a refund already made — or one a
 * late worker tries afterwards — is never made twice; its slot goes to the next waiting run.
 * A late job of a reclaimed run finds every stage settled and does nothing.
 */
export async function reclaimStaleRuns(deps: ReclaimDeps, opts: { limit?: number } = {}): Promise<string[]> {
  const cutoff = new Date(deps.clock.now() - deps.staleAfterMs);
  const reclaimed: string[] = [];
  for (const id of await findStaleRuns(deps.db, cutoff, { limit: opts.limit ?? 100 })) {
    const done = await deps.db.transaction(async (tx) => {
      const run = await lockRun(tx, id);
      if (!run) return false;
      // Still dead now that we hold the lock (a worker may have moved it since the scan)?
      if ((await findStaleRuns(tx, cutoff, { runId: id })).length === 0) return false;
      const minutes = Math.round(deps.staleAfterMs / 60_000);
      await failRun(tx, run, 'timeout', { message: `No progress for ${minutes} minutes (the worker stopped); its credits were refunded.` });
      await notifyRunChanged(tx, id);
      await scheduleDelivery(tx, run);
      return true;
    });
    if (done) reclaimed.push(id);
  }
  return reclaimed;
}
