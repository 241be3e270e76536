import { UserError } from '../../domain/errors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { creditsUsedSince } from '../../db/repos/ledger.ts';
import { isDirectMessage, type WorkspaceRef } from '../../domain/workspace.ts';

/**
 * Refuses, with a message naming credits, a reservation the balance or today's cap cannot take.
 * The guarded UPDATE in applyLedgerEntry stays the last word on the balance; this only explains.
 * `what` names the work in the message ("a comparison", "a draft").
 */
export async function checkSpend(
  tx: DbOrTx,
  ws: { id: string; balance: number } & Pick<WorkspaceRef, 'platform' | 'externalId'>,
  cost: number,
  dailyCap: number,
  now: Date,
  what: string,
): Promise<void> {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const used = await creditsUsedSince(tx, ws.id, dayStart);
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
