import type { DbOrTx } from '../../db/client.ts';
import type { Run } from '../../db/repos/runs.ts';
import { enqueue } from '../../jobs/enqueue.ts';

/**
 * Chat delivery after a change: debounced per run (graphile job_key, replace mode), so a burst of
 * stage completions becomes one message edit. Correctness does not depend on the key: the
 * delivery task renders whatever the database holds when it runs.
 */
export const DELIVERY_DEBOUNCE_MS = 400;

export async function scheduleDelivery(tx: DbOrTx, run: Pick<Run, 'id' | 'origin'>, delayMs = DELIVERY_DEBOUNCE_MS): Promise<void> {
  const platform = (run.origin as { platform?: string } | null)?.platform;
  if (platform !== 'slack' && platform !== 'discord') return;
  await enqueue(tx, 'deliver_run', { runId: run.id }, { jobKey: `deliver:${run.id}`, runAt: new Date(Date.now() + delayMs), maxAttempts: 8 });
}
