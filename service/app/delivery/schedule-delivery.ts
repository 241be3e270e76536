import type { DbOrTx } from '../../db/client.ts';
import type { Run } from '../../db/repos/runs.ts';
import { enqueue } from '../../jobs/enqueue.ts';

/**
 * Chat delivery after a change: debounced per run (graphile job_key, replace mode), so a burst of
 * stage completions becomes one message edit. Correctness does not depend on the key: the
 * delivery task renders whatever the database holds when it runs.
 *
 * One delivery of a run at a time (graphile queue `deliver:<run>`): a job key cannot replace a job
 * that a worker holds, so a change made while a delivery is running adds a second job, and two
 * deliveries of one run at once — in two worker processes, or two slots of one — would each find
 * no root (or no card) recorded yet and each post one: two roots in the channel, a stage card
 * twice in the thread (seen with two workers in test/deployed/worker-kill.test.ts). In one queue
 * the second waits for the first and finds its messages recorded. A worker that dies holding the
 * queue is unlocked with its jobs (force_unlock_workers, jobs/heartbeat.ts).
 */
export const DELIVERY_DEBOUNCE_MS = 400;

export async function scheduleDelivery(tx: DbOrTx, run: Pick<Run, 'id' | 'origin'>, delayMs = DELIVERY_DEBOUNCE_MS): Promise<void> {
  const platform = (run.origin as { platform?: string } | null)?.platform;
  if (platform !== 'slack' && platform !== 'discord') return;
  await enqueue(tx, 'deliver_run', { runId: run.id }, { jobKey: `deliver:${run.id}`, queueName: `deliver:${run.id}`, runAt: new Date(Date.now() + delayMs), maxAttempts: 8 });
}
