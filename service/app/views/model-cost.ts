import type { StageRow } from '../../db/repos/runs.ts';
import type { ModelCostView, StageUsageView } from './run-view-model.ts';

/**
 * What a run's model calls cost, read from its stage rows: each stage stored the tokens the
 * providers reported (both presentation orders, repairs and fallbacks included) and the cost
 * estimated from them at the prices configured when it ran (config/pricing.ts `models`). A stage
 * answered from the vision cache made no call: 0 tokens, $0, and `cached` says why.
 */

/** Six decimals: what `run_stages.cost_usd` keeps, so sums carry no floating-point dust. */
const usd = (x: number) => Math.round(x * 1e6) / 1e6;

export function stageUsage(row: Pick<StageRow, 'inputTokens' | 'outputTokens' | 'costUsd' | 'cached'>): StageUsageView {
  return { inputTokens: row.inputTokens, outputTokens: row.outputTokens, usd: usd(Number(row.costUsd)), cached: row.cached };
}

export function modelCostOf(rows: readonly Pick<StageRow, 'inputTokens' | 'outputTokens' | 'costUsd' | 'cached'>[]): ModelCostView {
  // A failed stage may still have been billed for its attempts, so every row's tokens count. A
  // stage asked a model when it used tokens or took a model's answer from the vision cache
  // (acquisition and the verdict record a provider of their own but never call a model).
  const asked = rows.filter((r) => r.inputTokens + r.outputTokens > 0 || r.cached);
  return {
    inputTokens: rows.reduce((s, r) => s + r.inputTokens, 0),
    outputTokens: rows.reduce((s, r) => s + r.outputTokens, 0),
    usd: usd(rows.reduce((s, r) => s + Number(r.costUsd), 0)),
    modelStages: asked.length,
    cachedStages: asked.filter((r) => r.cached).length,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Dollars to four decimals (a comparison costs cents); a cost too small to show says so. */
export function dollars(x: number): string {
  if (x === 0) return '$0';
  return x < 0.00005 ? 'under $0.0001' : `$${x.toFixed(4)}`;
}

/**
 * The report's line on what the model calls cost: "Model calls: 41,210 tokens in, 3,020 out,
 * about $0.0213 at configured prices" (plus the stages the vision cache answered). Null when
 * no model was asked (the rules engine costs nothing) or the view has no stage rows behind it.
 */
export function modelCostLine(cost: ModelCostView | undefined): string | null {
  if (!cost || cost.modelStages === 0) return null;
  if (cost.cachedStages === cost.modelStages) return 'No model calls: every stage was answered from the vision cache ($0)';
  const cached = cost.cachedStages === 0 ? '' : `; ${cost.cachedStages} of ${cost.modelStages} stages answered from the vision cache ($0)`;
  return `Model calls: ${count(cost.inputTokens)} tokens in, ${count(cost.outputTokens)} out, about ${dollars(cost.usd)} at configured prices${cached}`;
}
