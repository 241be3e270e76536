import type { Run, StageRow } from '../../db/repos/runs.ts';
import { modelCostOf } from './model-cost.ts';
import type { RunView } from './run-view-model.ts';

/**
 * What every run's view shares, comparison or draft: who it is, where it stands, what it cost and
 * what was refunded (failed and skipped stages give their credits back), what its model calls
 * cost us, and why it failed.
 */
export function runHeader(
  run: Run,
  rows: readonly StageRow[],
  position: number | null,
): Pick<RunView, 'id' | 'shortId' | 'kind' | 'status' | 'createdAt' | 'finishedAt' | 'cost' | 'refunded' | 'modelCost' | 'errorCode' | 'errorMessage' | 'queuePosition'> {
  const failed = rows.find((r) => r.status === 'failed');
  return {
    id: run.id,
    shortId: run.id.slice(0, 8),
    kind: run.kind,
    status: run.status,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    cost: run.reservedCredits,
    refunded: rows.filter((r) => r.status === 'failed' || r.status === 'skipped').reduce((s, r) => s + r.credits, 0),
    modelCost: modelCostOf(rows),
    errorCode: run.errorCode,
    errorMessage: run.status === 'failed' ? (failed?.errorMessage ?? null) : null,
    queuePosition: position,
  };
}
