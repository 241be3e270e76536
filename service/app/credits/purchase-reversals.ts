import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { lockPurchaseByPaymentIntent, updateReversalAccounting, type CheckoutSessionRow } from '../../db/repos/checkout-sessions.ts';
import { applyLedgerEntry, findLedgerEntry } from '../../db/repos/ledger.ts';
import { recordStripeEvent } from '../../db/repos/stripe-events.ts';
import { getWorkspace, lockWorkspace } from '../../db/repos/workspaces.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import type { Logger } from '../../logger.ts';
import { dollars, METADATA } from './checkout.ts';
import type { StripeEventLike } from './stripe-event.ts';

/**
 * Money taken back after a purchase → the purchase's credits taken back (PRODUCT.md "Credits":
 * never negative, every ledger write keyed). Two Stripe events:
 * - `charge.refunded` (a Charge, full or partial refund): `amount_refunded` is cumulative over the
 *   charge's refunds, so each event says how much of the payment has gone back so far;
 * - `charge.dispute.closed` with status `lost` (a Dispute): `amount` stays with the cardholder.
 * Both name the PaymentIntent, which the completed checkout recorded (checkout_sessions).
 *
 * Invariants, however often and in whatever order the events arrive, concurrently included:
 * - the event id is recorded once (stripe_events): a redelivery changes nothing;
 * - a purchase's refunds and disputes are decided one at a time under its row lock, against its
 *   accounting: the share of its credits that the money gone back stands for,
 *   floor(credits × min(paid, refunded + lost in disputes) / paid), is never more than the
 *   purchase, and each event only adds what its news raises that share by (an older refund state
 *   arriving late, or a dispute already counted, adds nothing);
 * - what an event adds is removed from the balance as far as the balance goes (credits already
 *   spent are not clawed back, and a later purchase never pays for an earlier one), as one ledger
 *   row keyed `reversal:<charge>:refunded:<cents>` or `reversal:<dispute>`;
 * - the workspace is told in the channel where `buy` was asked (notify_workspace, same transaction).
 *
 * @see https://docs.stripe.com/api/events/types#event_types-charge.refunded
 * @see https://docs.stripe.com/api/events/types#event_types-charge.dispute.closed
 */

export type ReversalOutcome = 'reversed' | 'already_reversed' | 'nothing_to_reverse' | 'duplicate' | 'ignored';

/** The events that can take a purchase back. */
export const REVERSING = new Set(['charge.refunded', 'charge.dispute.closed']);

/** A refund or a lost dispute of one of our purchases that arrived before its checkout was recorded as paid. */
export class PurchaseNotRecordedYet extends Error {}

/**
 * How long Stripe keeps redelivering an event it could not deliver (3 days in live mode): a
 * checkout completion still missing after this long after the charge will never come.
 * @see https://docs.stripe.com/webhooks#retries
 */
const STRIPE_REDELIVERY_S = 3 * 24 * 3600;

const ChargeSchema = z.object({
  id: z.string().min(1),
  object: z.literal('charge'),
  amount: z.number().int().positive(),
  amount_refunded: z.number().int().nonnegative(),
  created: z.number().int(),
  payment_intent: z.string().min(1).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

const DisputeSchema = z.object({
  id: z.string().min(1),
  object: z.literal('dispute'),
  amount: z.number().int().positive(),
  payment_intent: z.string().min(1).nullish(),
  status: z.string(),
});

type Claim =
  | { kind: 'refund'; chargeId: string; paymentIntent: string; paid: number; refunded: number; workspaceHint: string | undefined; chargedAt: number }
  | { kind: 'dispute'; disputeId: string; paymentIntent: string; amount: number };

/** What an event claims, or undefined when it takes nothing back from a purchase we can link. */
function claimOf(event: StripeEventLike): Claim | undefined {
  if (event.type === 'charge.refunded') {
    const c = ChargeSchema.safeParse(event.data.object);
    if (!c.success || !c.data.payment_intent) return undefined;
    return {
      kind: 'refund',
      chargeId: c.data.id,
      paymentIntent: c.data.payment_intent,
      paid: c.data.amount,
      refunded: Math.min(c.data.amount_refunded, c.data.amount),
      // A Charge carries a copy of its PaymentIntent's metadata, where our checkout put the workspace.
      workspaceHint: c.data.metadata?.[METADATA.workspaceId],
      chargedAt: c.data.created,
    };
  }
  const d = DisputeSchema.safeParse(event.data.object);
  // `won` and `warning_closed` leave the money with us.
  if (!d.success || !d.data.payment_intent || d.data.status !== 'lost') return undefined;
  return { kind: 'dispute', disputeId: d.data.id, paymentIntent: d.data.payment_intent, amount: d.data.amount };
}

export async function handleReversal(deps: { db: Db; logger: Logger }, event: StripeEventLike): Promise<ReversalOutcome> {
  const claim = claimOf(event);
  const log = deps.logger.child({ stripeEvent: event.id, type: event.type });
  if (!claim) return 'ignored';

  return deps.db.transaction(async (tx) => {
    const purchase = await lockPurchaseByPaymentIntent(tx, claim.paymentIntent);
    const credited = purchase ? await findLedgerEntry(tx, `purchase:${purchase.id}`) : undefined;
    const ours = purchase !== undefined || (claim.kind === 'refund' && claim.workspaceHint !== undefined && (await knownWorkspace(tx, claim.workspaceHint)));
    if (ours && !credited) {
      // Ours, but the checkout's own events may still be on their way (Stripe does not order
      // deliveries): answering 5xx makes Stripe deliver this again later, when there is a purchase
      // to take back. Acknowledging it now would lose the refund and credit the pack afterwards.
      // Not forever: once the checkout's events can no longer come, an operator has to act.
      const late = claim.kind === 'refund' && event.created !== undefined && event.created - claim.chargedAt > STRIPE_REDELIVERY_S;
      if (!late) {
        log.warn({ paymentIntent: claim.paymentIntent }, 'refund or dispute before its purchase was credited: Stripe will redeliver');
        throw new PurchaseNotRecordedYet(`no credited purchase for ${claim.paymentIntent} yet`);
      }
    }
    const fresh = await recordStripeEvent(tx, { eventId: event.id, type: event.type, sessionId: purchase?.id ?? null, workspaceId: purchase?.workspaceId ?? null });
    if (!fresh) return 'duplicate';
    if (!purchase || !credited) {
      if (ours) {
        log.error(
          { paymentIntent: claim.paymentIntent, workspaceId: purchase?.workspaceId ?? (claim.kind === 'refund' ? claim.workspaceHint : undefined) },
          'refund of one of our payments whose purchase was never recorded (bought before purchases were linked?): take the credits back by hand',
        );
      } else {
        log.info({ paymentIntent: claim.paymentIntent }, 'refund or dispute of a payment that is not one of our purchases: ignored');
      }
      return 'ignored';
    }
    const next = account(purchase, claim);
    if (!next) return 'already_reversed';
    const add = next.reversedCredits - purchase.reversedCredits;
    if (add === 0) {
      await updateReversalAccounting(tx, purchase.id, next);
      return 'nothing_to_reverse';
    }
    const ws = await lockWorkspace(tx, purchase.workspaceId);
    const remove = Math.min(add, ws.balance);
    const key = claim.kind === 'refund' ? `reversal:${claim.chargeId}:refunded:${claim.refunded}` : `reversal:${claim.disputeId}`;
    const r = await applyLedgerEntry(tx, { workspaceId: ws.id, amount: -remove, kind: 'reversal', idempotencyKey: key, note: noteFor(purchase, claim, next, add, remove) });
    if (!r.applied) return 'already_reversed';
    await updateReversalAccounting(tx, purchase.id, next);
    const channelId = purchase.channelId ?? ws.notifyChannel;
    if (channelId && ws.platform !== 'cli') {
      await enqueue(tx, 'notify_workspace', { workspaceId: ws.id, channelId, notice: 'reversal', ref: key }, { maxAttempts: 5 });
    }
    log.info({ workspaceId: ws.id, purchase: purchase.id, accounted: add, removed: remove, balance: r.balance }, 'purchase credits taken back');
    return 'reversed';
  });
}

async function knownWorkspace(tx: DbOrTx, id: string): Promise<boolean> {
  return z.uuid().safeParse(id).success && (await getWorkspace(tx, id)) !== undefined;
}

interface Accounting {
  readonly refundedCents: number;
  readonly disputedCents: number;
  readonly lostDisputes: readonly string[];
  readonly reversedCredits: number;
  readonly amountCents: number;
}

/** The purchase's accounting with this claim counted, or undefined when the claim is not news. */
function account(p: CheckoutSessionRow, claim: Claim): Accounting | undefined {
  let { refundedCents, disputedCents } = p;
  let lostDisputes: readonly string[] = p.lostDisputes;
  // The refund's ratio is amount_refunded / amount of its charge; a dispute's, of what was paid.
  const paid = claim.kind === 'refund' ? claim.paid : (p.amountCents ?? claim.amount);
  if (claim.kind === 'refund') {
    if (claim.refunded <= refundedCents) return undefined;
    refundedCents = claim.refunded;
  } else {
    if (lostDisputes.includes(claim.disputeId)) return undefined;
    lostDisputes = [...lostDisputes, claim.disputeId];
    disputedCents += claim.amount;
  }
  const back = Math.min(paid, refundedCents + disputedCents);
  const share = Math.min(p.credits, Math.floor((p.credits * back) / paid));
  return { refundedCents, disputedCents, lostDisputes, reversedCredits: Math.max(p.reversedCredits, share), amountCents: p.amountCents ?? paid };
}

const credits = (n: number) => `${n} credit${n === 1 ? '' : 's'}`;

/** The ledger line, also the notice the channel gets (with the balance appended). */
function noteFor(p: CheckoutSessionRow, claim: Claim, next: Accounting, add: number, remove: number): string {
  const what = p.pack ? `the ${p.pack} pack` : 'a credit pack';
  const cause =
    claim.kind === 'dispute'
      ? `The payment for ${what} was disputed and the dispute was lost`
      : claim.refunded >= claim.paid
        ? `The payment for ${what} was refunded`
        : `${dollars(next.refundedCents)} of the payment for ${what} was refunded`;
  if (remove === 0) return `${cause}: no credits were left to remove (all ${add} had already been used)`;
  const spent = add - remove;
  return `${cause}: ${credits(remove)} ${remove === 1 ? 'was' : 'were'} removed from this workspace${spent > 0 ? ` (the other ${spent} had already been used)` : ''}`;
}
