import { UserError } from '../../domain/errors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { creditsUsedSince } from '../../db/repos/ledger.ts';
import { isDirectMessage, type WorkspaceRef } from '../../domain/workspace.ts';

type SpendingWorkspace = { id: string; balance: number } & Pick<WorkspaceRef, 'platform' | 'externalId'>;

/** The UTC day `now` falls in, from its first instant: what the daily cap counts from. */
export function capDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Refuses, with a message naming credits, a reservation the balance or today's cap cannot take.
 * The guarded UPDATE in applyLedgerEntry stays the last word on the balance; this only explains.
 * `what` names the work in the message ("a comparison", "a draft").
 */
export async function checkSpend(tx: DbOrTx, ws: SpendingWorkspace, cost: number, dailyCap: number, now: Date, what: string): Promise<void> {
  refuseSpend(ws, cost, await creditsUsedSince(tx, ws.id, capDayStart(now)), dailyCap, what);
}

/**
 * `checkSpend` with today's spending already read (`used`, credits spent since `capDayStart`:
 * a run's creation reads it with the rest of what it decides on, in one statement).
 */
export function refuseSpend(ws: SpendingWorkspace, cost: number, used: number, dailyCap: number, what: string): void {
  if (used + cost > dailyCap) {
    throw new UserError(
      'daily_cap_reached',
      `This workspace has used ${used} of its ${dailyCap} credits for today (daily cap); ${what} needs ${cost} credits. The cap resets at 00:00 UTC.`,
    );
  }
  if (ws.balance < cost && isDirectMessage(ws)) {
    throw new UserError(
      'insufficient_credits',
      `Not enough credits: ${what} costs ${cost} credits and your DMs have ${ws.balance}. Direct messages get no free credits: run \`/listing\` in a server that has ListingLab (it spends the server's credits), or use \`buy\` to add credits to your DMs.`,
    );
  }
  if (ws.balance < cost) {
    throw new UserError('insufficient_credits', `Not enough credits: ${what} costs ${cost} credits and this workspace has ${ws.balance}. Use \`buy\` to top up.`);
  }
}
