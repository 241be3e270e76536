import { PermanentError } from '../../domain/errors.ts';
import { PARALLEL_STAGES, type ModelStage, type StageOutputs } from '../../domain/stage-outputs.ts';
import { getRun, getStages, type Run, type StageRow } from '../../db/repos/runs.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import type { PinnedPrompts } from '../../stages/prompts.ts';
import { STAGES } from '../../stages/registry.ts';
import { bothOrders } from './both-orders.ts';
import type { ModelOutcomeDeps } from './model-outcome.ts';
import { beginStages, settleStage } from './run-engine.ts';
import { priorOf, type CompleteOptions } from './stage-outcome.ts';
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
 * A wave begun by the completion that queued it (acquisition's, or the last of stages 1–3 for
 * avatars: run-engine.ts `inline`) is run as handed over, with the outputs that completion read;
 * a job's first wave otherwise takes the run's stages that are queued or running.
 *
 * Idempotent: a retry after a crash or a transient error finds the stages not settled yet,
 * queued or running (settled ones are skipped), and the output
 * is written in the transaction that settles the stage and advances the run. Expected failures
 * (invalid model output after repair and fallback, a provider that is down) fail the stage —
 * refunding it — on the last attempt; anything else is retried by the job runner once every
 * stage of the wave has finished (those that succeeded stay settled).
 */
export async function runStage(deps: StageRunnerDeps, runId: string, stage: StageJob | undefined, ctx: { signal: AbortSignal; lastAttempt: boolean }, known?: KnownStart): Promise<void> {
  const opts: CompleteOptions = { inline: { rulesModel: deps.rulesModel } };
  const pinnedPrompts = known?.pinnedPrompts ?? (await getRun(deps.db, runId))?.pinnedPrompts;
  if (pinnedPrompts === undefined) return;
  let named: string | undefined = stage;
  // A wave handed over running (begun by the completion that queued it, `inline`), with what it starts from.
  let handed: { wave: readonly string[]; acquired: AcquireOutput; prior: Partial<StageOutputs> } | undefined = known && { wave: known.wave, acquired: known.acquired, prior: {} };
  let first = true;
  for (;;) {
    let wave: { began: readonly string[]; rows: readonly StageRow[]; acquired: AcquireOutput | undefined; prior: Partial<StageOutputs> };
    if (handed) {
      wave = { began: handed.wave, rows: [], acquired: handed.acquired, prior: handed.prior };
    } else {
      const read = await waveOf(deps.db, runId, named);
      // Only a job's first wave schedules a delivery for its start: a later one begins right after
      // the completion that queued it, whose delivery shows it running.
      wave = { ...read, began: await beginStages(deps.db, runId, read.wave, { deliver: first }) };
    }
    named = undefined;
    handed = undefined;
    first = false;
    const { began, rows, acquired, prior } = wave;
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
            return bothOrders(deps, STAGES[s], { acquired, prior }, pinnedPrompts as PinnedPrompts, ctx);
          },
          opts,
        ),
      ),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const next = settled.flatMap((r) => (r.status === 'fulfilled' && r.value.queued.length > 0 ? [r.value] : []));
    // Nothing queued by this wave: the run is waiting for no stage of this job (or has ended).
    if (next.length === 0) return;
    // Begun by their completion with the outputs they start from (always, inline): run as they are.
    if (acquired && next.every((c) => c.prior !== undefined)) {
      handed = { wave: next.flatMap((c) => c.queued), acquired, prior: Object.assign({ ...prior }, ...next.map((c) => c.prior)) as Partial<StageOutputs> };
    }
  }
}

/**
 * What the caller of runStage already holds, when it ran the completion that began the stages
 * (acquisition, acquire-listings.ts, `inline`): the run's pinned prompts, the acquired listings
 * and the stages begun.
 */
export interface KnownStart {
  readonly pinnedPrompts: Run['pinnedPrompts'];
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
  const prior = priorOf(rows);
  return { wave, rows, acquired: outputOf('acquire') as AcquireOutput | undefined, prior };
}
