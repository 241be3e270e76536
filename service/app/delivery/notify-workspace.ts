import type { Db } from '../../db/client.ts';
import { findLedgerEntry } from '../../db/repos/ledger.ts';
import { getWorkspace } from '../../db/repos/workspaces.ts';
import type { TaskPayload } from '../../jobs/payloads.ts';
import type { Logger } from '../../logger.ts';
import { DeliveryRefused, type MessageSink, type Sinks } from './message-sink.ts';

/**
 * The `notify_workspace` task: a notice in a workspace channel, outside any run (a purchase
 * confirmation, credits taken back after a refund), rendered from the database when the task runs
 * and handed to the platform's sink.
 * A crash between the post and the job's completion can repeat the post (no chat API takes an
 * idempotency key); the credit itself never repeats.
 */
export async function notifyWorkspace(deps: { db: Db; sinks: Sinks; logger: Logger }, p: TaskPayload<'notify_workspace'>): Promise<void> {
  const ws = await getWorkspace(deps.db, p.workspaceId);
  if (!ws || ws.platform === 'cli' || ws.deletedAt) return;
  const sink = deps.sinks[ws.platform] as MessageSink | undefined;
  if (!sink) {
    deps.logger.warn({ workspaceId: ws.id, platform: ws.platform }, 'no sink configured for this platform: notice not posted');
    return;
  }
  const text = await render(deps.db, p, ws.balance);
  if (!text) return;
  try {
    await sink.postNotice(ws.externalId, p.channelId, text);
  } catch (e) {
    // The bot cannot post there (not invited, removed): retrying will not help; the credit stands.
    if (!(e instanceof DeliveryRefused)) throw e;
    deps.logger.warn({ workspaceId: ws.id, reason: e.reason }, 'notice refused by the platform');
  }
}

async function render(db: Db, p: TaskPayload<'notify_workspace'>, balance: number): Promise<string | undefined> {
  switch (p.notice) {
    case 'purchase': {
      const entry = await findLedgerEntry(db, `purchase:${p.ref}`);
      if (!entry) return undefined;
      return `Thanks! ${entry.amount} credits were added to this workspace. Balance: ${balance} credits.`;
    }
    case 'reversal': {
      // The ledger line says what happened and what was removed (service/app/credits/purchase-reversals.ts).
      const entry = await findLedgerEntry(db, p.ref);
      if (!entry?.note) return undefined;
      return `${entry.note}. Balance: ${balance} credits.`;
    }
  }
}
