import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { recordCompletedCheckout } from '../../db/repos/checkout-sessions.ts';
import { applyLedgerEntry } from '../../db/repos/ledger.ts';
import { recordStripeEvent } from '../../db/repos/stripe-events.ts';
import { getWorkspace } from '../../db/repos/workspaces.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import type { Logger } from '../../logger.ts';
import { METADATA } from './checkout.ts';
import { handleReversal, REVERSING, type ReversalOutcome } from './purchase-reversals.ts';
import type { StripeEventLike } from './stripe-event.ts';

/**
 * Stripe events → credits (PRODUCT.md "Credits": credited exactly once, a confirmation in the
 * channel). The event's signature was verified over the raw body before it got here.
 *
 * Exactly once, however often and in whatever order the events arrive, concurrently included:
 * - the event id is recorded once (stripe_events primary key) — a redelivery changes nothing;
 * - the credit is a ledger row keyed `purchase:<checkout session id>` — `completed` (paid) and
 *   `async_payment_succeeded` for the same session credit it once between them;
 * - both writes and the confirmation job share one transaction.
 * The completed session is recorded with its PaymentIntent, so that a later refund or lost dispute
 * (purchase-reversals.ts) takes this purchase's credits back.
 *
 * @see https://docs.stripe.com/checkout/fulfillment
 */

export type StripeEventOutcome = 'credited' | 'already_credited' | 'duplicate' | 'not_paid' | 'ignored' | ReversalOutcome;

/** Events that can pay for a session; anything else is acknowledged and ignored. */
const PAYING = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

const SessionSchema = z.object({
  id: z.string().min(1),
  object: z.literal('checkout.session'),
  payment_status: z.string(),
  /** A payment-mode session's PaymentIntent id: what later refunds and disputes name. */
  payment_intent: z.string().min(1).nullish(),
  amount_total: z.number().int().nullish(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

interface Purchase {
  readonly sessionId: string;
  readonly workspaceId: string;
  readonly credits: number;
  readonly pack: string | null;
  readonly channelId: string | null;
}

/** Our sessions name the workspace twice (client_reference_id and metadata) and the credits sold. */
function purchaseOf(session: z.infer<typeof SessionSchema>): Purchase | undefined {
  const md = session.metadata ?? {};
  const workspaceId = md[METADATA.workspaceId];
  const credits = Number(md[METADATA.credits]);
  if (!workspaceId || !z.uuid().safeParse(workspaceId).success) return undefined;
  if (session.client_reference_id && session.client_reference_id !== workspaceId) return undefined;
  if (!Number.isSafeInteger(credits) || credits <= 0) return undefined;
  return { sessionId: session.id, workspaceId, credits, pack: md[METADATA.pack] ?? null, channelId: md[METADATA.channelId] ?? null };
}

export async function handleStripeEvent(deps: { db: Db; logger: Logger }, event: StripeEventLike): Promise<StripeEventOutcome> {
  if (REVERSING.has(event.type)) return handleReversal(deps, event);
  if (!PAYING.has(event.type)) return 'ignored';
  const parsed = SessionSchema.safeParse(event.data.object);
  const purchase = parsed.success ? purchaseOf(parsed.data) : undefined;
  const log = deps.logger.child({ stripeEvent: event.id, type: event.type });

  return deps.db.transaction(async (tx) => {
    const ws = purchase ? await getWorkspace(tx, purchase.workspaceId) : undefined;
    const fresh = await recordStripeEvent(tx, {
      eventId: event.id,
      type: event.type,
      sessionId: parsed.success ? parsed.data.id : null,
      workspaceId: ws?.id ?? null,
    });
    if (!fresh) return 'duplicate';
    if (!parsed.success || !purchase) {
      log.warn('checkout session without our metadata: ignored');
      return 'ignored';
    }
    if (!ws) {
      // Paid for a workspace we no longer have: an operator must refund or grant by hand.
      log.error({ sessionId: purchase.sessionId, workspaceId: purchase.workspaceId }, 'checkout session for an unknown workspace: not credited');
      return 'ignored';
    }
    await recordCompletedCheckout(tx, {
      id: purchase.sessionId,
      workspaceId: ws.id,
      pack: purchase.pack,
      credits: purchase.credits,
      channelId: purchase.channelId,
      paymentIntent: parsed.data.payment_intent ?? null,
      amountCents: parsed.data.amount_total ?? null,
    });
    // `completed` with an async payment method (bank debit…) is not paid yet: the later
    // `async_payment_succeeded` event credits it.
    if (parsed.data.payment_status !== 'paid') return 'not_paid';
    const r = await applyLedgerEntry(tx, {
      workspaceId: ws.id,
      amount: purchase.credits,
      kind: 'purchase',
      idempotencyKey: `purchase:${purchase.sessionId}`,
      note: `${purchase.pack ? `${purchase.pack} pack` : 'credit pack'} bought with Stripe Checkout`,
    });
    if (!r.applied) return 'already_credited';
    const channelId = purchase.channelId ?? ws.notifyChannel;
    if (channelId && ws.platform !== 'cli') {
      await enqueue(tx, 'notify_workspace', { workspaceId: ws.id, channelId, notice: 'purchase', ref: purchase.sessionId }, { maxAttempts: 5 });
    }
    log.info({ workspaceId: ws.id, credits: purchase.credits, balance: r.balance }, 'credits purchased');
    return 'credited';
  });
}
