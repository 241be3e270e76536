import type { DbOrTx } from '../client.ts';
import { stripeEvents } from '../schema.ts';

/**
 * Records a Stripe event id once (primary key). False when it was already recorded: a redelivery.
 * Concurrent deliveries of one event: the second insert waits for the first transaction and then
 * finds the row, so exactly one of them proceeds.
 */
export async function recordStripeEvent(
  tx: DbOrTx,
  event: { eventId: string; type: string; sessionId: string | null; workspaceId: string | null },
): Promise<boolean> {
  const inserted = await tx.insert(stripeEvents).values(event).onConflictDoNothing({ target: stripeEvents.eventId }).returning({ id: stripeEvents.eventId });
  return inserted.length === 1;
}
