import { inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { workerHeartbeats } from '../schema.ts';

export async function beat(db: DbOrTx, workerIds: readonly string[], process: string, now: Date): Promise<void> {
  if (workerIds.length === 0) return;
  await db
    .insert(workerHeartbeats)
    .values(workerIds.map((workerId) => ({ workerId, process, lastSeen: now })))
    .onConflictDoUpdate({ target: workerHeartbeats.workerId, set: { lastSeen: now } });
}

export async function forget(db: DbOrTx, workerIds: readonly string[]): Promise<void> {
  if (workerIds.length) await db.delete(workerHeartbeats).where(inArray(workerHeartbeats.workerId, [...workerIds]));
}

/**
 * Force-unlocks the jobs of workers whose heartbeat is older than `staleBefore` and forgets them.
 * Returns the dead worker ids. Safe to run from every process at once: unlocking is idempotent.
 */
export async function reapDeadWorkers(db: DbOrTx, staleBefore: Date): Promise<string[]> {
  const dead = await db.delete(workerHeartbeats).where(lt(workerHeartbeats.lastSeen, staleBefore)).returning({ id: workerHeartbeats.workerId });
  const ids = dead.map((d) => d.id);
  if (ids.length) {
    const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
    await db.execute(sql`select graphile_worker.force_unlock_workers(array[${list}]::text[])`);
  }
  return ids;
}
