import type { Db } from '../../db/client.ts';
import { countHit } from '../../db/repos/rate-limits.ts';
import type { WorkspaceRef } from '../../domain/workspace.ts';
import { UserError } from '../../domain/errors.ts';

/**
 * How often the commands that cost the asker nothing may be asked: `buy` (each may create a Stripe
 * Checkout session) and the ones that read the database (`credits`, `history`, `status`,
 * `experiment list|show`). Counted in Postgres, not in memory: fly.toml runs a web process group
 * that may scale, and a per-process count would multiply the limit by the number of machines.
 * `help` is static text and is not counted.
 */

export interface BuyLimit {
  readonly perUser: number;
  readonly perWorkspace: number;
  readonly windowSeconds: number;
}

/**
 * Counts this request against the asker's and the workspace's limits (the user's first, so one
 * eager user cannot use up the workspace's allowance beyond their own) and refuses it privately,
 * with the wait, when either is exceeded. Keys name the platform's ids, so nothing else is read or
 * written before the decision.
 */
export function admitBuy(db: Db, ref: WorkspaceRef, userId: string, now: number, limit: BuyLimit): Promise<void> {
  return admit(db, 'buy', '`buy`', ref, userId, now, limit);
}

/** `credits`, `history`, `status`, `experiment list|show`: one shared allowance per user and per workspace. */
export function admitFreeCommand(db: Db, ref: WorkspaceRef, userId: string, now: number, limit: BuyLimit): Promise<void> {
  return admit(db, 'free', 'free', ref, userId, now, limit);
}

async function admit(db: Db, kind: string, label: string, ref: WorkspaceRef, userId: string, now: number, limit: BuyLimit): Promise<void> {
  const windowMs = limit.windowSeconds * 1000;
  const at = new Date(now);
  const workspace = `${ref.platform}:${ref.externalId}`;
  const user = await countHit(db, `${kind}:user:${workspace}:${userId}`, at, windowMs);
  if (user.hits > limit.perUser) throw refusal(label, 'from you', user.windowStart, windowMs, now);
  const team = await countHit(db, `${kind}:workspace:${workspace}`, at, windowMs);
  if (team.hits > limit.perWorkspace) throw refusal(label, 'in this workspace', team.windowStart, windowMs, now);
}

function refusal(label: string, who: string, windowStart: Date, windowMs: number, now: number): UserError {
  const wait = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
  return new UserError('rate_limited', `Too many ${label} requests ${who}: try again in ${wait} second${wait === 1 ? '' : 's'}.`);
}
