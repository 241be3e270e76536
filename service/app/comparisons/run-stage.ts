import { PermanentError } from '../../domain/errors.ts';
import { PARALLEL_STAGES, type ModelStage, type StageOutputs } from '../../domain/stage-outputs.ts';
import { getRun, getStages, type Run } from '../../db/repos/runs.ts';
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
 * Runs a run's evaluation stages, from the one it names to the end: the run_stage task, and the
 * rest of the acquire_listings job once acquisition queued stages 1–3 (acquire-listings.ts: one job
 * per run, no pickup between). Stages 1–3 run side by side, each recorded
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
export async function runStage(deps: StageRunnerDeps, runId: string, stage: StageJob | undefined, ctx: { signal: AbortSignal; lastAttempt: boolean }, known?: KnownStart): Promise<void> {
  const opts: CompleteOptions = { inline: { rulesModel: deps.rulesModel } };
  const run = known?.run ?? (await getRun(deps.db, runId));
  if (!run) return;
  let named: string | undefined = stage;
  let given = known;
  let first = true;
  for (;;) {
    const { wave, rows, acquired, prior } = given ? { wave: given.wave, rows: [], acquired: given.acquired, prior: {} } : await waveOf(deps.db, runId, named);
    named = undefined;
    // Only a job's first wave schedules a delivery for its start: later waves, and a first wave
    // queued by a completion in this job (`known`), begin right after the completion that queued
    // them, whose delivery shows them running.
    const began = await beginStages(deps.db, runId, wave, { deliver: first && !known });
    given = undefined;
    first = false;
    if (began.length === 0) return;
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

/**
 * What the caller of runStage already holds, when it ran the completion that queued the stages
 * (acquisition, acquire-listings.ts): the run, the acquired listings and the stages queued.
 */
export interface KnownStart {
  readonly run: Run;
  readonly acquired: AcquireOutput;
  readonly wave: readonly string[];
}

/** The stages a wave takes (queued or running, and the job's named stage while pending) and the outputs they build on. */
async function waveOf(db: StageRunnerDeps['db'], runId: string, named: string | undefined) {
  const rows = await getStages(db, runId);
  const wave = rows
    .filter((r) => JOB_STAGES.includes(r.stage) && (r.status === 'queued' || r.status === 'running' || (r.stage === named && r.status === 'pending')))
    .map((r) => r.stage);
  const outputOf = (name: string) => rows.find((r) => r.stage === name && r.status === 'succeeded')?.output;
  const prior: Partial<StageOutputs> = {};
  for (const name of [...PARALLEL_STAGES, 'avatars'] as const) {
    const out = outputOf(name);
    if (out !== undefined) (prior as Record<string, unknown>)[name] = out;
  }
  return { wave, rows, acquired: outputOf('acquire') as AcquireOutput | undefined, prior };
}
