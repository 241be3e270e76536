import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { outcomes } from '../schema.ts';

/**
 * What really happened to a run's pair (`outcomes`): one row per run, editable. Every read and
 * write is scoped to one workspace id; another workspace's outcome is never read or changed.
 */

export type OutcomeRow = typeof outcomes.$inferSelect;
export type OutcomeResult = OutcomeRow['result'];

/** The run's outcome in this workspace, if one was recorded. */
export async function findOutcome(db: DbOrTx, workspaceId: string, runId: string): Promise<OutcomeRow | undefined> {
  const [row] = await db.select().from(outcomes).where(and(eq(outcomes.workspaceId, workspaceId), eq(outcomes.runId, runId)));
  return row;
}

/**
 * Records the run's outcome, or replaces the one recorded before (the latest answer counts; it
 * keeps its id and created_at, `updated_at` moves). Call under the run's row lock: the unique
 * index on run_id makes a race one row either way.
 */
export async function upsertOutcome(
  tx: DbOrTx,
  o: { workspaceId: string; runId: string; result: OutcomeResult; clickResult: OutcomeResult | null; note: string | null; verdict: unknown; recordedBy: string | null },
): Promise<OutcomeRow> {
  const [row] = await tx
    .insert(outcomes)
    .values(o)
    .onConflictDoUpdate({
      target: outcomes.runId,
      set: { result: o.result, clickResult: o.clickResult, note: o.note, verdict: o.verdict, recordedBy: o.recordedBy, updatedAt: sql`now()` },
      // Never move another workspace's row (a run belongs to one workspace, so this only guards).
      setWhere: eq(outcomes.workspaceId, o.workspaceId),
    })
    .returning();
  if (!row) throw new Error('outcome upsert returned nothing');
  return row;
}

/** Outcomes of one workspace (or every workspace: `null`, for an operator), oldest first. */
export async function listOutcomes(db: DbOrTx, workspaceId: string | null): Promise<OutcomeRow[]> {
  return db
    .select()
    .from(outcomes)
    .where(workspaceId === null ? undefined : eq(outcomes.workspaceId, workspaceId))
    .orderBy(asc(outcomes.createdAt), asc(outcomes.id));
}
