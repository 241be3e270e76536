import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { asValues, definedKeys } from '../hot.ts';
import { beginStatement, finishStatement, lockForChange, notifyIfWatched, selectRun, selectRunWithStages, type BrandKey } from './run-statements.ts';
import { runs, runStages } from '../schema.ts';

export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type StageRow = typeof runStages.$inferSelect;

export async function insertRun(tx: DbOrTx, run: NewRun, stages: { stage: string; credits: number }[]): Promise<Run> {
  const [row] = await tx.insert(runs).values(run).returning();
  if (!row) throw new Error('insert run returned nothing');
  if (stages.length) await tx.insert(runStages).values(stages.map((s) => ({ runId: row.id, stage: s.stage, credits: s.credits })));
  return row;
}

export async function getRun(db: DbOrTx, id: string): Promise<Run | undefined> {
  const [row] = await selectRun(db, { id });
  return row;
}

/** A run of this workspace by full id or unique id prefix (what users paste); other workspaces' runs are invisible. */
export async function findRunForWorkspace(db: DbOrTx, workspaceId: string, idOrPrefix: string): Promise<Run | undefined> {
  const rows = await db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), sql`${runs.id}::text like ${`${idOrPrefix.toLowerCase()}%`}`))
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

/** Locks the run row: stage completions of one run are serialised, so "all settled?" is decided once. */
export async function lockRun(tx: DbOrTx, id: string): Promise<Run | undefined> {
  const [row] = await tx.select().from(runs).where(eq(runs.id, id)).for('update');
  return row;
}

export async function updateRun(tx: DbOrTx, id: string, patch: Partial<NewRun>): Promise<void> {
  await tx.update(runs).set(patch).where(eq(runs.id, id));
}

/**
 * Marks which side is the workspace's own listing, once: only a run not yet marked (neither side
 * nor a source) moves, so a retried task or a second finder never overwrites the first mark.
 */
export async function markRunMine(tx: DbOrTx, id: string, mine: 'A' | 'B', source: 'asked' | 'asin' | 'brand'): Promise<boolean> {
  const moved = await tx
    .update(runs)
    .set({ mine, mineSource: source })
    .where(and(eq(runs.id, id), isNull(runs.mine), isNull(runs.mineSource)))
    .returning({ id: runs.id });
  return moved.length === 1;
}

export async function findByRequestKey(db: DbOrTx, workspaceId: string, requestKey: string): Promise<Run | undefined> {
  const [row] = await db.select().from(runs).where(and(eq(runs.workspaceId, workspaceId), eq(runs.requestKey, requestKey)));
  return row;
}

/** The latest non-failed run for the same pair within the window (de-duplication). */
export async function findRecentDuplicate(db: DbOrTx, workspaceId: string, dedupKey: string, since: Date): Promise<Run | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.dedupKey, dedupKey), gte(runs.createdAt, since), ne(runs.status, 'failed')))
    .orderBy(desc(runs.createdAt))
    .limit(1);
  return row;
}

export async function recentRuns(db: DbOrTx, workspaceId: string, limit = 10): Promise<Run[]> {
  return db.select().from(runs).where(eq(runs.workspaceId, workspaceId)).orderBy(desc(runs.createdAt)).limit(limit);
}

export async function getStages(db: DbOrTx, runId: string): Promise<StageRow[]> {
  return db.select().from(runStages).where(eq(runStages.runId, runId));
}

/** A run and its stages in one statement (a view re-read); undefined when the run does not exist. */
export async function getRunWithStages(db: DbOrTx, runId: string): Promise<{ run: Run; stages: StageRow[] } | undefined> {
  const rows = await selectRunWithStages(db, { id: runId });
  const first = rows[0];
  return first ? { run: first.run, stages: rows.flatMap((r) => (r.stage ? [r.stage] : [])) } : undefined;
}

/** A stage's bookkeeping without its output (the engine decides on statuses; outputs are large). */
export type StageState = Omit<StageRow, 'output'>;

export async function getStageStates(db: DbOrTx, runId: string): Promise<StageState[]> {
  const { output: _output, ...columns } = getTableColumns(runStages);
  return db.select(columns).from(runStages).where(eq(runStages.runId, runId));
}

export async function getStage(db: DbOrTx, runId: string, stage: string): Promise<StageRow | undefined> {
  const [row] = await db.select().from(runStages).where(and(eq(runStages.runId, runId), eq(runStages.stage, stage)));
  return row;
}

export async function updateStage(tx: DbOrTx, runId: string, stage: string, patch: Partial<typeof runStages.$inferInsert>): Promise<void> {
  await tx.update(runStages).set(patch).where(and(eq(runStages.runId, runId), eq(runStages.stage, stage)));
}

/**
 * Moves stages from one status to another only if they are still in `from`; returns the stages
 * that moved. This is how exactly one finisher enqueues the next stage.
 */
export async function transitionStages(tx: DbOrTx, runId: string, stages: string[], from: StageRow['status'][], to: StageRow['status']): Promise<string[]> {
  if (stages.length === 0) return [];
  const moved = await tx
    .update(runStages)
    .set({ status: to, ...(to === 'skipped' ? { finishedAt: new Date() } : {}) })
    .where(and(eq(runStages.runId, runId), inArray(runStages.stage, stages), inArray(runStages.status, from)))
    .returning({ stage: runStages.stage });
  return moved.map((m) => m.stage);
}

/** What the engine decides on: a stage's status and credits, without its output or bookkeeping. */
export type StageBrief = Pick<StageRow, 'stage' | 'status' | 'credits' | 'attempts' | 'errorCode'>;

/**
 * An expression a statement on a run evaluates once along with its change (the run's chat
 * delivery: app/delivery deliveryJobSql), given the SQL of the run's origin column there.
 */
export type AlongWith = (origin: SQL) => SQL;

/**
 * Locks the run row (as `lockRun`), telling listeners (the CLI) that the run changed — delivered
 * at commit, so only if the caller's transaction commits; a listener woken for nothing only
 * reloads its view. `along` is evaluated in the same statement (see AlongWith); with `brands` the
 * workspace's brand list is read too (run marking after acquisition). The stages are
 * read by the next statement (settleStageRow): a statement that waited for the lock still sees
 * the snapshot it started with, so statuses read in it could miss what the previous holder of the
 * lock committed.
 */
export async function lockRunForChange(tx: DbOrTx, id: string, along?: AlongWith, opts: { brands?: boolean } = {}): Promise<(Run & { brands?: BrandKey[] }) | undefined> {
  const [row] = await lockForChange(opts.brands === true)(tx, { id }, { along: along?.(sql`${runs.origin}`) });
  return row && (row.brands ? { ...row.run, brands: row.brands } : row.run);
}

/** One entry of a workspace's brand list as run marking matches it (db/repos/brands.ts brandKeys). */
export type { BrandKey };

/**
 * Marks stages running (attempt counted, first start kept) in one statement that holds the run's
 * row lock like the engine's transactions (FOR NO KEY UPDATE conflicts with `lockRun`), so a
 * stage never starts between a finisher reading the statuses and acting on them (failRun skips a
 * queued stage by a guarded move). The run must hold a slot — a run waiting for one has no job,
 * and a stray one must not start it past the queue — and a settled stage is never moved back. The
 * run moves queued → running with its first stage; listeners are told. Returns the stages that
 * began and the run's id, origin, inputs and pinned prompts. `along` is evaluated once when a stage began (see AlongWith).
 */
export async function beginStageRows(
  db: DbOrTx,
  runId: string,
  stages: readonly string[],
  along?: AlongWith,
  /** Read along, from the run's row (its inputs: what the stage starts from, e.g. cached listings). */
  read?: (inputs: SQL) => SQL,
): Promise<{ began: string[]; run: BegunRun | undefined; read?: unknown }> {
  if (stages.length === 0) return { began: [], run: undefined };
  const values: Record<string, unknown> = { runId };
  stages.forEach((x, i) => (values[`s${i}`] = x));
  const rows = await beginStatement(stages.length)(db, values, { along: along?.(sql`r.origin`), read: read?.(sql`r.inputs`) });
  const first = rows[0];
  return {
    began: rows.map((r) => r.stage),
    run: first ? { id: runId, origin: first.origin, inputs: first.inputs, fresh: first.fresh, pinnedPrompts: first.pinned_prompts } : undefined,
    read: first?.read,
  };
}

/** What beginStageRows reads of the run along with its stages' start: what a stage's work starts from. */
export type BegunRun = Pick<Run, 'id' | 'origin' | 'inputs' | 'fresh' | 'pinnedPrompts'>;

/** Tells listeners (the CLI, following its own runs) that a run changed; delivered at commit. */
export async function notifyRunChanged(tx: DbOrTx, runId: string): Promise<void> {
  await tx.execute(sql`select ${notifyIfWatched(sql`${runs.origin}`, sql`${runs.id}::text`)} from ${runs} where ${runs.id} = ${runId}`);
}

// ── The workspace queue: at most N admitted (running) runs per workspace, the rest wait ─────────

/** Runs of the workspace holding a running slot: admitted and not finished. */
export async function countActiveRuns(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), inArray(runs.status, ['queued', 'running']), isNotNull(runs.admittedAt)));
  return row?.n ?? 0;
}

/** Runs waiting for a slot, oldest first (FIFO on creation order). */
export async function waitingRuns(db: DbOrTx, workspaceId: string, limit = 1000): Promise<Run[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.status, 'queued'), isNull(runs.admittedAt)))
    .orderBy(asc(runs.seq))
    .limit(limit);
}

/** Gives a waiting run its slot; false if it was not waiting any more (only the mover enqueues). */
export async function admitRun(tx: DbOrTx, runId: string, at: Date): Promise<boolean> {
  const moved = await tx
    .update(runs)
    .set({ admittedAt: at })
    .where(and(eq(runs.id, runId), eq(runs.status, 'queued'), isNull(runs.admittedAt)))
    .returning({ id: runs.id });
  return moved.length === 1;
}

/** 1 = next to start; null when the run is not waiting for a slot. */
export async function queuePosition(db: DbOrTx, run: Pick<Run, 'workspaceId' | 'status' | 'admittedAt' | 'seq'>): Promise<number | null> {
  if (run.status !== 'queued' || run.admittedAt !== null) return null;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(runs)
    .where(and(eq(runs.workspaceId, run.workspaceId), eq(runs.status, 'queued'), isNull(runs.admittedAt), lte(runs.seq, run.seq)));
  return row?.n ?? null;
}

/**
 * Ends a run (terminal status, settled). Guarded on `settled_at is null`, so of two racing
 * finishers only one gets the row back — the one that then releases the run's slot. `rerun`: the
 * run is an experiment's re-run (read in the same statement). `slotLocked`: the run held a running
 * slot and its workspace's row is now locked (FOR NO KEY UPDATE, as lockWorkspace) by this
 * statement, for the slot's handover — the run's own lock is the caller's already, so the order
 * stays run, then workspace. `stage`: a stage row written in the same statement (the verdict the
 * finishing transaction computed).
 */
export async function finishRun(
  tx: DbOrTx,
  id: string,
  patch: Partial<NewRun> & { status: 'succeeded' | 'partial' | 'failed' },
  /** Evaluated on the row that ended, in the same statement (its delivery: app/delivery endDeliverySql). */
  alsoOnEnd?: (origin: SQL) => SQL,
  stage?: { readonly stage: string; readonly patch: Partial<typeof runStages.$inferInsert> },
): Promise<(Run & { rerun: boolean; slotLocked: boolean }) | undefined> {
  const now = new Date();
  const set = { finishedAt: now, settledAt: now, ...patch };
  const shape = { set: definedKeys(set), stage: stage && definedKeys(stage.patch), onEnd: alsoOnEnd !== undefined };
  const values = asValues('p_', set, shape.set, { id, stage: stage?.stage });
  if (stage && shape.stage) asValues('s_', stage.patch, shape.stage, values);
  const [row] = await finishStatement(shape)(tx, values, { onEnd: alsoOnEnd?.(sql`${runs.origin}`) });
  if (!row) return undefined;
  const { onEnd: _onEnd, ...run } = row as typeof row & { onEnd?: unknown };
  return run;
}

/** Puts a run back at the end of its workspace's queue (a resumed run waits like a new one). */
export async function requeueRun(tx: DbOrTx, id: string, patch: Partial<NewRun>): Promise<void> {
  await tx
    .update(runs)
    .set({ ...patch, status: 'queued', admittedAt: null, seq: sql`nextval(pg_get_serial_sequence('runs', 'seq'))` })
    .where(eq(runs.id, id));
}

/** A workspace's latest runs with their verdict output (null until there is one), newest first. */
export async function runsWithVerdicts(db: DbOrTx, workspaceId: string, limit: number, before?: Date): Promise<{ run: Run; verdict: unknown }[]> {
  return db
    .select({ run: runs, verdict: runStages.output })
    .from(runs)
    .leftJoin(runStages, and(eq(runStages.runId, runs.id), eq(runStages.stage, 'verdict'), eq(runStages.status, 'succeeded')))
    .where(and(eq(runs.workspaceId, workspaceId), before ? lt(runs.createdAt, before) : undefined))
    .orderBy(desc(runs.createdAt))
    .limit(limit);
}
