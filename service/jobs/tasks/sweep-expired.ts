import { DEFAULTS } from '../../config/defaults.ts';
import type { Db } from '../../db/client.ts';
import { sweepExpired, type RetentionPolicy } from '../../db/retention.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../providers/provider.ts';
import { enqueue } from '../enqueue.ts';
import type { TaskHandler } from '../worker.ts';

export interface SweepPolicy extends RetentionPolicy {
  /** When a pass leaves more behind, the follow-up pass runs this many seconds later (default 60). */
  readonly followUpSeconds: number;
}

export interface SweepDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default `DEFAULTS.retention`: 30 days for images and raw answers, 500 rows × 20 statements a pass. */
  readonly policy?: SweepPolicy;
}

/** The one follow-up job a pass that left more behind schedules (graphile-worker job_key). */
export const SWEEP_FOLLOW_UP_KEY = 'sweep_expired:more';

/**
 * The retention sweep (db/retention.ts says what goes and what stays), run by the crontab every
 * 15 minutes in every worker that schedules (`listinglab serve` and `listinglab worker`, not the
 * one-shot CLI workers). A pass is bounded; when it leaves more behind it schedules one follow-up
 * pass a minute later rather than waiting a quarter of an hour, so a backlog (a first deployment,
 * a worker that was down) drains at about 10,000 rows a minute per category without ever holding
 * the database for long. The job key keeps it to one pending follow-up however many passes ask;
 * the scheduled pass and a follow-up may overlap, which is safe (rows one holds, the other skips).
 * A follow-up that itself leaves more schedules the next: graphile-worker's add_job takes the key
 * from a job already running and adds a new one.
 */
export function makeSweepExpired(deps: SweepDeps): TaskHandler<'sweep_expired'> {
  const policy = deps.policy ?? DEFAULTS.retention;
  return async (_payload, ctx) => {
    const now = new Date(deps.clock.now());
    const started = performance.now();
    const result = await sweepExpired(deps.db, now, policy, { signal: ctx.signal });
    deps.logger.info({ task: 'sweep_expired', ...result, ms: Math.round(performance.now() - started) }, 'retention sweep');
    if (result.more && !ctx.signal.aborted) {
      await enqueue(deps.db, 'sweep_expired', {}, {
        jobKey: SWEEP_FOLLOW_UP_KEY,
        jobKeyMode: 'preserve_run_at',
        runAt: new Date(now.getTime() + policy.followUpSeconds * 1000),
        // Like the scheduled pass (`max=1`): a failed pass is not retried, the next one sweeps.
        maxAttempts: 1,
      });
    }
  };
}
