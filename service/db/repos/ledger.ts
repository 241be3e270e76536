import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { UserError } from '../../domain/errors.ts';
import { metrics } from '../../support/metrics.ts';
import type { DbOrTx } from '../client.ts';
import { hotSql, value } from '../hot.ts';
import { creditLedger, workspaces, type LEDGER_KINDS } from '../schema.ts';

export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  readonly workspaceId: string;
  /** Signed: negative spends, positive credits. */
  readonly amount: number;
  readonly kind: LedgerKind;
  /** Unique across the ledger: a retried write with the same key changes nothing. */
  readonly idempotencyKey: string;
  readonly runId?: string | null;
  readonly note?: string | null;
}

export interface LedgerResult {
  /** False when the key was already written (a retry, a duplicate delivery). */
  readonly applied: boolean;
  readonly balance: number;
}

const ws = value('ws');
const ledgerWrite = hotSql<{ applied: boolean; moved: number | null; balance: number | null }>(sql`
    with l as (
      insert into credit_ledger (workspace_id, amount, kind, run_id, idempotency_key, note)
      values (${ws}, ${value('amount')}, ${value('kind')}, ${value('runId')}, ${value('key')}, ${value('note')})
      on conflict (idempotency_key) do nothing
      returning amount),
    u as (
      update workspaces w set balance = w.balance + l.amount from l
      where w.id = ${ws} and w.balance + l.amount >= 0
      returning w.balance)
    select exists (select 1 from l) as applied, (select balance from u) as moved,
           (select balance from workspaces where id = ${ws}) as balance`);

/**
 * The only way a balance moves: one ledger row (unique idempotency key) and a guarded UPDATE in
 * the caller's transaction — one statement, the UPDATE moving the balance only by a row the
 * INSERT wrote. A spend that would make the balance negative throws `insufficient_credits` — the
 * caller's transaction then rolls back the ledger row too.
 * Invariant: balance = sum(amount) of the workspace's ledger rows.
 */
export async function applyLedgerEntry(tx: DbOrTx, entry: LedgerEntry): Promise<LedgerResult> {
  const [row] = await ledgerWrite(tx, { ws: entry.workspaceId, amount: entry.amount, kind: entry.kind, runId: entry.runId ?? null, key: entry.idempotencyKey, note: entry.note ?? null });
  // Not applied (a retry, a duplicate delivery): the balance as it was, this statement changed nothing.
  if (!row?.applied) return { applied: false, balance: row?.balance ?? 0 };
  if (row.moved === null) {
    throw new UserError('insufficient_credits', `Not enough credits: this needs ${-entry.amount} credits. Use \`buy\` to top up.`);
  }
  // Counted when written: a caller's transaction that later rolls back is over-counted (rare: a
  // failed start after its reservation), which a rate over minutes does not notice.
  metrics.credits(METRIC_KIND[entry.kind], entry.amount);
  return { applied: true, balance: row.moved };
}

/** Counts a ledger row written by a statement of another repository (run creation's grant and reservation). */
export function countLedgerEntry(kind: LedgerKind, amount: number): void {
  metrics.credits(METRIC_KIND[kind], amount);
}

/** The ledger kinds as `listinglab_credits_total{kind}` names them (a reclaim is a refund of a dead run). */
const METRIC_KIND: Record<LedgerKind, string> = {
  signup: 'granted',
  grant: 'granted',
  reserve: 'reserved',
  refund: 'refunded',
  reclaim: 'refunded',
  settle: 'settled',
  purchase: 'purchased',
  reversal: 'reversed',
};

export async function recentLedger(db: DbOrTx, workspaceId: string, limit = 5) {
  return db
    .select()
    .from(creditLedger)
    .where(eq(creditLedger.workspaceId, workspaceId))
    .orderBy(desc(creditLedger.id))
    .limit(limit);
}

/** Workspaces whose balance differs from the sum of their ledger (should be none). */
export async function ledgerMismatches(db: DbOrTx): Promise<{ workspaceId: string; balance: number; ledgerSum: number }[]> {
  const rows = await db.execute<{ workspace_id: string; balance: number; ledger_sum: number }>(sql`
    select w.id as workspace_id, w.balance, coalesce(sum(l.amount), 0)::int as ledger_sum
    from workspaces w left join credit_ledger l on l.workspace_id = w.id
    group by w.id, w.balance
    having w.balance <> coalesce(sum(l.amount), 0)`);
  return rows.map((r) => ({ workspaceId: r.workspace_id, balance: r.balance, ledgerSum: r.ledger_sum }));
}

/**
 * Credits spent since `since`: reservations less their refunds (purchases, grants and the signup
 * gift are not spending). What the daily cap is measured against.
 */
export async function creditsUsedSince(db: DbOrTx, workspaceId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(-sum(${creditLedger.amount}), 0)::int` })
    .from(creditLedger)
    .where(and(eq(creditLedger.workspaceId, workspaceId), gte(creditLedger.createdAt, since), inArray(creditLedger.kind, ['reserve', 'refund'])));
  return Math.max(0, row?.n ?? 0);
}

export async function findLedgerEntry(db: DbOrTx, idempotencyKey: string) {
  const [row] = await db.select().from(creditLedger).where(eq(creditLedger.idempotencyKey, idempotencyKey));
  return row;
}

/**
 * Runs that got back more than they reserved, summed over generations (a resumed run reserves
 * again). Should be none: every refund key names one stage of one generation.
 */
export async function overRefundedRuns(db: DbOrTx): Promise<{ runId: string; reserved: number; refunded: number }[]> {
  const rows = await db.execute<{ run_id: string; reserved: number; refunded: number }>(sql`
    select run_id,
           coalesce(-sum(amount) filter (where kind = 'reserve'), 0)::int as reserved,
           coalesce(sum(amount) filter (where kind in ('refund', 'reclaim')), 0)::int as refunded
    from credit_ledger
    where run_id is not null
    group by run_id
    having coalesce(sum(amount) filter (where kind in ('refund', 'reclaim')), 0) > coalesce(-sum(amount) filter (where kind = 'reserve'), 0)`);
  return rows.map((r) => ({ runId: r.run_id, reserved: r.reserved, refunded: r.refunded }));
}

export async function countWorkspaces(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(workspaces);
  return row?.n ?? 0;
}
