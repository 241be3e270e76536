import { PARALLEL_STAGES, type StageOutputs } from '../../domain/stage-outputs.ts';
import { computeVerdict } from '../../domain/verdict.ts';
import { ordersState } from './stage-orders.ts';

/**
 * The verdict from the stored rows: the stage outputs, the stages that failed, whether a model
 * made any of them, and — from each pairwise stage's `orders` — the stages whose two
 * presentation orders disagreed and those answered in one order only (both lower confidence).
 * Pure: the run engine settles it in the transaction that settles the stage before it.
 */
export function verdictOutcome(
  rows: readonly { stage: string; status: string; provider?: string | null; output?: unknown; orders?: unknown }[],
  rulesModel: string,
): { ok: true; output: unknown; provider: string; model: string } {
  const prior: Partial<StageOutputs> = {};
  for (const name of [...PARALLEL_STAGES, 'avatars'] as const) {
    const row = rows.find((r) => r.stage === name && r.status === 'succeeded');
    if (row?.output !== undefined) (prior as Record<string, unknown>)[name] = row.output;
  }
  const evaluated = rows.filter((r) => r.stage !== 'acquire' && r.stage !== 'verdict');
  const missing = evaluated.filter((r) => r.status !== 'succeeded').map((r) => r.stage).sort();
  const succeeded = evaluated.filter((r) => r.status === 'succeeded');
  const rulesOnly = succeeded.every((r) => r.provider === 'rules');
  const having = (state: ReturnType<typeof ordersState>) => succeeded.filter((r) => ordersState(r.orders) === state).map((r) => r.stage).sort();
  const verdict = computeVerdict({ ...prior, rulesOnly, missing, orderSensitive: having('order-sensitive'), singleOrder: having('single-order') });
  return { ok: true, output: verdict, provider: 'rules', model: rulesModel };
}
