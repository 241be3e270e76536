import { eq, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { dispatch, type CommandContext } from '../../bots/shared/dispatch.ts';
import { notifyWorkspace } from '../../service/app/delivery/index.ts';
import { applyLedgerEntry } from '../../service/db/repos/ledger.ts';
import { stripeEvents } from '../../service/db/schema.ts';
import { signedDelivery, type CheckoutSession } from '../emulators/stripe.ts';
import { chargeRefundedEvent, disputeClosedEvent, newChargeId, newPaymentIntentId, paidCheckoutEvent } from '../emulators/stripe-refunds.ts';
import { recordingNoticeSink, startStripeHarness } from '../support/stripe-harness.ts';
import { balanceOf, expectLedgerConsistent, ledgerRows, slack, slackOrigin } from '../support/credits.ts';

/**
 * Money taken back after a purchase (issue 16): a Stripe refund (`charge.refunded`, full or
 * partial) or a lost dispute (`charge.dispute.closed`, status `lost`) removes that purchase's
 * credits that are left — never below zero, never more than the purchase, once per event however
 * it is delivered — and the workspace is told in the channel.
 */

const SECRET_KEY = 'sk_test_emulated_refunds';
const WEBHOOK_SECRET = 'whsec_emulated_refunds';
const { tdb, db, emulator, logger, lines, app, http } = await startStripeHarness({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });

const ctx = (teamId: string, userId = 'U0BUYER'): CommandContext => ({ workspace: slack(teamId), origin: slackOrigin(teamId, 'C0BILLING'), requestKey: `trigger-${teamId}-${Math.random()}`, userId });
const outcome = (r: { json: () => unknown }) => (r.json() as { outcome: string }).outcome;
const deliver = (event: unknown) => {
  const { body, signature } = signedDelivery(event, WEBHOOK_SECRET);
  return http.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, payload: body });
};

interface Bought {
  readonly session: CheckoutSession;
  readonly workspaceId: string;
  readonly paymentIntent: string;
  readonly chargeId: string;
  /** What the charge's metadata holds: a copy of the PaymentIntent's (ours). */
  readonly metadata: Record<string, string>;
}

/** `buy` and a paid checkout: 30 free + the pack's credits. */
async function purchase(teamId: string, pack?: string): Promise<Bought> {
  const reply = await dispatch(pack ? { name: 'buy', pack } : { name: 'buy' }, ctx(teamId), app);
  if (reply.kind !== 'checkout') throw new Error(`expected a checkout reply, got ${JSON.stringify(reply)}`);
  const session = emulator.checkouts.at(-1)!.session;
  const paymentIntent = newPaymentIntentId();
  expect(outcome(await deliver(paidCheckoutEvent(session, paymentIntent)))).toBe('credited');
  return { session, workspaceId: session.client_reference_id!, paymentIntent, chargeId: newChargeId(), metadata: session.metadata };
}

const refund = (b: Bought, amountRefunded: number, extra: { eventId?: string } = {}) =>
  chargeRefundedEvent({ paymentIntent: b.paymentIntent, chargeId: b.chargeId, amount: b.session.amount_total, amountRefunded, metadata: b.metadata, ...extra });

const lostDispute = (b: Bought, amount = b.session.amount_total, extra: { disputeId?: string; status?: 'lost' | 'won' | 'warning_closed' } = {}) =>
  disputeClosedEvent({ paymentIntent: b.paymentIntent, charge: b.chargeId, amount, status: extra.status ?? 'lost', ...(extra.disputeId ? { disputeId: extra.disputeId } : {}) });

/** Spends credits the way a run does (a ledger row), leaving `left`. */
async function spendDownTo(workspaceId: string, left: number): Promise<void> {
  const balance = await balanceOf(db, workspaceId);
  await applyLedgerEntry(db, { workspaceId, amount: left - balance, kind: 'reserve', idempotencyKey: `test-spend:${workspaceId}:${balance}` });
}

async function reversalNotices(workspaceId: string): Promise<{ workspaceId: string; channelId: string; notice: string; ref: string }[]> {
  const rows = await tdb.sql<{ payload: { workspaceId: string; channelId: string; notice: string; ref: string } }[]>`
    select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'notify_workspace' and j.payload->>'workspaceId' = ${workspaceId} and j.payload->>'notice' = 'reversal'
    order by j.id`;
  return rows.map((r) => r.payload);
}

/** Runs the notify_workspace task for a payload and returns what was posted. */
async function posted(payload: { workspaceId: string; channelId: string; notice: string; ref: string }): Promise<string[][]> {
  const out: string[][] = [];
  const sink = recordingNoticeSink(out);
  await notifyWorkspace({ db, sinks: { slack: sink }, logger }, payload as Parameters<typeof notifyWorkspace>[1]);
  return out;
}

describe('checkout.session.completed remembers the PaymentIntent', () => {
  test('the purchase is linked to its PaymentIntent', async () => {
    const b = await purchase('TLINK');
    const [row] = await db.execute<{ payment_intent: string; completed: boolean }>(
      sql`select payment_intent, completed_at is not null as completed from checkout_sessions where id = ${b.session.id}`,
    );
    expect(row).toEqual({ payment_intent: b.paymentIntent, completed: true });
  });
});

describe('charge.refunded', () => {
  test('a full refund removes the purchase, once, however often and concurrently it is delivered; the channel is told', async () => {
    const b = await purchase('TREFUND');
    expect(await balanceOf(db, b.workspaceId)).toBe(130);
    const event = refund(b, 900);
    expect(outcome(await deliver(event))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(30);

    const again = [await deliver(event), ...(await Promise.all([deliver(event), deliver(event), deliver(event)])), await deliver(event)];
    expect(again.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(again.map(outcome)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    // The same refund state in another event (Stripe may send more than one): nothing more.
    expect(outcome(await deliver(refund(b, 900)))).toBe('already_reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(30);
    const rows = await ledgerRows(db, b.workspaceId, 'reversal');
    expect(rows.map((r) => r.amount)).toEqual([-100]);

    const notices = await reversalNotices(b.workspaceId);
    expect(notices).toHaveLength(1);
    expect(await posted(notices[0]!)).toEqual([['TREFUND', 'C0BILLING', 'The payment for the starter pack was refunded: 100 credits were removed from this workspace. Balance: 30 credits.']]);
    const credits = await dispatch({ name: 'credits' }, ctx('TREFUND'), app);
    expect(credits.kind === 'credits' && credits.text).toMatch(/-100 {2}reversal — The payment for the starter pack was refunded/);
    await expectLedgerConsistent(db);
  });

  test('5 first deliveries at once remove once', async () => {
    const b = await purchase('TRACEREFUND', 'team');
    const event = refund(b, 3900);
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map(outcome).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'reversed']);
    expect(await balanceOf(db, b.workspaceId)).toBe(30);
    expect(await reversalNotices(b.workspaceId)).toHaveLength(1);
  });

  test('partial refunds remove in proportion (amount_refunded / amount, cumulative); an older state arriving late changes nothing', async () => {
    const b = await purchase('TPARTIAL');
    const half = refund(b, 450);
    expect(outcome(await deliver(half))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(80);
    // Two different refund events delivered at once: the cumulative state wins, nothing twice.
    const [r1, r2] = await Promise.all([deliver(refund(b, 675)), deliver(refund(b, 900))]);
    expect([outcome(r1), outcome(r2)].sort()).toEqual(expect.arrayContaining(['reversed']));
    expect(await balanceOf(db, b.workspaceId)).toBe(30);
    expect(outcome(await deliver(refund(b, 450)))).toBe('already_reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(30);
    const removed = (await ledgerRows(db, b.workspaceId, 'reversal')).reduce((s, r) => s - r.amount, 0);
    expect(removed).toBe(100);
    const [first] = await reversalNotices(b.workspaceId);
    expect((await posted(first!))[0]![2]).toBe('$4.50 of the payment for the starter pack was refunded: 50 credits were removed from this workspace. Balance: 30 credits.');
    await expectLedgerConsistent(db);
  });

  test('credits already spent are not taken below zero; the notice says so', async () => {
    const b = await purchase('TSPENT');
    await spendDownTo(b.workspaceId, 10);
    expect(outcome(await deliver(refund(b, 900)))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(0);
    const [notice] = await reversalNotices(b.workspaceId);
    expect((await posted(notice!))[0]![2]).toBe(
      'The payment for the starter pack was refunded: 10 credits were removed from this workspace (the other 90 had already been used). Balance: 0 credits.',
    );
    await expectLedgerConsistent(db);
  });

  test('a refund we cannot link to a purchase: acknowledged and ignored', async () => {
    const foreign = chargeRefundedEvent({ paymentIntent: newPaymentIntentId(), amount: 2000, amountRefunded: 2000 });
    const r = await deliver(foreign);
    expect(r.statusCode).toBe(200);
    expect(outcome(r)).toBe('ignored');
    const noIntent = chargeRefundedEvent({ paymentIntent: null, amount: 2000, amountRefunded: 500 });
    expect(outcome(await deliver(noIntent))).toBe('ignored');
  });

  test('a refund of our charge that arrives before its checkout was recorded is refused (Stripe redelivers), then applied', async () => {
    const reply = await dispatch({ name: 'buy', pack: 'agency' }, ctx('TEARLY'), app);
    expect(reply.kind).toBe('checkout');
    const session = emulator.checkouts.at(-1)!.session;
    const b: Bought = { session, workspaceId: session.client_reference_id!, paymentIntent: newPaymentIntentId(), chargeId: newChargeId(), metadata: session.metadata };
    const early = refund(b, 12900);
    const first = await deliver(early);
    expect(first.statusCode).toBe(500);
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.eventId, (early as { id: string }).id))).toHaveLength(0);
    expect(outcome(await deliver(paidCheckoutEvent(session, b.paymentIntent)))).toBe('credited');
    expect(await balanceOf(db, b.workspaceId)).toBe(2030);
    expect(outcome(await deliver(early))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(30);
    await expectLedgerConsistent(db);
  });
  test('a refund of our charge whose purchase was never linked (bought before the link existed) is acknowledged for an operator once Stripe has stopped redelivering the checkout', async () => {
    const reply = await dispatch({ name: 'buy' }, ctx('TUNLINKED'), app);
    expect(reply.kind).toBe('checkout');
    const session = emulator.checkouts.at(-1)!.session;
    const workspaceId = session.client_reference_id!;
    // Credited the way it was before purchases were linked: a ledger row, no PaymentIntent kept.
    await applyLedgerEntry(db, { workspaceId, amount: 100, kind: 'purchase', idempotencyKey: `purchase:${session.id}` });
    const fourDaysAgo = Math.floor(Date.now() / 1000) - 4 * 86_400;
    const old = chargeRefundedEvent({ paymentIntent: newPaymentIntentId(), amount: 900, amountRefunded: 900, metadata: session.metadata, created: fourDaysAgo });
    const r = await deliver(old);
    expect(r.statusCode).toBe(200);
    expect(outcome(r)).toBe('ignored');
    expect(lines().some((l) => l.includes('take the credits back by hand'))).toBe(true);
    expect(await balanceOf(db, workspaceId)).toBe(130);
  });
});

describe('charge.dispute.closed', () => {
  test('a lost dispute removes the purchase once (5 deliveries, some concurrent); won and warning_closed remove nothing', async () => {
    const b = await purchase('TDISPUTE');
    expect(outcome(await deliver(lostDispute(b, 900, { status: 'won' })))).toBe('ignored');
    expect(outcome(await deliver(lostDispute(b, 900, { status: 'warning_closed' })))).toBe('ignored');
    expect(await balanceOf(db, b.workspaceId)).toBe(130);

    const event = lostDispute(b);
    const results = [await deliver(event), ...(await Promise.all([deliver(event), deliver(event), deliver(event)])), await deliver(event)];
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map(outcome)).toEqual(['reversed', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await balanceOf(db, b.workspaceId)).toBe(30);
    const [notice] = await reversalNotices(b.workspaceId);
    expect((await posted(notice!))[0]![2]).toBe('The payment for the starter pack was disputed and the dispute was lost: 100 credits were removed from this workspace. Balance: 30 credits.');
    await expectLedgerConsistent(db);
  });

  test('a refund followed by a lost dispute on the same charge never removes more than the purchase', async () => {
    const b = await purchase('TBOTH');
    expect(outcome(await deliver(refund(b, 450)))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(80);
    // A second pack bought meanwhile must not pay for the first one's dispute beyond its size.
    await purchase('TBOTH', 'team');
    expect(await balanceOf(db, b.workspaceId)).toBe(580);
    const firstDispute = 'du_1MtJUT2eZvKYlo2CNaw2HvEv';
    expect(outcome(await deliver(lostDispute(b, 900, { disputeId: firstDispute })))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(530);
    // The same dispute in another event, a second dispute, a later full refund: nothing more.
    expect(outcome(await deliver(lostDispute(b, 900, { disputeId: firstDispute })))).toBe('already_reversed');
    expect(outcome(await deliver(lostDispute(b, 900)))).toBe('nothing_to_reverse');
    expect(outcome(await deliver(refund(b, 900)))).toBe('nothing_to_reverse');
    expect(await balanceOf(db, b.workspaceId)).toBe(530);
    const removed = (await ledgerRows(db, b.workspaceId, 'reversal')).reduce((s, r) => s - r.amount, 0);
    expect(removed).toBe(100);
    await expectLedgerConsistent(db);
  });

  test('a lost dispute after the credits were spent removes what is left, and a later top-up is not touched', async () => {
    const b = await purchase('TDSPENT');
    await spendDownTo(b.workspaceId, 0);
    expect(outcome(await deliver(lostDispute(b)))).toBe('reversed');
    expect(await balanceOf(db, b.workspaceId)).toBe(0);
    const [notice] = await reversalNotices(b.workspaceId);
    expect((await posted(notice!))[0]![2]).toBe(
      'The payment for the starter pack was disputed and the dispute was lost: no credits were left to remove (all 100 had already been used). Balance: 0 credits.',
    );
    await purchase('TDSPENT', 'starter');
    expect(await balanceOf(db, b.workspaceId)).toBe(100);
    expect(outcome(await deliver(refund(b, 900)))).toBe('nothing_to_reverse');
    expect(await balanceOf(db, b.workspaceId)).toBe(100);
    await expectLedgerConsistent(db);
  });
});
