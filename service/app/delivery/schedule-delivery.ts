import type { DbOrTx } from '../../db/client.ts';
import type { Run } from '../../db/repos/runs.ts';
import { enqueue } from '../../jobs/enqueue.ts';

/**
 * Chat delivery after a change, coalesced per run by a graphile job_key (replace mode): each
 * change moves the run's pending delivery to DELIVERY_WINDOW_MS after it, so a stage's completion
 * and the stages it starts a few milliseconds later (its "running…") are one message edit, and
 * stages that finish within a second of each other are one edit, not two. A run changes a few
 * times at most, seconds apart, so the delivery is never put off for long: a result reaches the
 * root a second or two after it settled. Correctness does not depend on the key: the delivery
 * task renders whatever the database holds when it runs.
 *
 * A delay of 0 (a run just created or admitted: its root must appear at once) uses a key of its
 * own, so the changes that follow a moment later (its first stage starting) cannot move it.
 *
 * One delivery of a run at a time (graphile queue `deliver:<run>`, shared by both keys): a job key
 * cannot replace a job that a worker holds, so a change made while a delivery is running adds a
 * second job, and two deliveries of one run at once — in two worker processes, or two slots of
 * one — would each find no root (or no card) recorded yet and each post one: two roots in the
 * channel, a stage card twice in the thread (seen with two workers in
 * test/deployed/worker-kill.test.ts). In one queue the second waits for the first and finds its
 * messages recorded. A worker that dies holding the queue is unlocked with its jobs
 * (force_unlock_workers, jobs/heartbeat.ts).
 */
export const DELIVERY_WINDOW_MS = 1_000;

export async function scheduleDelivery(tx: DbOrTx, run: Pick<Run, 'id' | 'origin'>, delayMs = DELIVERY_WINDOW_MS): Promise<void> {
  const platform = (run.origin as { platform?: string } | null)?.platform;
  if (platform !== 'slack' && platform !== 'discord') return;
  await enqueue(tx, 'deliver_run', { runId: run.id }, {
    jobKey: delayMs === 0 ? `deliver-now:${run.id}` : `deliver:${run.id}`,
    queueName: `deliver:${run.id}`,
    runAt: new Date(Date.now() + delayMs),
    maxAttempts: 8,
  });
}
