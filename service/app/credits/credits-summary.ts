import type { DbOrTx } from '../../db/client.ts';
import { creditsUsedSince, recentLedger } from '../../db/repos/ledger.ts';
import type { Workspace } from '../../db/repos/workspaces.ts';

/**
 * A workspace's credits as people see them: the balance, what today's spending leaves of the daily
 * cap, and the latest ledger lines. The same summary answers `credits` in chat and
 * `listinglab credits` for operators.
 */

export interface CreditsSummary {
  readonly balance: number;
  /** Credits spent since 00:00 UTC (reservations less refunds). */
  readonly usedToday: number;
  readonly dailyCap: number;
  readonly recent: readonly { readonly at: Date; readonly amount: number; readonly kind: string; readonly note: string | null }[];
}

/** The credits summary of a known workspace (also what operators see with `listinglab credits`). */
export async function summarizeCredits(db: DbOrTx, ws: Pick<Workspace, 'id' | 'balance'>, dailyCap: number, now: Date, lines = 5): Promise<CreditsSummary> {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const recent = await recentLedger(db, ws.id, lines);
  return {
    balance: ws.balance,
    usedToday: await creditsUsedSince(db, ws.id, dayStart),
    dailyCap,
    recent: recent.map((r) => ({ at: r.createdAt, amount: r.amount, kind: r.kind, note: r.note })),
  };
}
