import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { experimentRuns, experiments } from '../schema.ts';

/**
 * Experiments and their re-runs. Every lookup by id is scoped to a workspace: another
 * workspace's experiment is simply not there. Runs are referenced, never owned: a deleted run
 * leaves its experiment and snapshots in place (the foreign keys set null).
 */

export type Experiment = typeof experiments.$inferSelect;
export type NewExperiment = typeof experiments.$inferInsert;
export type ExperimentRun = typeof experimentRuns.$inferSelect;

export async function insertExperiment(tx: DbOrTx, row: NewExperiment): Promise<Experiment> {
  const [created] = await tx.insert(experiments).values(row).returning();
  if (!created) throw new Error('insert experiment returned nothing');
  return created;
}

/** An experiment of this workspace by full id or unique id prefix; other workspaces' are invisible. */
export async function findExperimentForWorkspace(db: DbOrTx, workspaceId: string, idOrPrefix: string): Promise<Experiment | undefined> {
  const rows = await db
    .select()
    .from(experiments)
    .where(and(eq(experiments.workspaceId, workspaceId), sql`${experiments.id}::text like ${`${idOrPrefix.toLowerCase()}%`}`))
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

/** The experiment that already keeps this run as its baseline (saving twice gives the same one). */
export async function findExperimentByBaseline(db: DbOrTx, workspaceId: string, runId: string): Promise<Experiment | undefined> {
  const [row] = await db
    .select()
    .from(experiments)
    .where(and(eq(experiments.workspaceId, workspaceId), eq(experiments.baselineRunId, runId)))
    .orderBy(asc(experiments.createdAt))
    .limit(1);
  return row;
}

/** Pinned first, then the most recent. */
export async function listExperiments(db: DbOrTx, workspaceId: string, limit: number): Promise<Experiment[]> {
  return db
    .select()
    .from(experiments)
    .where(eq(experiments.workspaceId, workspaceId))
    .orderBy(desc(experiments.pinned), desc(experiments.createdAt), desc(experiments.id))
    .limit(limit);
}

/** Pins or unpins an experiment of this workspace; undefined when it has no such experiment. */
export async function setExperimentPinned(db: DbOrTx, workspaceId: string, id: string, pinned: boolean): Promise<Experiment | undefined> {
  const [row] = await db
    .update(experiments)
    .set({ pinned })
    .where(and(eq(experiments.id, id), eq(experiments.workspaceId, workspaceId)))
    .returning();
  return row;
}

/**
 * Links a new run to an experiment of the same workspace as a re-run. Undefined (nothing
 * written) when the workspace has no such experiment, so the caller can roll back the run.
 */
export async function linkRerun(tx: DbOrTx, workspaceId: string, link: { experimentId: string; runId: string; tags: readonly string[] }): Promise<ExperimentRun | undefined> {
  const [owner] = await tx
    .select({ id: experiments.id })
    .from(experiments)
    .where(and(eq(experiments.id, link.experimentId), eq(experiments.workspaceId, workspaceId)))
    .for('key share');
  if (!owner) return undefined;
  const [row] = await tx.insert(experimentRuns).values({ experimentId: owner.id, runId: link.runId, tags: [...link.tags] }).returning();
  return row;
}

/** The re-runs of these experiments, oldest first. */
export async function experimentRunsOf(db: DbOrTx, experimentIds: readonly string[]): Promise<ExperimentRun[]> {
  if (experimentIds.length === 0) return [];
  return db
    .select()
    .from(experimentRuns)
    .where(inArray(experimentRuns.experimentId, [...experimentIds]))
    .orderBy(asc(experimentRuns.createdAt), asc(experimentRuns.id));
}

/** The re-run link of a run (a run is re-run for at most one experiment), with its experiment. */
export async function findRerunByRun(db: DbOrTx, runId: string): Promise<{ link: ExperimentRun; experiment: Experiment } | undefined> {
  const [row] = await db
    .select({ link: experimentRuns, experiment: experiments })
    .from(experimentRuns)
    .innerJoin(experiments, eq(experiments.id, experimentRuns.experimentId))
    .where(eq(experimentRuns.runId, runId))
    .orderBy(asc(experimentRuns.createdAt))
    .limit(1);
  return row;
}

/** Records (or replaces) the snapshot of a re-run. Returns how many links took it. */
export async function setRerunSnapshot(tx: DbOrTx, runId: string, snapshot: unknown): Promise<number> {
  const rows = await tx.update(experimentRuns).set({ snapshot }).where(eq(experimentRuns.runId, runId)).returning({ id: experimentRuns.id });
  return rows.length;
}
