import { PermanentError } from '../../domain/errors.ts';
import { PARALLEL_STAGES, type ModelStage, type StageOutputs } from '../../domain/stage-outputs.ts';
import { computeVerdict } from '../../domain/verdict.ts';
import { getRun, getStages } from '../../db/repos/runs.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import type { PinnedPrompts } from '../../stages/prompts.ts';
import { STAGES } from '../../stages/registry.ts';
import { bothOrders, ordersState } from './both-orders.ts';
import type { ModelOutcomeDeps } from './model-outcome.ts';
import { beginStage, settleStage, type StageOutcome } from './run-engine.ts';

/** What a stage runner needs: exactly what producing a model outcome needs (model-outcome.ts). */
export type StageRunnerDeps = ModelOutcomeDeps;

export type StageJob = ModelStage | 'verdict';

/**
 * Runs one stage of a run. Idempotent: a settled stage is skipped; the output is written in the
 * same transaction that settles the stage and advances the run. Expected failures (invalid model
 * output after repair and fallback, a provider that is down) fail the stage — refunding it — on
 * the last attempt; anything else is retried by the job runner.
 */
export async function runStage(deps: StageRunnerDeps, runId: string, stage: StageJob, ctx: { signal: AbortSignal; lastAttempt: boolean }): Promise<void> {
  if (!(await beginStage(deps.db, runId, stage))) return;
  const run = await getRun(deps.db, runId);
  if (!run) return;
  const rows = await getStages(deps.db, runId);
  const outputOf = (name: string) => rows.find((r) => r.stage === name && r.status === 'succeeded')?.output;
  const acquired = outputOf('acquire') as AcquireOutput | undefined;
  if (!acquired) throw new PermanentError('stage_failed', 'stage started before acquisition finished');
  const prior: Partial<StageOutputs> = {};
  for (const name of [...PARALLEL_STAGES, 'avatars'] as const) {
    const out = outputOf(name);
    if (out !== undefined) (prior as Record<string, unknown>)[name] = out;
  }
  await settleStage(deps.db, runId, stage, ctx.lastAttempt, async () =>
    stage === 'verdict'
      ? verdictOutcome(rows, prior, deps.rulesModel)
      : bothOrders(deps, STAGES[stage], { acquired, prior }, run.pinnedPrompts as PinnedPrompts, ctx),
  );
}

/**
 * The verdict from the stored rows: the stage outputs, the stages that failed, whether a model
 * made any of them, and — from each pairwise stage's `orders` — the stages whose two
 * presentation orders disagreed and those answered in one order only (both lower confidence).
 */
export function verdictOutcome(rows: { stage: string; status: string; provider: string | null; orders?: unknown }[], prior: Partial<StageOutputs>, rulesModel: string): StageOutcome {
  const evaluated = rows.filter((r) => r.stage !== 'acquire' && r.stage !== 'verdict');
  const missing = evaluated.filter((r) => r.status !== 'succeeded').map((r) => r.stage).sort();
  const succeeded = evaluated.filter((r) => r.status === 'succeeded');
  const rulesOnly = succeeded.every((r) => r.provider === 'rules');
  const having = (state: ReturnType<typeof ordersState>) => succeeded.filter((r) => ordersState(r.orders) === state).map((r) => r.stage).sort();
  const verdict = computeVerdict({ ...prior, rulesOnly, missing, orderSensitive: having('order-sensitive'), singleOrder: having('single-order') });
  return { ok: true, output: verdict, provider: 'rules', model: rulesModel };
}
