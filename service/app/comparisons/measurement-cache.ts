import type { Db } from '../../db/client.ts';
import { getCachedEvaluations, putCachedEvaluation } from '../../db/repos/caches.ts';
import type { MeasurementCache } from '../../stages/analyze.ts';
import { tickBatcher } from './tick-batch.ts';

/**
 * Image measurements kept in the evaluation cache (same retention as vision results: 7 days). A
 * listing's images are measured at once, so their lookups go to the database as one query.
 */
export function dbMeasurementCache(db: Db, ttlMs: number): MeasurementCache {
  const lookup = tickBatcher(async (keys) => getCachedEvaluations(db, keys, new Date()));
  return {
    async get(key) {
      return (await lookup(key))?.output;
    },
    async put(key, value) {
      await putCachedEvaluation(db, { key, evaluation: 'measure', output: value, provider: 'rules', model: 'measure', promptVersion: '-' }, new Date(), ttlMs);
    },
  };
}
