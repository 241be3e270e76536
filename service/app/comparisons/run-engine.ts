import type { DbOrTx, Db } from '../../db/client.ts';
import { applyLedgerEntry } from '../../db/repos/ledger.ts';
import { finishRun, getStage, getStageStates, lockRun, notifyRunChanged, transitionStages, updateRun, updateStage, type NewRun, type Run, type StageRow, type StageState } from '../../db/repos/runs.ts';
import { AppError, PermanentError, UserError } from '../../domain/errors.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import { PARALLEL_STAGES } from '../../domain/stage-outputs.ts';
import { nextDraftStep } from '../../domain/draft-flow.ts';
import { recordRerunSnapshot } from './experiment-snapshots.ts';
import { handOverSlot } from './run-slots.ts';
import { markMineAfterAcquire } from './mark-mine.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import { scheduleDelivery } from '../delivery/index.ts';

/**
 * The run state machine. Every stage completion goes through here, in one transaction that holds
 * the run's row lock, so "are stages 1–3 all settled?" is decided exactly once per run and the
 * next stage is enqueued exactly once (its row moves pending → queued; only the mover enqueues).
 *
 *   acquire ─▶ ctr ┐
 *              pdp ├─▶ avatars ─▶ verdict ─▶ run succeeded | partial
 *              text┘
 *   acquire failed → everything skipped, run failed, full refund
 *   all of ctr/pdp/text failed → avatars and verdict skipped, run failed, full refund
 *   a failed stage → its credits refunded
 *   the run ends → settled once (finishRun is guarded), its slot handed to the next waiting run
 *   a draft run (kind 'draft') follows its own four stages instead: advanceDraft, domain/draft-flow.ts
 *
 * Ledger keys: `refund:<run>:<generation>:<stage>` — whichever path refunds a stage (its failure,
 * a failed run, the sweep of a dead run), the stage is refunded at most once per generation.
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
      /** A pairwise model stage's two presentation orders (both-orders.ts StageOrders); absent: null. */
      readonly orders?: unknown;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

const SETTLED: readonly StageRow['status'][] = ['succeeded', 'failed', 'skipped'];
export const isSettled = (s: StageRow['status']) => SETTLED.includes(s);

/** Marks a stage running (attempt counted). Returns false if the stage is already settled. */
export async function beginStage(db: Db, runId: string, stage: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    // A run waiting for a slot has no job; a stray one must not start it past the queue.
    if (!run || run.admittedAt === null) return false;
    const row = (await getStageStates(tx, runId)).find((s) => s.stage === stage);
    if (!row || isSettled(row.status)) return false;
    await updateStage(tx, runId, stage, { status: 'running', attempts: row.attempts + 1, startedAt: row.startedAt ?? new Date() });
    if (run.status === 'queued') await updateRun(tx, runId, { status: 'running', startedAt: new Date() });
    await notifyRunChanged(tx, runId);
    await scheduleDelivery(tx, run);
    return true;
  });
}

/**
 * Runs a stage's work and records what came of it. A refusal we expect (PermanentError,
 * UserError), or any error on the job's last attempt, is recorded as the stage failing (with its
 * code and message); any other error is rethrown so the job is retried (tasks are idempotent).
 */
export async function settleStage(db: Db, runId: string, stage: string, lastAttempt: boolean, work: () => Promise<StageOutcome>): Promise<void> {
  try {
    await completeStage(db, runId, stage, await work());
  } catch (e) {
    const expected = e instanceof PermanentError || e instanceof UserError;
    if (!expected && !lastAttempt) throw e;
    await completeStage(db, runId, stage, {
      ok: false,
      code: e instanceof AppError ? e.code : 'stage_failed',
      message: e instanceof Error ? e.message : String(e),
    });
  }
}

/** Records a stage's outcome and advances the run. Idempotent: a settled stage is left alone. */
export async function completeStage(db: Db, runId: string, stage: string, outcome: StageOutcome): Promise<void> {
  await db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) return;
    const row = (await getStageStates(tx, runId)).find((s) => s.stage === stage);
    if (!row || isSettled(row.status)) return;
    const finishedAt = new Date();
    if (outcome.ok) {
      await updateStage(tx, runId, stage, {
        status: 'succeeded',
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
      });
      // Whose listing: the brand list is matched against what was fetched, in this transaction.
      if (stage === 'acquire') await markMineAfterAcquire(tx, run, outcome.output as AcquireOutput);
    } else {
      await updateStage(tx, runId, stage, { status: 'failed', errorCode: outcome.code, errorMessage: outcome.message.slice(0, 500), finishedAt });
      await refundStage(tx, run, row);
    }
    if (run.kind === 'draft') {
      await advanceDraft(tx, run);
    } else if (stage === 'acquire' && !outcome.ok) {
      await failRun(tx, run, outcome.code);
    } else {
      await advance(tx, run);
    }
    await notifyRunChanged(tx, runId);
    await scheduleDelivery(tx, run);
  });
}

export function refundKey(run: Pick<Run, 'id' | 'generation'>, stage: string): string {
  return `refund:${run.id}:${run.generation}:${stage}`;
}

async function refundStage(tx: DbOrTx, run: Run, row: StageState): Promise<void> {
  if (row.credits <= 0) return;
  await applyLedgerEntry(tx, {
    workspaceId: run.workspaceId,
    amount: row.credits,
    kind: 'refund',
    idempotencyKey: refundKey(run, row.stage),
    runId: run.id,
    note: `${row.stage} did not complete`,
  });
}

/**
 * Settles every unsettled stage, refunding each, and fails the run. A stage that was running
 * when the run was given up (`running` given: the sweep of a dead run) fails with that error;
 * the others are skipped. The caller holds the run's lock.
 */
export async function failRun(tx: DbOrTx, run: Run, code: string, running?: { message: string }): Promise<void> {
  const stages = await getStageStates(tx, run.id);
  for (const s of stages) {
    if (isSettled(s.status)) continue;
    if (running && s.status === 'running') {
      await updateStage(tx, run.id, s.stage, { status: 'failed', errorCode: code, errorMessage: running.message, finishedAt: new Date() });
    } else {
      await transitionStages(tx, run.id, [s.stage], [s.status], 'skipped');
    }
    await refundStage(tx, run, s);
  }
  await endRun(tx, run.id, { status: 'failed', errorCode: code });
}

/** The run's final status, once: the finisher that settles it hands its slot to the next waiting run. */
async function endRun(tx: DbOrTx, runId: string, patch: Partial<NewRun> & { status: 'succeeded' | 'partial' | 'failed' }): Promise<void> {
  const finished = await finishRun(tx, runId, patch);
  if (!finished) return;
  await handOverSlot(tx, finished);
  await recordRerunSnapshot(tx, finished);
}

async function advance(tx: DbOrTx, run: Run): Promise<void> {
  const stages = new Map((await getStageStates(tx, run.id)).map((s) => [s.stage, s]));
  const status = (name: string) => stages.get(name)?.status ?? 'skipped';

  if (status('acquire') === 'succeeded') {
    for (const moved of await transitionStages(tx, run.id, [...PARALLEL_STAGES], ['pending'], 'queued')) {
      await enqueue(tx, 'run_stage', { runId: run.id, stage: moved as (typeof PARALLEL_STAGES)[number] }, { maxAttempts: 3 });
    }
  }
  const parallel = PARALLEL_STAGES.map(status);
  if (!parallel.every(isSettled)) return;
  if (!parallel.includes('succeeded')) {
    await failRun(tx, run, 'stage_failed');
    return;
  }
  if ((await transitionStages(tx, run.id, ['avatars'], ['pending'], 'queued')).length) {
    await enqueue(tx, 'run_stage', { runId: run.id, stage: 'avatars' }, { maxAttempts: 3 });
    return;
  }
  if (!isSettled(status('avatars'))) return;
  if ((await transitionStages(tx, run.id, ['verdict'], ['pending'], 'queued')).length) {
    await enqueue(tx, 'run_stage', { runId: run.id, stage: 'verdict' }, { maxAttempts: 3 });
    return;
  }
  if (!isSettled(status('verdict'))) return;
  const anyFailed = [...stages.values()].some((s) => s.status === 'failed');
  const verdictOk = status('verdict') === 'succeeded';
  const verdict = (await getStage(tx, run.id, 'verdict'))?.output as { hash?: string } | null | undefined;
  await endRun(tx, run.id, {
    verdictHash: verdict?.hash ?? null,
    status: !verdictOk ? 'failed' : anyFailed ? 'partial' : 'succeeded',
  });
}

/** A draft run's next step (domain/draft-flow.ts): the next stage, the end, or — on any failure — a failed, refunded run. */
async function advanceDraft(tx: DbOrTx, run: Run): Promise<void> {
  const step = nextDraftStep(await getStageStates(tx, run.id));
  switch (step.kind) {
    case 'enqueue':
      if ((await transitionStages(tx, run.id, [step.stage], ['pending'], 'queued')).length) {
        await enqueue(tx, 'draft_stage', { runId: run.id, stage: step.stage }, { maxAttempts: 3 });
      }
      return;
    case 'fail':
      return failRun(tx, run, step.code);
    case 'succeed':
      return endRun(tx, run.id, { status: 'succeeded' });
    case 'wait':
      return;
  }
}
