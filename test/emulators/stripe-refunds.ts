import { randomBytes } from 'node:crypto';
import { checkoutEvent, type CheckoutSession } from './stripe.ts';

/**
 * Webhook events that take money back after a Checkout purchase: `charge.refunded` (a Charge) and
 * `charge.dispute.closed` (a Dispute), plus a paid `checkout.session.completed` that carries the
 * session's PaymentIntent (what links a later charge or dispute back to the purchase).
 *
 * Sources of the shapes:
 * - Charge: stripe/openapi `openapi/fixtures3.json` resources["charge"] (commit f6c2a48f) — the
 *   fields below keep its names and types; `amount_refunded` is cumulative over the charge's
 *   refunds ("can be less than the amount attribute on the charge if a partial refund was
 *   issued", stripe-node types/Charges.d.ts), `refunded` is true only when fully refunded, and
 *   `payment_intent` is the PaymentIntent id. A Charge created by a PaymentIntent carries a copy of
 *   the PaymentIntent's metadata (support.stripe.com "How metadata works with related objects").
 * - Dispute: stripe/openapi `openapi/fixtures3.json` resources["dispute"] (same commit) and the
 *   `POST /v1/disputes/:id/close` response in docs.stripe.com/api/disputes/close (status `lost`);
 *   `charge.dispute.closed` fires when the status becomes `lost`, `won` or `warning_closed`.
 * - Event envelope: the same fields as ./stripe.ts `checkoutEvent` (fixtures3 resources["event"]);
 *   a `charge.refunded` event also has `data.previous_attributes`.
 */

const API_VERSION = '2025-01-27.acacia';
const now = () => Math.floor(Date.now() / 1000);
const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function envelope(type: string, object: Record<string, unknown>, opts: { eventId?: string | undefined; previous?: Record<string, unknown> | undefined }): Record<string, unknown> {
  return {
    id: opts.eventId ?? rid('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: now(),
    data: { object, ...(opts.previous ? { previous_attributes: opts.previous } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: rid('req'), idempotency_key: null },
    type,
  };
}

/** A fresh PaymentIntent id, as Checkout creates one for a payment-mode session. */
export const newPaymentIntentId = () => rid('pi');
export const newChargeId = () => rid('ch');

/**
 * `checkout.session.completed` (paid) for a session the emulator created, with the PaymentIntent
 * Checkout attached to it (fixtures3 resources["checkout.session"] has `payment_intent: "pi_…"`).
 */
export function paidCheckoutEvent(session: CheckoutSession, paymentIntent: string, opts: { eventId?: string; type?: string } = {}): Record<string, unknown> {
  return checkoutEvent({ ...session, payment_intent: paymentIntent }, { paymentStatus: 'paid', ...opts });
}

export interface RefundedCharge {
  readonly paymentIntent: string | null;
  /** The charge's amount in cents (the session's amount_total). */
  readonly amount: number;
  /** Cumulative cents refunded so far on this charge. */
  readonly amountRefunded: number;
  readonly chargeId?: string;
  /** The charge's metadata (a copy of the PaymentIntent's: ours carries workspace_id, pack, credits). */
  readonly metadata?: Record<string, string>;
  /** When the charge was made (seconds since the epoch; default an hour ago). */
  readonly created?: number;
  readonly eventId?: string;
}

/** `charge.refunded`: occurs whenever a charge is refunded, including partial refunds. */
export function chargeRefundedEvent(c: RefundedCharge): Record<string, unknown> {
  const id = c.chargeId ?? newChargeId();
  const charge = {
    id,
    object: 'charge',
    amount: c.amount,
    amount_captured: c.amount,
    amount_refunded: c.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: rid('txn'),
    billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: 'Jenny Rosen', phone: null, tax_id: null },
    calculated_statement_descriptor: 'LISTINGLAB',
    captured: true,
    created: c.created ?? now() - 3600,
    currency: 'usd',
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: c.metadata ?? {},
    on_behalf_of: null,
    outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    payment_intent: c.paymentIntent,
    payment_method: rid('pm'),
    payment_method_details: { card: { brand: 'visa', country: 'US', exp_month: 8, exp_year: 2030, funding: 'credit', last4: '4242', network: 'visa' }, type: 'card' },
    receipt_email: null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${id}`,
    refunded: c.amountRefunded >= c.amount,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
  return envelope('charge.refunded', charge, { eventId: c.eventId, previous: { amount_refunded: 0, refunded: false } });
}

export interface ClosedDispute {
  readonly paymentIntent: string | null;
  readonly charge: string;
  /** Disputed cents: usually the charge's amount. */
  readonly amount: number;
  readonly status: 'lost' | 'won' | 'warning_closed';
  readonly disputeId?: string;
  readonly eventId?: string;
}

/** `charge.dispute.closed`: a dispute ended (`lost`: the funds stay with the cardholder). */
export function disputeClosedEvent(d: ClosedDispute): Record<string, unknown> {
  const dispute = {
    id: d.disputeId ?? rid('du'),
    object: 'dispute',
    amount: d.amount,
    balance_transactions: [],
    charge: d.charge,
    created: now() - 86_400,
    currency: 'usd',
    evidence: { customer_email_address: null, customer_name: null, product_description: null, uncategorized_text: null },
    evidence_details: { due_by: now() + 86_400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: d.paymentIntent,
    payment_method_details: { card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4' }, type: 'card' },
    reason: 'general',
    status: d.status,
  };
  return envelope('charge.dispute.closed', dispute, {});
}
