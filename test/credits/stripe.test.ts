import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { dispatch, type CommandContext } from '../../bots/shared/dispatch.ts';
import { notifyWorkspace } from '../../service/app/delivery/index.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { stripeEvents } from '../../service/db/schema.ts';
import { stripeFrontEnd, stripeHostOptions } from '../../service/main/stripe.ts';
import { appServices } from '../../service/main/wiring.ts';
import { checkoutEvent, signedDelivery, type CheckoutSession } from '../emulators/stripe.ts';
import { recordingNoticeSink, startStripeHarness } from '../support/stripe-harness.ts';
import { balanceOf, expectLedgerConsistent, jobsFor, ledgerRows, slack, slackOrigin } from '../support/credits.ts';

/** `buy` → Stripe Checkout (real SDK, emulated API) → a signed webhook → credited exactly once. */

const SECRET_KEY = 'sk_test_emulated_51Hsecretkey';
const WEBHOOK_SECRET = 'whsec_emulated_signingsecret';
const { tdb, db, emulator, database, logger, lines, app, http } = await startStripeHarness({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });

const ctx = (teamId: string, n: number): CommandContext => ({ workspace: slack(teamId), origin: slackOrigin(teamId, 'C0BILLING'), requestKey: `trigger-${teamId}-${n}`, userId: 'U0BUYER' });
const outcome = (r: { json: () => unknown }) => (r.json() as { outcome: string }).outcome;
const deliver = (event: unknown, secret = WEBHOOK_SECRET, timestamp?: number) => {
  const { body, signature } = signedDelivery(event, secret, timestamp ? { timestamp } : {});
  return http.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, payload: body });
};

/** `buy` through the dispatcher; returns the session the emulator answered and the workspace id. */
async function buy(teamId: string, n = 0, pack?: string): Promise<{ session: CheckoutSession; workspaceId: string; url: string }> {
  const reply = await dispatch(pack ? { name: 'buy', pack } : { name: 'buy' }, ctx(teamId, n), app);
  if (reply.kind !== 'checkout') throw new Error(`expected a checkout reply, got ${JSON.stringify(reply)}`);
  const recorded = emulator.checkouts.at(-1)!;
  return { session: recorded.session, workspaceId: recorded.session.client_reference_id!, url: reply.url };
}

describe('buy: a Stripe Checkout session', () => {
  test('the request carries mode, the pack as price_data, the workspace, the channel, an idempotency key and our return URLs', async () => {
    const { session, workspaceId, url } = await buy('TBUY', 1, 'team');
    expect(url).toBe(session.url);
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const sent = emulator.checkouts.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(sent.idempotencyKey).toMatch(/^checkout-[0-9a-f]{40}$/);
    expect(sent.params).toMatchObject({
      mode: 'payment',
      client_reference_id: workspaceId,
      success_url: 'https://listinglab.example.test/billing/success',
      cancel_url: 'https://listinglab.example.test/billing/cancel',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '3900' } }],
      metadata: { workspace_id: workspaceId, platform: 'slack', workspace_external_id: 'TBUY', channel_id: 'C0BILLING', pack: 'team', credits: '500', requested_by: 'U0BUYER' },
    });
    // A redelivered command, and a new command for the same pack while the session is open, get
    // the same session back without asking Stripe for another one.
    const calls = emulator.checkouts.length;
    expect((await buy('TBUY', 1, 'team')).url).toBe(url);
    expect((await buy('TBUY', 2, 'team')).url).toBe(url);
    expect(emulator.checkouts.length).toBe(calls);
    // Another pack (asked by a colleague: `buy` is limited per user) is another session, under
    // another idempotency key.
    expect(await dispatch({ name: 'buy', pack: 'agency' }, { ...ctx('TBUY', 3), userId: 'U0COLLEAGUE' }, app)).toMatchObject({ kind: 'checkout' });
    expect(emulator.checkouts.length).toBe(calls + 1);
    expect(emulator.checkouts.at(-1)!.idempotencyKey).not.toBe(sent.idempotencyKey);
  });

  test('no pack means the default pack; an unknown pack lists the packs; Stripe down is a private reply', async () => {
    await buy('TPACKS', 1);
    expect(emulator.checkouts.at(-1)!.params).toMatchObject({ metadata: { pack: 'starter', credits: '100' } });
    const unknown = await dispatch({ name: 'buy', pack: 'mega' }, ctx('TPACKS', 2), app);
    expect(unknown).toMatchObject({ kind: 'private', text: 'There is no "mega" pack. Credit packs: starter — 100 credits for $9, team — 500 credits for $39, agency — 2000 credits for $129.' });
    emulator.failNext(500, 3); // the first call and the SDK's two retries
    const down = await dispatch({ name: 'buy', pack: 'agency' }, ctx('TPACKS', 3), app);
    expect(down).toMatchObject({ kind: 'private', text: expect.stringMatching(/nothing was charged/) });
  });
});

describe('POST /stripe/webhook', () => {
  test('buy → a signed webhook → the balance rises exactly once, however often it is delivered', async () => {
    const { session, workspaceId } = await buy('TPAID');
    expect(await balanceOf(db, workspaceId)).toBe(30);
    const event = checkoutEvent(session);
    const first = await deliver(event);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, outcome: 'credited' });
    expect(await balanceOf(db, workspaceId)).toBe(130);

    // Replayed 5 times one after another, then 5 times at once: all acknowledged, none credited.
    for (let i = 0; i < 5; i++) {
      const r = await deliver(event);
      expect(r.statusCode).toBe(200);
      expect(r.json().outcome).toBe('duplicate');
    }
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    expect(concurrent.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(await balanceOf(db, workspaceId)).toBe(130);
    expect(await ledgerRows(db, workspaceId, 'purchase')).toHaveLength(1);
    const credits = await dispatch({ name: 'credits' }, ctx('TPAID', 9), app);
    expect(credits.kind === 'credits' && credits.text).toMatch(/^Balance: 130 credits\nUsed today: 0 of 200 \(daily cap\)\nRecent:\n.*\+100 {2}purchase — starter pack bought with Stripe Checkout\n.*\+30 {2}signup/);
    await expectLedgerConsistent(db);
  });

  test('a fresh workspace: 5 concurrent first deliveries credit once; a second event for the same session credits nothing', async () => {
    const { session, workspaceId } = await buy('TRACE');
    const event = checkoutEvent(session);
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map(outcome).sort()).toEqual(['credited', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const other = await Promise.all([
      deliver(checkoutEvent(session, { type: 'checkout.session.async_payment_succeeded' })),
      deliver(checkoutEvent(session, { type: 'checkout.session.completed' })),
    ]);
    expect(other.map(outcome)).toEqual(['already_credited', 'already_credited']);
    expect(await balanceOf(db, workspaceId)).toBe(130);
  });

  test('an async payment: `completed` unpaid credits nothing; `async_payment_succeeded` credits once, in either order', async () => {
    const a = await buy('TASYNC', 1);
    expect((await deliver(checkoutEvent(a.session, { paymentStatus: 'unpaid' }))).json().outcome).toBe('not_paid');
    expect(await balanceOf(db, a.workspaceId)).toBe(30);
    expect((await deliver(checkoutEvent(a.session, { type: 'checkout.session.async_payment_succeeded' }))).json().outcome).toBe('credited');
    expect(await balanceOf(db, a.workspaceId)).toBe(130);

    const b = await buy('TASYNC', 2);
    expect((await deliver(checkoutEvent(b.session, { type: 'checkout.session.async_payment_succeeded' }))).json().outcome).toBe('credited');
    expect((await deliver(checkoutEvent(b.session, { paymentStatus: 'unpaid' }))).json().outcome).toBe('not_paid');
    expect(await balanceOf(db, b.workspaceId)).toBe(230);
  });

  test('a bad, missing or stale signature: 400 and nothing changes', async () => {
    const { session, workspaceId } = await buy('TFORGED');
    const event = checkoutEvent(session);
    const forged = await deliver(event, 'whsec_not_ours');
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error).toBe('signature_invalid');
    const stale = await deliver(event, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600);
    expect(stale.statusCode).toBe(400);
    const unsigned = await http.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
    expect(unsigned.statusCode).toBe(400);
    // Signed, then altered by one byte in transit (same JSON meaning, different bytes).
    const { body, signature } = signedDelivery(event, WEBHOOK_SECRET);
    const altered = await http.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload: `${body} ` });
    expect(altered.statusCode).toBe(400);
    expect(await balanceOf(db, workspaceId)).toBe(30);
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.sessionId, session.id))).toHaveLength(0);
  });

  test('unknown events and sessions that are not ours: 200 and ignored', async () => {
    const other = { id: 'evt_1Pgc76B7WZ01zgkWwyRHS12y', object: 'event', type: 'plan.created', data: { object: { id: 'price_1', object: 'plan' } } };
    expect((await deliver(other)).json()).toEqual({ received: true, outcome: 'ignored' });
    const foreign = checkoutEvent({ ...emulator.checkouts.at(-1)!.session, id: 'cs_test_foreign', metadata: {}, client_reference_id: null });
    expect((await deliver(foreign)).json()).toEqual({ received: true, outcome: 'ignored' });
    await expectLedgerConsistent(db);
  });

  test('the confirmation is posted once to the channel where `buy` was asked', async () => {
    const { session, workspaceId } = await buy('TNOTICE');
    await Promise.all([deliver(checkoutEvent(session)), deliver(checkoutEvent(session))]);
    const jobs = await tdb.sql<{ payload: { workspaceId: string; channelId: string; notice: string; ref: string } }[]>`
      select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'notify_workspace' and j.payload->>'workspaceId' = ${workspaceId}`;
    expect(jobs).toHaveLength(1);
    const posted: string[][] = [];
    const sink = recordingNoticeSink(posted);
    await notifyWorkspace({ db, sinks: { slack: sink }, logger }, jobs[0]!.payload as Parameters<typeof notifyWorkspace>[1]);
    expect(posted).toEqual([['TNOTICE', 'C0BILLING', 'Thanks! 100 credits were added to this workspace. Balance: 130 credits.']]);
    expect((await jobsFor(db, 'notify_workspace')).length).toBeGreaterThanOrEqual(1);
  });

  test('the Checkout return pages are served, and no secret reached the logs', async () => {
    for (const url of ['/billing/success', '/billing/cancel']) {
      const r = await http.inject({ method: 'GET', url: `${url}?session_id=<script>` });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.body).not.toContain('<script>');
    }
    const all = lines().join('\n');
    expect(all).not.toContain(SECRET_KEY);
    expect(all).not.toContain(WEBHOOK_SECRET);
  });
});

describe('STRIPE_API_URL', () => {
  test('an origin is mapped onto the SDK host, port and protocol', () => {
    expect(stripeHostOptions('https://api.stripe.com')).toEqual({ host: 'api.stripe.com', port: 443, protocol: 'https' });
    expect(stripeHostOptions('http://127.0.0.1:12111/')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(stripeHostOptions('http://[::1]:8080')).toEqual({ host: '::1', port: 8080, protocol: 'http' });
    expect(() => stripeHostOptions('https://api.stripe.com/v1')).toThrow(/without a path/);
  });

  test('no Stripe configuration: no front end, and `buy` says so privately', async () => {
    const bare = parseConfig({});
    if (!bare.ok) throw new Error('config');
    expect(stripeFrontEnd(bare.config, { db: database, logger })).toBeUndefined();
    const services = await appServices(bare.config, database);
    expect(await dispatch({ name: 'buy' }, ctx('TNOSTRIPE', 1), services)).toMatchObject({ kind: 'private', text: expect.stringMatching(/not configured/) });
  });
});
