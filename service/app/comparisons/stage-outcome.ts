import type { DbOrTx } from '../../db/client.ts';
import type { EvaluationWrites } from '../../db/repos/caches.ts';
import { getStages, type Run, type StageRow } from '../../db/repos/runs.ts';
import type { SettledStage } from '../../db/repos/stage-settle.ts';
import { PARALLEL_STAGES, type StageOutputs } from '../../domain/stage-outputs.ts';
import { verdictOutcome } from './verdict-outcome.ts';

/**
 * What a stage's completion is given and hands on (run-engine.ts): a stage's outcome and the
 * columns it is settled with, what the caller runs next and the outputs that starts from, and the
 * verdict computed in the transaction that settles the last stage before it.
 */

export type StageOutcome =
  | {
      readonly ok: true;
      readonly output: unknown;
      readonly provider: string;
      readonly model: string;
      readonly promptVersion?: string | null;
      readonly promptHash?: string | null;
      readonly inputTokens?: number;
      readonly outputTokens?: number;
      readonly costUsd?: number;
      readonly latencyMs?: number;
      readonly cached?: boolean;
      /** A pairwise model stage's two presentation orders (stage-orders.ts StageOrders); absent: null. */
      readonly orders?: unknown;
      /** Evaluations to cache, written in the statement that settles the stage (both-orders.ts). */
      readonly evaluations?: EvaluationWrites;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * How the caller runs what comes next. `inline`: the caller (a run_stage job, run-stage.ts) runs
 * the stages this completion queues itself, at once: no job is enqueued for them, they are begun
 * (running, attempt counted) in this transaction instead of queued, and the verdict — pure, no
 * model — is computed in the transaction that settles the last stage before it.
 */
export interface CompleteOptions {
  readonly inline?: { readonly rulesModel: string };
}

/** What a completion started next. */
export interface Completion {
  /** The stages it queued — begun already when `inline`. */
  readonly queued: string[];
  /** `inline`: the evaluation stages' outputs as its transaction read them, what the stages it began start from. */
  readonly prior?: Partial<StageOutputs>;
}

/** The succeeded evaluation stages' outputs (what avatars and the verdict build on). */
export function priorOf(rows: readonly Pick<SettledStage, 'stage' | 'status' | 'output'>[]): Partial<StageOutputs> {
  const prior: Partial<StageOutputs> = {};
  for (const name of [...PARALLEL_STAGES, 'avatars'] as const) {
    const row = rows.find((r) => r.stage === name && r.status === 'succeeded');
    if (row?.output !== undefined && row.output !== null) (prior as Record<string, unknown>)[name] = row.output;
  }
  return prior;
}

/** The columns a stage that succeeded is settled with. */
export function succeededPatch(outcome: Extract<StageOutcome, { ok: true }>, finishedAt: Date): Partial<StageRow> & { status: 'succeeded' } {
  return {
    status: 'succeeded' as const,
    output: outcome.output,
    provider: outcome.provider,
    model: outcome.model,
    promptVersion: outcome.promptVersion ?? null,
    promptHash: outcome.promptHash ?? null,
    inputTokens: outcome.inputTokens ?? 0,
    outputTokens: outcome.outputTokens ?? 0,
    costUsd: String(outcome.costUsd ?? 0),
    latencyMs: outcome.latencyMs ?? null,
    cached: outcome.cached ?? false,
    orders: outcome.orders ?? null,
    errorCode: null,
    errorMessage: null,
    finishedAt,
  };
}

/** The verdict's stage row as the transaction that ends the run writes it (finishRun), and its hash. */
export type VerdictWrite = { readonly hash: string | null; readonly patch: Partial<StageRow> };

/**
 * The verdict — a pure function of the stored stages — settled in the transaction that settled
 * the last stage it depends on (the run's lock is held, so it is settled once), instead of a job:
 * computed here, written by the statement that ends the run (it always follows: every stage is
 * settled then).
 */
export async function inlineVerdict(tx: DbOrTx, run: Run, rulesModel: string, known: readonly SettledStage[]): Promise<VerdictWrite> {
  // The statuses and outputs read under the lock when they carry outputs (completeStage `outputs`).
  const rows = known.every((r) => 'output' in r) ? known : await getStages(tx, run.id);
  const outcome = verdictOutcome(rows, rulesModel);
  const now = new Date();
  return { hash: (outcome.output as { hash?: string } | null)?.hash ?? null, patch: { ...succeededPatch(outcome, now), attempts: 1, startedAt: now } };
}
