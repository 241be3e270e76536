import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { Run } from '../../db/repos/runs.ts';
import { addChatJobSql, enqueueAll, type JobSpec } from '../../jobs/enqueue.ts';

/**
 * Chat delivery after a change, coalesced per run by a graphile job_key (replace mode): each
 * change moves the run's pending delivery to DELIVERY_WINDOW_MS after it, so a stage's completion
 * and the stages it starts a few milliseconds later (its "running…") are one message edit, and
 * stages that finish within 1.5 s of each other are one edit, not two. A run changes a few
 * times at most, seconds apart, so the delivery is never put off for long: a result reaches the
 * root a second or two after it settled. Correctness does not depend on the key: the delivery
 * task renders whatever the database holds when it runs.
 *
 * A delay of 0 (a run just created or admitted: its root must appear at once) uses a key of its
 * own, so the changes that follow a moment later (its first stage starting) cannot move it.
 *
 * A job key cannot replace a job that a worker holds, so a change made while a delivery is
 * running adds a second job; the delivery itself makes sure two of one run never run at once
 * (deliver-run.ts). No graphile queue does it: graphile keeps a row per queue name forever, one per
 * run.
 */
export const DELIVERY_WINDOW_MS = 1_500;

export async function scheduleDelivery(tx: DbOrTx, run: Pick<Run, 'id' | 'origin'>, delayMs = DELIVERY_WINDOW_MS): Promise<void> {
  await enqueueAll(tx, [deliveryJob(run, delayMs)]);
}

/** The delivery job a change schedules (as `scheduleDelivery`), or undefined for a run not asked from chat. */
export function deliveryJob(run: Pick<Run, 'id' | 'origin'>, delayMs = DELIVERY_WINDOW_MS): JobSpec<'deliver_run'> | undefined {
  const platform = (run.origin as { platform?: string } | null)?.platform;
  if (platform !== 'slack' && platform !== 'discord') return undefined;
  return { task: 'deliver_run', payload: { runId: run.id }, opts: deliveryOptions(run.id, delayMs) };
}

/**
 * The delivery a change schedules, as an SQL expression for a statement that makes the change
 * (one round trip): `origin` is the SQL of the run's origin column in that statement; a run not
 * asked from chat gets none (null).
 */
export function deliveryJobSql(runId: string, origin: SQL, delayMs = DELIVERY_WINDOW_MS, opts: { unlessFirstPost?: boolean } = {}): SQL {
  // `unlessFirstPost` (a stage's start): none while the run's first post is pending or running —
  // it waits for stages just queued to begin (deliver-run.ts), so it shows the start.
  return addChatJobSql(origin, 'deliver_run', { runId }, deliveryOptions(runId, delayMs), opts.unlessFirstPost ? `deliver-now:${runId}` : undefined);
}

/**
 * A run's end, delivered at once: the coalesced delivery its last change scheduled (the same
 * `deliver:<run>` key) moved to now, not a second job. The result is what the person is waiting
 * for; nothing follows it to coalesce with. For the statement that ends the run (finishRun).
 */
export function endDeliverySql(runId: string, origin: SQL): SQL {
  return addChatJobSql(origin, 'deliver_run', { runId }, { ...deliveryOptions(runId, 0), jobKey: `deliver:${runId}` });
}

function deliveryOptions(runId: string, delayMs: number) {
  return {
    jobKey: delayMs === 0 ? `deliver-now:${runId}` : `deliver:${runId}`,
    runAt: new Date(Date.now() + delayMs),
    maxAttempts: 8,
  };
}
