import type { DbOrTx, Db } from '../../db/client.ts';
import { cachedListingsSql, evaluationsUpsert } from '../../db/repos/caches.ts';
import { applyLedgerEntry } from '../../db/repos/ledger.ts';
import { beginStageRows, finishRun, type BegunRun, getStage, getStageStates, lockRunForChange, transitionStages, updateStage, type NewRun, type Run, type StageBrief, type StageRow } from '../../db/repos/runs.ts';
import { settleStageRow, startPendingStages, type SettledStage } from '../../db/repos/stage-settle.ts';
import { AppError, PermanentError, UserError } from '../../domain/errors.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import { PARALLEL_STAGES } from '../../domain/stage-outputs.ts';
import { nextDraftStep } from '../../domain/draft-flow.ts';
import { recordRerunSnapshot } from './experiment-snapshots.ts';
import { handOverSlot } from './run-slots.ts';
import { markMineAfterAcquire } from './mark-mine.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import { deliveryJobSql, endDeliverySql } from '../delivery/index.ts';
import { inlineVerdict, priorOf, succeededPatch, type CompleteOptions, type Completion, type StageOutcome, type VerdictWrite } from './stage-outcome.ts';

/**
 * The run state machine. Every stage completion goes through here, in one transaction that holds
 * the run's row lock, so "are stages 1–3 all settled?" is decided exactly once per run and the
 * next stage is started exactly once (its row moves from pending — to queued, its job enqueued, or
 * `inline` straight to running for the job that runs it — and only the mover acts on it).
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

const SETTLED: readonly StageRow['status'][] = ['succeeded', 'failed', 'skipped'];
export const isSettled = (s: StageRow['status']) => SETTLED.includes(s);

/** Marks a stage running (attempt counted). Returns false if the stage is already settled. */
export async function beginStage(db: Db, runId: string, stage: string): Promise<boolean> {
  return (await beginStages(db, runId, [stage])).includes(stage);
}

/**
 * Marks a run's acquisition running (as beginStage) and returns what it starts from — the run's
 * inputs and pinned prompts, and its sides' listings cached and fresh at `now` (none for a run
 * asked `fresh`), read in the same statement; undefined when it did not begin (settled already,
 * or the run has no slot or is gone).
 */
export async function beginAcquisition(db: Db, runId: string, now: Date): Promise<(BegunRun & { cached: Map<string, unknown> }) | undefined> {
  const { began, run, read } = await beginStageRows(
    db,
    runId,
    ['acquire'],
    (origin) => deliveryJobSql(runId, origin, undefined, { unlessFirstPost: true }),
    (inputs) => cachedListingsSql(inputs, now),
  );
  if (!run || !began.includes('acquire')) return undefined;
  return { ...run, cached: new Map(run.fresh ? [] : Object.entries((read ?? {}) as Record<string, unknown>)) };
}

/**
 * Marks stages running at once (one statement, db/repos/runs.ts beginStageRows) and returns
 * those that began: settled stages, and every stage of a run without a slot, are left alone.
 */
export async function beginStages(db: Db, runId: string, stages: readonly string[], opts: { deliver?: boolean } = {}): Promise<string[]> {
  // A visible change (the stages show as running): its delivery is scheduled in the same statement.
  // `deliver: false`: the caller begins them right after the completion that queued them, whose
  // delivery — debounced, rendered from the database when it runs — shows them running.
  const { began } = await beginStageRows(db, runId, stages, opts.deliver !== false ? (origin) => deliveryJobSql(runId, origin, undefined, { unlessFirstPost: true }) : undefined);
  return began;
}

/**
 * Runs a stage's work and records what came of it. A refusal we expect (PermanentError,
 * UserError), or any error on the job's last attempt, is recorded as the stage failing (with its
 * code and message); any other error is rethrown so the job is retried (tasks are idempotent).
 */
export async function settleStage(db: Db, runId: string, stage: string, lastAttempt: boolean, work: () => Promise<StageOutcome>, opts: CompleteOptions = {}): Promise<Completion> {
  let outcome: StageOutcome;
  try {
    outcome = await work();
  } catch (e) {
    const expected = e instanceof PermanentError || e instanceof UserError;
    if (!expected && !lastAttempt) throw e;
    outcome = {
      ok: false,
      code: e instanceof AppError ? e.code : 'stage_failed',
      message: e instanceof Error ? e.message : String(e),
    };
  }
  return completeStage(db, runId, stage, outcome, opts);
}

/**
 * Records a stage's outcome and advances the run. Idempotent: a settled stage is left alone.
 * Returns the stages it queued (which, `inline`, it began and the caller must run, with the
 * outputs they start from).
 */
export async function completeStage(db: Db, runId: string, stage: string, outcome: StageOutcome, opts: CompleteOptions = {}): Promise<Completion> {
  const none: Completion = { queued: [] };
  return db.transaction(async (tx) => {
    // The change's delivery is scheduled with the lock (one statement; committed with the change).
    // An acquisition that succeeded marks whose listing is whose: the brand list is read with the lock.
    const run = await lockRunForChange(tx, runId, (origin) => deliveryJobSql(runId, origin), { brands: stage === 'acquire' && outcome.ok });
    if (!run) return none;
    const finishedAt = new Date();
    const patch = outcome.ok
      ? succeededPatch(outcome, finishedAt)
      : { status: 'failed' as const, errorCode: outcome.code, errorMessage: outcome.message.slice(0, 500), finishedAt };
    // Idempotent: a stage settled already is left alone (and nothing else moves).
    const writes = outcome.ok ? outcome.evaluations : undefined;
    // Inline, an evaluation stage's completion reads the outputs what it begins next starts from.
    const outputs = opts.inline !== undefined && stage !== 'acquire';
    const { settled, stages } = await settleStageRow(tx, runId, stage, patch, writes ? (t) => evaluationsUpsert(t, writes) : undefined, { outputs });
    const row = stages.find((s) => s.stage === stage);
    if (!settled || !row) return none;
    if (outcome.ok) {
      // Whose listing: the brand list is matched against what was fetched, in this transaction.
      if (stage === 'acquire') await markMineAfterAcquire(tx, run, outcome.output as AcquireOutput);
    } else {
      await refundStage(tx, run, row);
    }
    let queued: string[] = [];
    if (run.kind === 'draft') {
      await advanceDraft(tx, run, stages);
    } else if (stage === 'acquire' && !outcome.ok) {
      await failRun(tx, run, outcome.code, undefined, stages);
    } else {
      queued = await advance(tx, run, stages, opts);
    }
    return outputs && queued.length ? { queued, prior: priorOf(stages) } : { queued };
  });
}

export function refundKey(run: Pick<Run, 'id' | 'generation'>, stage: string): string {
  return `refund:${run.id}:${run.generation}:${stage}`;
}

async function refundStage(tx: DbOrTx, run: Run, row: Pick<StageBrief, 'stage' | 'credits'>): Promise<void> {
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
export async function failRun(tx: DbOrTx, run: Run, code: string, running?: { message: string }, known?: readonly StageBrief[]): Promise<void> {
  const stages = known ?? (await getStageStates(tx, run.id));
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
async function endRun(tx: DbOrTx, runId: string, patch: Partial<NewRun> & { status: 'succeeded' | 'partial' | 'failed' }, verdict?: VerdictWrite): Promise<void> {
  // Its delivery moved to now in the same statement: the result is what the person waits for.
  // The verdict computed in this transaction is written by that statement too.
  const finished = await finishRun(tx, runId, patch, (origin) => endDeliverySql(runId, origin), verdict && { stage: 'verdict', patch: verdict.patch });
  if (!finished) return;
  await handOverSlot(tx, finished);
  await recordRerunSnapshot(tx, finished);
}

/**
 * The run's next step after a stage settled, from the statuses read under the lock (`stages`,
 * kept current here). Returns the stages it queued.
 */
async function advance(tx: DbOrTx, run: Run, stages: SettledStage[], opts: CompleteOptions): Promise<string[]> {
  const byName = new Map(stages.map((s) => [s.stage, s]));
  const status = (name: string) => byName.get(name)?.status ?? 'skipped';
  // Inline, the caller runs them the moment this commits: they are begun here (startPendingStages).
  const queue = async (names: string[]): Promise<string[]> => {
    const moved = opts.inline ? await startPendingStages(tx, run.id, names) : await transitionStages(tx, run.id, names, ['pending'], 'queued');
    for (const m of moved) byName.get(m)!.status = opts.inline ? 'running' : 'queued';
    return moved;
  };

  // Each move is tried only when the statuses read under the lock say it can happen.
  if (status('acquire') === 'succeeded' && PARALLEL_STAGES.some((s) => status(s) === 'pending')) {
    const moved = await queue([...PARALLEL_STAGES]);
    // One job runs stages 1–3 side by side (run-stage.ts): it takes every queued stage of the run.
    // `inline`: the acquisition's own job runs them (acquire-listings.ts).
    if (moved.length) {
      if (!opts.inline) await enqueue(tx, 'run_stage', { runId: run.id, stage: moved[0] as (typeof PARALLEL_STAGES)[number] }, { maxAttempts: 3 });
      return moved;
    }
  }
  const parallel = PARALLEL_STAGES.map(status);
  if (!parallel.every(isSettled)) return [];
  if (!parallel.includes('succeeded')) {
    await failRun(tx, run, 'stage_failed', undefined, stages);
    return [];
  }
  if (status('avatars') === 'pending' && (await queue(['avatars'])).length) {
    if (!opts.inline) await enqueue(tx, 'run_stage', { runId: run.id, stage: 'avatars' }, { maxAttempts: 3 });
    return ['avatars'];
  }
  if (!isSettled(status('avatars'))) return [];
  let verdictHash: string | null | undefined;
  let verdict: VerdictWrite | undefined;
  if (status('verdict') === 'pending' && opts.inline) {
    verdict = await inlineVerdict(tx, run, opts.inline.rulesModel, stages);
    verdictHash = verdict.hash;
    byName.get('verdict')!.status = 'succeeded';
  } else if (status('verdict') === 'pending' && (await queue(['verdict'])).length) {
    await enqueue(tx, 'run_stage', { runId: run.id, stage: 'verdict' }, { maxAttempts: 3 });
    return ['verdict'];
  }
  if (!isSettled(status('verdict'))) return [];
  const anyFailed = stages.some((s) => s.status === 'failed');
  const verdictOk = status('verdict') === 'succeeded';
  verdictHash ??= ((await getStage(tx, run.id, 'verdict'))?.output as { hash?: string } | null | undefined)?.hash ?? null;
  await endRun(tx, run.id, { verdictHash, status: !verdictOk ? 'failed' : anyFailed ? 'partial' : 'succeeded' }, verdict);
  return [];
}

/** A draft run's next step (domain/draft-flow.ts): the next stage, the end, or — on any failure — a failed, refunded run. */
async function advanceDraft(tx: DbOrTx, run: Run, stages: readonly StageBrief[]): Promise<void> {
  const step = nextDraftStep(stages);
  switch (step.kind) {
    case 'enqueue':
      if ((await transitionStages(tx, run.id, [step.stage], ['pending'], 'queued')).length) {
        await enqueue(tx, 'draft_stage', { runId: run.id, stage: step.stage }, { maxAttempts: 3 });
      }
      return;
    case 'fail':
      return failRun(tx, run, step.code, undefined, stages);
    case 'succeed':
      return endRun(tx, run.id, { status: 'succeeded' });
    case 'wait':
      return;
  }
}
