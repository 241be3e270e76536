import type { DbOrTx } from '../../db/client.ts';
import { admitRun, countActiveRuns, transitionStages, waitingRuns, type Run } from '../../db/repos/runs.ts';
import { lockWorkspace } from '../../db/repos/workspaces.ts';
import { enqueueAll, type JobSpec } from '../../jobs/enqueue.ts';
import { deliveryJob, scheduleDelivery } from '../delivery/index.ts';

/**
 * Running slots: at most N runs of a workspace hold a slot (admitted: their jobs are in the queue);
 * the others wait, status 'queued' with no job, their credits already reserved, in FIFO order of
 * creation. Every decision is taken under the workspace's row lock, so two transactions never
 * give away the same slot, and a waiting run is admitted by a guarded UPDATE — only the
 * transaction that moved it enqueues its first job.
 *
 * Lock order everywhere: a run's row (the engine's lock) before its workspace's row.
 */

/** The stage a run starts with: its acquisition (a draft's own for a draft). */
export function firstStage(kind: Run['kind']): string {
  return kind === 'draft' ? 'draft_acquire' : 'acquire';
}

/** The jobs a run that got its slot starts with: its first stage's and its first delivery. */
export function firstJobs(run: Pick<Run, 'id' | 'origin' | 'kind'>): (JobSpec | undefined)[] {
  return [
    run.kind === 'draft'
      ? { task: 'draft_stage', payload: { runId: run.id, stage: 'draft_acquire' }, opts: { maxAttempts: 3 } }
      : { task: 'acquire_listings', payload: { runId: run.id }, opts: { maxAttempts: 3 } },
    deliveryJob(run, 0),
  ];
}

/**
 * A run that just got its slot starts: its first stage queued, and its jobs (firstJobs) enqueued
 * in one statement. (A run admitted at its creation gets both in its insert: run-creation.ts.)
 */
async function start(tx: DbOrTx, run: Pick<Run, 'id' | 'origin' | 'kind'>): Promise<void> {
  await transitionStages(tx, run.id, [firstStage(run.kind)], ['pending'], 'queued');
  await enqueueAll(tx, firstJobs(run));
}

/** Positions moved: the waiting runs' root messages are re-rendered. */
async function redeliverWaiting(tx: DbOrTx, workspaceId: string): Promise<void> {
  for (const w of await waitingRuns(tx, workspaceId)) await scheduleDelivery(tx, w);
}

/**
 * Admits waiting runs, oldest first, while fewer than `maxRunning` hold a slot (Infinity: no
 * limit). The caller holds the workspace lock. Returns the ids that were admitted.
 */
export async function fillSlots(tx: DbOrTx, workspaceId: string, maxRunning: number, at: Date): Promise<Set<string>> {
  const admitted = new Set<string>();
  const free = maxRunning - (await countActiveRuns(tx, workspaceId));
  if (free <= 0) return admitted;
  const limit = Number.isFinite(free) ? free : 1000;
  const candidates = await waitingRuns(tx, workspaceId, limit);
  for (const run of candidates) {
    if (!(await admitRun(tx, run.id, at))) continue;
    admitted.add(run.id);
    await start(tx, run);
  }
  // Fewer waited than there were free slots: none waits any more, so no position moved.
  if (admitted.size && candidates.length >= limit) await redeliverWaiting(tx, workspaceId);
  return admitted;
}

/**
 * A run that held a slot has finished: the next waiting run of its workspace starts. Called in
 * the transaction that finished the run — which only one finisher gets (`finishRun` is guarded
 * on settled_at) — so each finish hands over at most once; the workspace lock serialises it with
 * admissions at creation (the waiting runs are read by a statement after the lock's: they include
 * any a creation committed while this waited for it). A handover, not a recount: the number of runs holding a slot stays
 * where admission put it.
 */
export async function handOverSlot(tx: DbOrTx, finished: Pick<Run, 'workspaceId' | 'admittedAt'> & { slotLocked?: boolean }): Promise<string | undefined> {
  if (finished.admittedAt === null) return undefined;
  // `slotLocked`: the statement that finished the run took the workspace's lock (finishRun).
  if (!finished.slotLocked) await lockWorkspace(tx, finished.workspaceId);
  const [next] = await waitingRuns(tx, finished.workspaceId, 1);
  if (!next || !(await admitRun(tx, next.id, new Date()))) return undefined;
  await start(tx, next);
  await redeliverWaiting(tx, finished.workspaceId);
  return next.id;
}
