import { PermanentError } from '../../domain/errors.ts';
import { PARALLEL_STAGES, type ModelStage, type StageOutputs } from '../../domain/stage-outputs.ts';
import { getRun, getStages } from '../../db/repos/runs.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import type { PinnedPrompts } from '../../stages/prompts.ts';
import { STAGES } from '../../stages/registry.ts';
import { bothOrders } from './both-orders.ts';
import type { ModelOutcomeDeps } from './model-outcome.ts';
import { beginStages, settleStage, type CompleteOptions } from './run-engine.ts';
import { verdictOutcome } from './verdict-outcome.ts';

/** What a stage runner needs: exactly what producing a model outcome needs (model-outcome.ts). */
export type StageRunnerDeps = ModelOutcomeDeps;

export type StageJob = ModelStage | 'verdict';

const JOB_STAGES: readonly string[] = [...PARALLEL_STAGES, 'avatars', 'verdict'];

/**
 * The run_stage task: runs a run's evaluation stages, from the one it names to the end. One job
 * per run: stages 1–3 (queued together when acquisition succeeds) run side by side, each recorded
 * — and delivered — the moment it finishes, in its own transaction; the stage their completion
 * queues (avatars) runs next in the same job, and the verdict is settled with it (run-engine.ts,
 * `inline`).
 *
 * Idempotent: each wave takes the run's stages that are queued or running (a retry after a crash
 * or a transient error finds the ones not settled yet; settled ones are skipped), and the output
 * is written in the transaction that settles the stage and advances the run. Expected failures
 * (invalid model output after repair and fallback, a provider that is down) fail the stage —
 * refunding it — on the last attempt; anything else is retried by the job runner once every
 * stage of the wave has finished (those that succeeded stay settled).
 */
export async function runStage(deps: StageRunnerDeps, runId: string, stage: StageJob, ctx: { signal: AbortSignal; lastAttempt: boolean }): Promise<void> {
  const opts: CompleteOptions = { inline: { rulesModel: deps.rulesModel } };
  const run = await getRun(deps.db, runId);
  if (!run) return;
  let named: string | undefined = stage;
  let first = true;
  for (;;) {
    const rows = await getStages(deps.db, runId);
    const wave = rows
      .filter((r) => JOB_STAGES.includes(r.stage) && (r.status === 'queued' || r.status === 'running' || (r.stage === named && r.status === 'pending')))
      .map((r) => r.stage);
    named = undefined;
    const began = await beginStages(deps.db, runId, wave, { deliver: first });
    first = false;
    if (began.length === 0) return;
    const outputOf = (name: string) => rows.find((r) => r.stage === name && r.status === 'succeeded')?.output;
    const acquired = outputOf('acquire') as AcquireOutput | undefined;
    const prior: Partial<StageOutputs> = {};
    for (const name of [...PARALLEL_STAGES, 'avatars'] as const) {
      const out = outputOf(name);
      if (out !== undefined) (prior as Record<string, unknown>)[name] = out;
    }
    const settled = await Promise.allSettled(
      began.map((name) =>
        settleStage(
          deps.db,
          runId,
          name,
          ctx.lastAttempt,
          async () => {
            if (!acquired) throw new PermanentError('stage_failed', 'stage started before acquisition finished');
            if (name === 'verdict') return verdictOutcome(rows, deps.rulesModel);
            const s = name as ModelStage;
            return bothOrders(deps, STAGES[s], { acquired, prior }, run.pinnedPrompts as PinnedPrompts, ctx);
          },
          opts,
        ),
      ),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Nothing queued by this wave: the run is waiting for no stage of this job (or has ended).
    if (!settled.some((r) => r.status === 'fulfilled' && r.value.length > 0)) return;
  }
}
