import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.ts';
import { countLedgerEntry } from '../../db/repos/ledger.ts';
import { insertRunWith, readCreationFacts, type CreationFacts } from '../../db/repos/run-create.ts';
import { findByRequestKey, getRun, queuePosition, type NewRun, type Run } from '../../db/repos/runs.ts';
import { ensureAndLockWorkspace, ensureWorkspace, type Workspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import { UserError } from '../../domain/errors.ts';
import { drawsFreeCredits } from '../../domain/workspace.ts';
import { addJobSql } from '../../jobs/enqueue.ts';
import { capDayStart } from '../credits/index.ts';
import { scheduleDelivery } from '../delivery/index.ts';
import { fillSlots, firstJobs, firstStage } from './run-slots.ts';

/**
 * A run's creation (comparisons and drafts), inside the creating transaction, in as few
 * statements as it can be: the workspace upserted and locked (one), what the creation decides on
 * read at once with the free credits of a new workspace (one: readCreationFacts), then the run,
 * its stages, its reservation and — when it is admitted at once — its first jobs (one:
 * insertRunWith). Every decision is taken under the workspace's row lock, as before: concurrent
 * commands of one workspace are serialised, so N reservations on a balance that covers k of them
 * create exactly k runs.
 */

export type ExistingRun = { readonly kind: 'existing'; readonly run: Run; readonly reason: 'same_request' | 'recent_pair'; readonly queuePosition: number | null };
export type CreatedRun = { readonly kind: 'created'; readonly run: Run; readonly balance: number; readonly queuePosition: number | null };

/**
 * The head every run creation shares: the workspace (free credits on first sight, when it draws
 * any), locked; the time read after the lock (creation order, dedup window and the day are those
 * of the lock holder); what the creation decides on (CreationFacts); and the run this very request
 * already created (a redelivery) or — `dedup` given — the same pair's recent run.
 */
export async function openRunCreation(
  tx: DbOrTx,
  args: { workspace: WorkspaceRef; freeCredits: number; requestKey: string | undefined; dedup?: { key: string; windowMs: number } | undefined; now: () => number },
): Promise<{ ws: Workspace; now: Date; facts: CreationFacts; existing?: ExistingRun }> {
  let ws = await ensureAndLockWorkspace(tx, args.workspace, 0);
  // Free credits are granted with the facts' read (one statement), once: the ledger key is the workspace's.
  let grant = args.freeCredits > 0 && drawsFreeCredits(ws);
  // Its data was deleted while this waited for the lock (app/data): the new run brings it back.
  if (ws.deletedAt) {
    ws = await ensureWorkspace(tx, args.workspace, args.freeCredits);
    grant = false;
  }
  const now = new Date(args.now());
  const facts = await readCreationFacts(tx, {
    workspaceId: ws.id,
    requestKey: args.requestKey,
    dedup: args.dedup && { key: args.dedup.key, since: new Date(now.getTime() - args.dedup.windowMs) },
    dayStart: capDayStart(now),
    grant: grant ? { amount: args.freeCredits, note: 'free credits for a new workspace' } : undefined,
  });
  if (facts.grantedBalance !== null) {
    ws = { ...ws, balance: facts.grantedBalance };
    countLedgerEntry('signup', args.freeCredits);
  }
  const found = facts.sameRequestId ? { id: facts.sameRequestId, reason: 'same_request' as const } : facts.recentId ? { id: facts.recentId, reason: 'recent_pair' as const } : undefined;
  const run = found && (await getRun(tx, found.id));
  if (found && run) return { ws, now, facts, existing: { kind: 'existing', run, reason: found.reason, queuePosition: await queuePosition(tx, run) } };
  return { ws, now, facts };
}

/**
 * The tail every run creation shares: the run inserted with its stages and its credit reservation
 * (ledger) and — when nothing waits and one of the workspace's running slots is free, as
 * `fillSlots` would decide from the same counts under the same lock — admitted at once, its
 * first job and its first delivery added in that statement. Otherwise the workspace's queue
 * decides (fillSlots: waiting runs first, FIFO) and a run left waiting gets its root message at
 * once, saying where it stands.
 */
export async function createRun(
  tx: DbOrTx,
  args: {
    ws: Pick<Workspace, 'id' | 'balance'>;
    facts: Pick<CreationFacts, 'active' | 'waiting'>;
    run: Omit<NewRun, 'id' | 'workspaceId' | 'admittedAt'> & Pick<Run, 'kind'>;
    stages: readonly { stage: string; credits: number }[];
    cost: number;
    note: string;
    maxRunning: number;
    now: Date;
  },
): Promise<CreatedRun> {
  const { ws, facts, cost, now } = args;
  const id = randomUUID();
  const admit = facts.waiting === 0 && facts.active < args.maxRunning;
  const first = firstStage(args.run.kind);
  const created = await insertRunWith(
    tx,
    { ...args.run, id, workspaceId: ws.id, ...(admit ? { admittedAt: now } : {}) },
    args.stages.map((s) => ({ ...s, status: admit && s.stage === first ? ('queued' as const) : ('pending' as const) })),
    {
      reserve: cost > 0 ? { amount: -cost, key: `reserve:${id}:${args.run.generation ?? 0}`, note: args.note } : undefined,
      jobs: admit ? firstJobs({ id, origin: args.run.origin ?? {}, kind: args.run.kind }).flatMap((j) => (j ? [addJobSql(j.task, j.payload as never, j.opts)] : [])) : [],
    },
  );
  let balance = ws.balance;
  if (cost > 0) {
    // The guard is the last word on the balance (the caller explained a refusal before, refuseSpend).
    if (created.balance === null) throw new UserError('insufficient_credits', `Not enough credits: this needs ${cost} credits. Use \`buy\` to top up.`);
    countLedgerEntry('reserve', -cost);
    balance = created.balance;
  }
  if (admit) return { kind: 'created', run: created.run, balance, queuePosition: null };
  const admitted = await fillSlots(tx, ws.id, args.maxRunning, now);
  const run = admitted.has(id) ? { ...created.run, admittedAt: now } : created.run;
  // An admitted run's delivery was scheduled when it started (run-slots.ts), just as this would.
  if (!admitted.has(id)) await scheduleDelivery(tx, run, 0);
  return { kind: 'created', run, balance, queuePosition: await queuePosition(tx, run) };
}

/**
 * Two deliveries of one request raced past the request-key lookup and the unique index let one
 * through: the loser returns the winner's run. Anything else is rethrown.
 */
export async function existingAfterRace(
  db: Db,
  workspace: WorkspaceRef,
  requestKey: string | undefined,
  error: unknown,
): Promise<{ kind: 'existing'; run: Run; reason: 'same_request'; queuePosition: number | null }> {
  const cause = (error as { code?: string; cause?: { code?: string } } | undefined);
  if (requestKey && (cause?.code === '23505' || cause?.cause?.code === '23505')) {
    const ws = await ensureWorkspace(db, workspace, 0);
    const same = await findByRequestKey(db, ws.id, requestKey);
    if (same) return { kind: 'existing', run: same, reason: 'same_request', queuePosition: await queuePosition(db, same) };
  }
  throw error;
}
