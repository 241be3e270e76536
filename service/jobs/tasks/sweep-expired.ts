import type { Db } from '../../db/client.ts';
import { sweepExpired } from '../../db/retention.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../providers/provider.ts';
import type { TaskHandler } from '../worker.ts';

export function makeSweepExpired(deps: { db: Db; clock: Clock; blobDays: number; logger: Logger }): TaskHandler<'sweep_expired'> {
  return async () => {
    const result = await sweepExpired(deps.db, new Date(deps.clock.now()), deps.blobDays);
    deps.logger.info({ task: 'sweep_expired', ...result }, 'retention sweep');
  };
}
