import { PermanentError } from '../../domain/errors.ts';
import { PARALLEL_STAGES, type ModelStage, type StageOutputs } from '../../domain/stage-outputs.ts';
import { computeVerdict } from '../../domain/verdict.ts';
import { getRun, getStages } from '../../db/repos/runs.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import type { PinnedPrompts } from '../../stages/prompts.ts';
import { STAGES } from '../../stages/registry.ts';
import type { StageDefinition, StageInput } from '../../stages/stage.ts';
import { modelOutcome, type ModelOutcomeDeps } from './model-outcome.ts';
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
      : evaluate(deps, STAGES[stage], { acquired, prior }, run.pinnedPrompts as PinnedPrompts, ctx.signal),
  );
}

function verdictOutcome(rows: { stage: string; status: string; provider: string | null }[], prior: Partial<StageOutputs>, rulesModel: string): StageOutcome {
  const evaluated = rows.filter((r) => r.stage !== 'acquire' && r.stage !== 'verdict');
  const missing = evaluated.filter((r) => r.status !== 'succeeded').map((r) => r.stage).sort();
  const rulesOnly = evaluated.filter((r) => r.status === 'succeeded').every((r) => r.provider === 'rules');
  const verdict = computeVerdict({ ...prior, rulesOnly, missing });
  return { ok: true, output: verdict, provider: 'rules', model: rulesModel };
}

function evaluate<S extends ModelStage>(
  deps: StageRunnerDeps,
  def: StageDefinition<S>,
  input: StageInput,
  pinned: PinnedPrompts,
  signal: AbortSignal,
): Promise<StageOutcome> {
  return modelOutcome(
    deps,
    {
      stage: def.name,
      pinned,
      schema: def.schema,
      schemaName: def.schemaName,
      maxOutputTokens: def.maxOutputTokens,
      images: def.images(input),
      variables: () => def.variables(input),
      offline: () => def.offline(input),
    },
    signal,
  );
}
