import type { Db } from '../../db/client.ts';
import { getCachedEvaluation, putCachedEvaluation } from '../../db/repos/caches.ts';
import type { MeasurementCache } from '../../stages/analyze.ts';

/** Image measurements kept in the evaluation cache (same retention as vision results: 7 days). */
export function dbMeasurementCache(db: Db, ttlMs: number): MeasurementCache {
  return {
    async get(key) {
      return (await getCachedEvaluation(db, key, new Date()))?.output;
    },
    async put(key, value) {
      await putCachedEvaluation(db, { key, evaluation: 'measure', output: value, provider: 'rules', model: 'measure', promptVersion: '-' }, new Date(), ttlMs);
    },
  };
}
