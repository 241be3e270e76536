import { and, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { asValues, definedKeys, hot, placeholders, shapes, slot, value } from '../hot.ts';
import { runStages } from '../schema.ts';
import type { StageBrief, StageRow } from './runs.ts';

/** A stage's brief and, when asked for, what the verdict is computed from (not the acquisition's: it is not read). */
export type SettledStage = StageBrief & Partial<Pick<StageRow, 'output' | 'provider' | 'orders'>>;

/** settleStageRow, per shape: the columns its patch sets (`p_` placeholders), whether `also` writes, whether outputs are read. */
const settleStatement = shapes(
  (s: { readonly set: readonly string[]; readonly also: boolean; readonly outputs: boolean }) => `${s.set.join()}|${s.also}|${s.outputs}`,
  (s) =>
    hot('settle_stage', (db) => {
      const moved = db.$with('moved').as(
        db
          .update(runStages)
          .set(placeholders('p_', s.set))
          .where(and(eq(runStages.runId, value('runId')), eq(runStages.stage, value('stage')), notInArray(runStages.status, ['succeeded', 'failed', 'skipped'])))
          .returning({ stage: runStages.stage }),
      );
      const written = db.$with('also_written', {}).as(slot('also'));
      const outputs = s.outputs
        ? {
            output: sql<unknown>`case when ${runStages.stage} <> 'acquire' then ${runStages.output} end`,
            provider: runStages.provider,
            orders: runStages.orders,
          }
        : {};
      // Every part of one statement sees the same snapshot: the select shows the stage as it was. A
      // data-modifying CTE runs whether or not the query reads it.
      return db
        .with(moved, ...(s.also ? [written] : []))
        .select({
          stage: runStages.stage,
          status: runStages.status,
          credits: runStages.credits,
          attempts: runStages.attempts,
          errorCode: runStages.errorCode,
          ...outputs,
          settled: sql<boolean>`exists (select 1 from ${moved})`,
        })
        .from(runStages)
        .where(eq(runStages.runId, value('runId')));
    }),
);

/**
 * Settles one stage — `patch` applied only if the stage is not settled yet — and reads the run's
 * stage statuses, in one statement; the caller holds the run's lock (lockRunForChange), so the
 * statuses are current. `settled`: this call settled it (false: it was settled already, or there
 * is no such stage, and nothing changed). The statuses returned show the stage as the patch left it.
 * `also`: a write made in the same statement (the stage's evaluation cache entries), whatever came
 * of the stage. `outputs`: the evaluation stages' outputs, providers and orders are read too (the
 * next stage and the verdict start from them; the acquisition's output is left out), so the
 * caller need not read them again.
 */
export async function settleStageRow(
  tx: DbOrTx,
  runId: string,
  stage: string,
  patch: Partial<typeof runStages.$inferInsert> & { status: 'succeeded' | 'failed' },
  also?: (tx: DbOrTx) => { getSQL(): SQL } | undefined,
  opts: { outputs?: boolean } = {},
): Promise<{ settled: boolean; stages: SettledStage[] }> {
  const extra = also?.(tx);
  const shape = { set: definedKeys(patch), also: extra !== undefined, outputs: opts.outputs === true };
  const rows = await settleStatement(shape)(tx, asValues('p_', patch, shape.set, { runId, stage }), { also: extra });
  const settled = rows.some((r) => r.settled);
  const asPatched = (r: SettledStage): SettledStage => ({
    ...r,
    status: patch.status,
    errorCode: patch.errorCode ?? null,
    ...(opts.outputs ? { output: stage === 'acquire' ? null : (patch.output ?? null), provider: patch.provider ?? null, orders: patch.orders ?? null } : {}),
  });
  const stages = rows.map(({ settled: _settled, ...r }) => (settled && r.stage === stage ? asPatched(r) : r));
  return { settled, stages };
}

/**
 * Moves pending stages straight to running (attempt counted, first start kept), for a caller that
 * holds the run's lock and whose job runs them the moment its transaction commits (run-engine.ts
 * `inline`): queuing them and marking them running a moment later (beginStageRows) would be two
 * writes for one state a person could see. Returns the stages that moved.
 */
export async function startPendingStages(tx: DbOrTx, runId: string, stages: readonly string[]): Promise<string[]> {
  if (stages.length === 0) return [];
  const values: Record<string, unknown> = { runId };
  stages.forEach((s, i) => (values[`s${i}`] = s));
  const moved = await startStatement(stages.length)(tx, values);
  return moved.map((m) => m.stage);
}

/** startPendingStages, per number of stages (`s0`, `s1`… placeholders). */
const startStatement = shapes(
  (n: number) => String(n),
  (n) =>
    hot('start_pending_stages', (db) =>
      db
        .update(runStages)
        .set({ status: 'running', attempts: sql`${runStages.attempts} + 1`, startedAt: sql`coalesce(${runStages.startedAt}, now())` })
        .where(
          and(
            eq(runStages.runId, value('runId')),
            inArray(
              runStages.stage,
              Array.from({ length: n }, (_, i) => value(`s${i}`)),
            ),
            eq(runStages.status, 'pending'),
          ),
        )
        .returning({ stage: runStages.stage }),
    ),
);
