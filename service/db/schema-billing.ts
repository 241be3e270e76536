import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tsz } from './schema-columns.ts';
import { runs, workspaces } from './schema-core.ts';

/** Credits and billing: the ledger, Stripe events, Checkout sessions, rate limits (the entry is schema.ts). */

/** `reversal`: credits of a purchase taken back after Stripe refunded its payment or lost a dispute over it. */
export const LEDGER_KINDS = ['signup', 'reserve', 'refund', 'settle', 'purchase', 'grant', 'reclaim', 'reversal'] as const;

export const creditLedger = pgTable(
  'credit_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Signed: negative spends, positive credits. */
    amount: integer('amount').notNull(),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key').notNull(),
    note: text('note'),
    createdAt: tsz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_ledger_idempotency_uq').on(t.idempotencyKey),
    index('credit_ledger_workspace_idx').on(t.workspaceId, t.createdAt),
  ],
);

export const stripeEvents = pgTable('stripe_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  sessionId: text('session_id'),
  workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'set null' }),
  receivedAt: tsz('received_at').notNull().defaultNow(),
});

/**
 * A Stripe Checkout session of ours, recorded when `buy` creates it (its link is handed out again
 * for the same workspace + pack while it is open) or, at the latest, when it completes: what it
 * sold and the PaymentIntent Stripe paid it with — what links a later refund (`charge.refunded`,
 * a Charge) or a lost dispute (`charge.dispute.closed`, a Dispute) back to this purchase. Both only name the
 * PaymentIntent and the charge, never the session.
 *
 * Reversal accounting, changed only under this row's lock: `refunded_cents` is the highest
 * cumulative `amount_refunded` seen, `lost_disputes` the disputes lost, and `reversed_credits` how
 * many of the purchase's credits those account for so far (removed, or already spent when the
 * money went back) — never more than `credits`.
 */
export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    /** Stripe's Checkout Session id (`cs_…`). */
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    pack: text('pack'),
    credits: integer('credits').notNull(),
    /** Where `buy` was asked: purchase and reversal notices go there. */
    channelId: text('channel_id'),
    /** Who asked for it (the platform's user id). */
    requestedBy: text('requested_by'),
    /** The Checkout link handed out, and when Stripe expires it: reused while open (`buy`). */
    url: text('url'),
    expiresAt: tsz('expires_at'),
    /** The PaymentIntent of a payment-mode session (`pi_…`), once Stripe has one. */
    paymentIntent: text('payment_intent'),
    /** What was paid (the session's amount_total), in cents. */
    amountCents: integer('amount_cents'),
    refundedCents: integer('refunded_cents').notNull().default(0),
    lostDisputes: text('lost_disputes').array().notNull().default(sql`'{}'::text[]`),
    disputedCents: integer('disputed_cents').notNull().default(0),
    reversedCredits: integer('reversed_credits').notNull().default(0),
    createdAt: tsz('created_at').notNull().defaultNow(),
    completedAt: tsz('completed_at'),
  },
  (t) => [
    uniqueIndex('checkout_sessions_payment_intent_uq').on(t.paymentIntent),
    index('checkout_sessions_workspace_idx').on(t.workspaceId, t.createdAt),
    index('checkout_sessions_open_idx').on(t.workspaceId, t.pack, t.expiresAt),
    check('checkout_sessions_reversed_within_purchase', sql`${t.reversedCredits} between 0 and ${t.credits}`),
  ],
);

/**
 * Fixed-window request counters (`buy` per user and per workspace): one row per key, counted with
 * one atomic upsert, so every web process shares the count. A row whose window has passed starts
 * over at its next hit.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: tsz('window_start').notNull(),
  hits: integer('hits').notNull(),
});
