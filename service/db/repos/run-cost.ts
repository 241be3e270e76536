import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { runStages } from '../schema.ts';

/**
 * What runs' model calls cost, summed over their stages in the database: the tokens the providers
 * reported and the cost estimated at the configured prices when each stage ran
 * (`run_stages.input_tokens`, `output_tokens`, `cost_usd`), and how many stages the vision cache
 * answered. The same sums a RunView's `modelCost` makes from the rows it already holds
 * (app/views/model-cost.ts); this is for reading many runs at once (the bench, operators).
 */
export interface RunModelCost {
  readonly runId: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Estimated USD, six decimals as stored. */
  readonly costUsd: number;
  readonly cachedStages: number;
}

export async function modelCostOfRuns(db: DbOrTx, runIds: readonly string[]): Promise<RunModelCost[]> {
  if (runIds.length === 0) return [];
  return db
    .select({
      runId: runStages.runId,
      inputTokens: sql<number>`coalesce(sum(${runStages.inputTokens}), 0)::int`.mapWith(Number),
      outputTokens: sql<number>`coalesce(sum(${runStages.outputTokens}), 0)::int`.mapWith(Number),
      costUsd: sql<number>`coalesce(sum(${runStages.costUsd}), 0)::float8`.mapWith(Number),
      cachedStages: sql<number>`count(*) filter (where ${runStages.cached})::int`.mapWith(Number),
    })
    .from(runStages)
    .where(inArray(runStages.runId, [...runIds]))
    .groupBy(runStages.runId);
}
