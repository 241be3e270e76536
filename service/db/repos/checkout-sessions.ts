import { and, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { checkoutSessions } from '../schema.ts';

export type CheckoutSessionRow = typeof checkoutSessions.$inferSelect;

/** A session `buy` just created at Stripe. */
export interface OpenedCheckout {
  readonly id: string;
  readonly workspaceId: string;
  readonly pack: string;
  readonly credits: number;
  readonly channelId: string | null;
  readonly requestedBy: string;
  readonly url: string;
  readonly expiresAt: Date;
}

/** Records a session `buy` created; a second record of the same session (Stripe's idempotent replay) changes nothing. */
export async function recordOpenedCheckout(db: DbOrTx, c: OpenedCheckout): Promise<void> {
  await db.insert(checkoutSessions).values(c).onConflictDoNothing({ target: checkoutSessions.id });
}

/**
 * The newest session of this workspace for this pack that can still be paid: not completed, and
 * open past `openUntil` (so a link handed out again does not expire while the buyer pays).
 */
export async function findOpenCheckout(db: DbOrTx, workspaceId: string, pack: string, openUntil: Date): Promise<{ id: string; url: string } | undefined> {
  const [row] = await db
    .select({ id: checkoutSessions.id, url: checkoutSessions.url })
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.workspaceId, workspaceId),
        eq(checkoutSessions.pack, pack),
        isNull(checkoutSessions.completedAt),
        isNotNull(checkoutSessions.url),
        gt(checkoutSessions.expiresAt, openUntil),
      ),
    )
    .orderBy(desc(checkoutSessions.expiresAt))
    .limit(1);
  return row?.url ? { id: row.id, url: row.url } : undefined;
}

/** What a completed Checkout session tells us about the purchase. */
export interface CompletedCheckout {
  readonly id: string;
  readonly workspaceId: string;
  readonly pack: string | null;
  readonly credits: number;
  readonly channelId: string | null;
  readonly paymentIntent: string | null;
  readonly amountCents: number | null;
}

/**
 * Records that a session completed (paid or not yet: an async payment), with its PaymentIntent.
 * Creates the row when the session was never recorded; otherwise keeps the first completion time
 * and fills what was missing. Idempotent: every redelivery writes the same thing.
 */
export async function recordCompletedCheckout(tx: DbOrTx, c: CompletedCheckout): Promise<void> {
  await tx
    .insert(checkoutSessions)
    .values({ ...c, completedAt: sql`now()` })
    .onConflictDoUpdate({
      target: checkoutSessions.id,
      set: {
        completedAt: sql`coalesce(${checkoutSessions.completedAt}, now())`,
        paymentIntent: sql`coalesce(${checkoutSessions.paymentIntent}, excluded.payment_intent)`,
        amountCents: sql`coalesce(${checkoutSessions.amountCents}, excluded.amount_cents)`,
        channelId: sql`coalesce(${checkoutSessions.channelId}, excluded.channel_id)`,
      },
    });
}

/**
 * The purchase paid with this PaymentIntent, its row locked for the rest of the transaction:
 * every refund or dispute of one purchase is decided one at a time, on the latest accounting.
 * Lock order: this row, then the workspace row (the ledger write).
 */
export async function lockPurchaseByPaymentIntent(tx: DbOrTx, paymentIntent: string): Promise<CheckoutSessionRow | undefined> {
  const [row] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.paymentIntent, paymentIntent)).for('update');
  return row;
}

export async function updateReversalAccounting(
  tx: DbOrTx,
  id: string,
  a: { refundedCents: number; disputedCents: number; lostDisputes: readonly string[]; reversedCredits: number; amountCents: number | null },
): Promise<void> {
  await tx
    .update(checkoutSessions)
    .set({ refundedCents: a.refundedCents, disputedCents: a.disputedCents, lostDisputes: [...a.lostDisputes], reversedCredits: a.reversedCredits, amountCents: a.amountCents })
    .where(eq(checkoutSessions.id, id));
}
