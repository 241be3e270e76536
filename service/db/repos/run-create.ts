import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { asValues, definedKeys, hot, hotSql, placeholders, shapes, slot, value } from '../hot.ts';
import { runs } from '../schema.ts';
import type { NewRun, Run } from './runs.ts';

/**
 * A run's creation in two statements after its workspace's lock (app/comparisons/run-creation.ts):
 * what it decides on, read at once, then the run with everything that goes with it written at
 * once. Fewer round trips inside the creating transaction, which holds the workspace's lock and
 * is most of the time from a command to its first job.
 */

/** What a run's creation decides on (readCreationFacts). */
export interface CreationFacts {
  /** The run this very request created already (a redelivery), by `requestKey`. */
  readonly sameRequestId: string | null;
  /** The latest run of the same pair within the window that did not fail (de-duplication). */
  readonly recentId: string | null;
  /** Credits spent since the day's start (reservations less refunds): what the daily cap counts. */
  readonly usedToday: number;
  /** The workspace's brand list's ASINs (normalised keys): which side is the workspace's own. */
  readonly asinKeys: readonly string[];
  /** Runs of the workspace holding a running slot (admitted, not finished). */
  readonly active: number;
  /** Runs of the workspace waiting for a slot. */
  readonly waiting: number;
  /** The balance after the grant, when this statement granted the free credits (else null). */
  readonly grantedBalance: number | null;
}

const ws = value('ws');
const creationFacts = hotSql<{
  same_request_id: string | null;
  recent_id: string | null;
  used: number;
  asin_keys: string[];
  active: number;
  waiting: number;
  granted_balance: number | null;
}>(sql`
    with g as (
      insert into credit_ledger (workspace_id, amount, kind, idempotency_key, note)
      select ${ws}::uuid, ${value('grantAmount')}::int, 'signup', ${value('grantKey')}, ${value('grantNote')}::text where ${value('granting')}
      on conflict (idempotency_key) do nothing
      returning amount),
    gb as (update workspaces w set balance = w.balance + g.amount from g where w.id = ${ws} returning w.balance)
    select
      (select id from runs where workspace_id = ${ws} and request_key = ${value('requestKey')}::text) as same_request_id,
      (select id from runs where workspace_id = ${ws} and dedup_key = ${value('dedupKey')}::text
         and created_at >= ${value('dedupSince')}::timestamptz and status <> 'failed'
         order by created_at desc limit 1) as recent_id,
      (select coalesce(-sum(amount), 0)::int from credit_ledger
         where workspace_id = ${ws} and created_at >= ${value('dayStart')}::timestamptz and kind in ('reserve', 'refund')) as used,
      (select coalesce(array_agg(key), '{}') from workspace_brands where workspace_id = ${ws} and kind = 'asin') as asin_keys,
      (select count(*)::int from runs where workspace_id = ${ws} and status in ('queued', 'running') and admitted_at is not null) as active,
      (select count(*)::int from runs where workspace_id = ${ws} and status = 'queued' and admitted_at is null) as waiting,
      (select balance from gb) as granted_balance`);

/**
 * Reads, in one statement, everything a run's creation decides on — and grants a new workspace
 * its free credits (`grant`: a ledger row keyed `signup:<workspace>`, so it is granted once, and
 * the balance moved by what that row wrote). The caller holds the workspace's row lock, taken by
 * an earlier statement: this one's snapshot is taken after it, so it sees every run and ledger
 * row the lock's previous holders committed.
 */
export async function readCreationFacts(
  tx: DbOrTx,
  args: {
    readonly workspaceId: string;
    readonly requestKey?: string | undefined;
    readonly dedup?: { readonly key: string; readonly since: Date } | undefined;
    readonly dayStart: Date;
    readonly grant?: { readonly amount: number; readonly note: string } | undefined;
  },
): Promise<CreationFacts> {
  const ws = args.workspaceId;
  const grant = args.grant && args.grant.amount > 0 ? args.grant : undefined;
  const [row] = await creationFacts(tx, {
    ws,
    grantAmount: grant?.amount ?? 0,
    grantKey: `signup:${ws}`,
    grantNote: grant?.note ?? null,
    granting: grant !== undefined,
    requestKey: args.requestKey ?? null,
    dedupKey: args.dedup?.key ?? null,
    dedupSince: args.dedup?.since.toISOString() ?? null,
    dayStart: args.dayStart.toISOString(),
  });
  if (!row) throw new Error('creation facts returned nothing');
  return {
    sameRequestId: row.same_request_id,
    recentId: row.recent_id,
    usedToday: Math.max(0, row.used),
    asinKeys: row.asin_keys,
    active: row.active,
    waiting: row.waiting,
    grantedBalance: row.granted_balance,
  };
}

/** A stage row a new run is created with: its credits, and 'queued' for the first stage of a run admitted at once. */
export interface NewStage {
  readonly stage: string;
  readonly credits: number;
  readonly status?: 'pending' | 'queued';
}

/**
 * Inserts a run (its id chosen by the caller, so everything written with it can name it), its
 * stage rows, its credit reservation and its first jobs in one statement. `reserve`: a ledger row
 * (unique key) and the balance moved by what that row wrote, guarded at ≥ 0 — `balance` null with
 * a reservation asked means the guard refused it (the caller throws: its transaction rolls back
 * the ledger row with everything else). `jobs`: `graphile_worker.add_job` expressions (jobs/enqueue.ts addJobSql), added once.
 * Foreign keys are checked at the statement's end, when the run is there.
 */
export async function insertRunWith(
  tx: DbOrTx,
  run: NewRun & { id: string },
  stages: readonly NewStage[],
  also: { readonly reserve?: { readonly amount: number; readonly key: string; readonly note: string } | undefined; readonly jobs?: readonly SQL[] },
): Promise<{ run: Run; reserved: boolean; balance: number | null }> {
  const r = also.reserve;
  const shape = { run: definedKeys(run), stages: stages.length };
  const values = asValues('r_', run, shape.run, {
    runId: run.id,
    workspaceId: run.workspaceId,
    amount: r?.amount ?? 0,
    key: r?.key ?? '',
    note: r?.note ?? null,
    reserving: r !== undefined,
  });
  stages.forEach((s, i) => {
    values[`stage${i}`] = s.stage;
    values[`credits${i}`] = s.credits;
    values[`status${i}`] = s.status ?? 'pending';
  });
  const jobs = also.jobs?.length ? sql`array[${sql.join(also.jobs.map((j) => sql`(${j}).id`), sql`, `)}]` : undefined;
  const [row] = await insertStatement(shape)(tx, values, { jobs });
  if (!row) throw new Error('insert run returned nothing');
  const { reserved, balance: after, jobs: _jobs, ...inserted } = row;
  return { run: inserted, reserved, balance: after };
}

/** insertRunWith, per shape: the run's columns given (`r_` placeholders) and how many stage rows; the jobs are a slot. */
const insertStatement = shapes(
  (s: { readonly run: readonly string[]; readonly stages: number }) => `${s.run.join()}|${s.stages}`,
  (s) =>
    hot('insert_run_with', (db) => {
      const rows = Array.from({ length: s.stages }, (_, i) => sql`(${value('runId')}::uuid, ${value(`stage${i}`)}, ${value(`credits${i}`)}::int, ${value(`status${i}`)})`);
      const stageRows = db.$with('stage_rows', {}).as(sql`insert into run_stages (run_id, stage, credits, status) values ${sql.join(rows, sql`, `)}`);
      const ledger = db.$with('reserved', {}).as(sql`
    insert into credit_ledger (workspace_id, amount, kind, run_id, idempotency_key, note)
    select ${value('workspaceId')}::uuid, ${value('amount')}::int, 'reserve', ${value('runId')}::uuid, ${value('key')}, ${value('note')}::text where ${value('reserving')}
    on conflict (idempotency_key) do nothing
    returning amount`);
      const moved = db.$with('moved', {}).as(sql`
    update workspaces w set balance = w.balance + l.amount from reserved l
    where w.id = ${value('workspaceId')} and w.balance + l.amount >= 0 returning w.balance`);
      return db
        .with(...(s.stages ? [stageRows] : []), ledger, moved)
        .insert(runs)
        .values(placeholders('r_', s.run))
        .returning({
          ...getTableColumns(runs),
          reserved: sql<boolean>`exists (select 1 from reserved)`,
          balance: sql<number | null>`(select balance from moved)`,
          jobs: sql<unknown>`${slot('jobs')}`,
        });
    }),
);
