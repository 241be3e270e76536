import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import { hot, hotSql, placeholders, shapes, slot, value } from '../hot.ts';
import { runs, runStages } from '../schema.ts';

/** A run's row, as runs.ts's `Run` (defined here too: runs.ts imports this module, not the reverse). */
type Run = typeof runs.$inferSelect;

/**
 * `pg_notify('listinglab_run', id)` for a run the terminal may be following (watch-run.ts: the
 * CLI's own runs, origin `cli`), nothing for a chat run: no one listens for those, and every
 * transaction that notifies takes Postgres's one database-wide notification lock at commit, held
 * through the commit's WAL flush — with 20 commands at once (and every statement logged),
 * log_lock_waits showed commits queued 10–13 ms behind it (issue 22). graphile-worker's own `jobs:insert` notifications remain.
 */
export function notifyIfWatched(origin: SQL, id: SQL): SQL {
  return sql`case when ${origin}->>'platform' = 'cli' then pg_notify('listinglab_run', ${id}) end`;
}

/** A workspace's brand list entry, as a run's read carries it. */
export type BrandKey = { readonly kind: 'brand' | 'asin'; readonly key: string };

/**
 * The statements of runs.ts that every run executes, built once (db/hot.ts): a run's lock with
 * its change's delivery, its end, its stages' start, its re-reads. runs.ts says what each does.
 */

export const selectRun = hot('get_run', (db) => db.select().from(runs).where(eq(runs.id, value('id'))));

export const selectRunWithStages = hot('get_run_with_stages', (db) =>
  db.select({ run: runs, stage: runStages }).from(runs).leftJoin(runStages, eq(runStages.runId, runs.id)).where(eq(runs.id, value('id'))),
);

/** lockRunForChange: one statement with the brand list read along and one without; `along` is a slot. */
export const lockForChange = shapes(
  (brands: boolean) => String(brands),
  (brands) =>
    hot('lock_run_for_change', (db) =>
      db
        .select({
          run: runs,
          notified: sql`${notifyIfWatched(sql`${runs.origin}`, sql`${runs.id}::text`)}`,
          along: slot('along'),
          // The workspace's brand list (presentation only: a list edited while this waited may be missed).
          brands: brands
            ? sql<BrandKey[]>`(select coalesce(json_agg(json_build_object('kind', b.kind, 'key', b.key)), '[]'::json) from workspace_brands b where b.workspace_id = runs.workspace_id)`
            : sql<null>`null`,
        })
        .from(runs)
        .where(eq(runs.id, value('id')))
        .for('update'),
    ),
);

/** finishRun, per shape: the columns its patch sets (`p_` placeholders), the stage row's (`s_`), and whether `onEnd` is given. */
export interface FinishShape {
  readonly set: readonly string[];
  readonly stage: readonly string[] | undefined;
  readonly onEnd: boolean;
}

export const finishStatement = shapes(
  (s: FinishShape) => `${s.set.join()}|${s.stage?.join() ?? '-'}|${s.onEnd}`,
  (s) =>
    hot('finish_run', (db) => {
      const stageWrite = s.stage
        ? db
            .$with('stage_written')
            .as(
              db
                .update(runStages)
                .set(placeholders('s_', s.stage))
                .where(and(eq(runStages.runId, value('id')), eq(runStages.stage, value('stage'))))
                .returning({ stage: runStages.stage }),
            )
        : undefined;
      // Evaluated (and the lock taken) only for the row that ended: it is read in RETURNING.
      const slotLock = db
        .$with('slot_lock', {})
        .as(sql`select w.id from workspaces w join runs r on r.workspace_id = w.id where r.id = ${value('id')} and r.admitted_at is not null for no key update of w`);
      return db
        .with(...(stageWrite ? [stageWrite] : []), slotLock)
        .update(runs)
        .set(placeholders('p_', s.set))
        .where(and(eq(runs.id, value('id')), isNull(runs.settledAt)))
        .returning({
          ...getTableColumns(runs),
          rerun: sql<boolean>`exists (select 1 from experiment_runs e where e.run_id = ${value('id')})`,
          slotLocked: sql<boolean>`exists (select 1 from slot_lock)`,
          ...(s.onEnd ? { onEnd: sql<unknown>`${slot('onEnd')}` } : {}),
        });
    }),
);

/** beginStageRows, per number of stages (`s0`, `s1`… placeholders); `along` and `read` are slots. */
export const beginStatement = shapes(
  (n: number) => String(n),
  (n) =>
    hotSql<{ stage: string; origin: Run['origin']; inputs: Run['inputs']; fresh: boolean; pinned_prompts: Run['pinnedPrompts']; read: unknown }>(sql`
    with r as (select id, origin, inputs, fresh, pinned_prompts from runs where id = ${value('runId')} and admitted_at is not null for no key update),
    s as (
      update run_stages
      set status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now())
      where run_id = ${value('runId')} and stage = any(${sql`array[${sql.join(
        Array.from({ length: n }, (_, i) => sql`${value(`s${i}`)}`),
        sql`, `,
      )}]::text[]`})
        and status not in ('succeeded', 'failed', 'skipped') and exists (select 1 from r)
      returning stage),
    u as (update runs set status = 'running', started_at = now() where id = ${value('runId')} and status = 'queued' and exists (select 1 from s)),
    a as (select ${slot('along')} as along from r where exists (select 1 from s))
    select s.stage, r.origin, r.inputs, r.fresh, r.pinned_prompts, ${slot('read')} as read, ${notifyIfWatched(sql`r.origin`, sql`${value('runId')}::text`)}
    from s cross join r left join a on true`),
);
