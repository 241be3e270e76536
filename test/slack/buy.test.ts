import { afterAll, describe, expect, test } from 'vitest';
import { checkoutEvent, signedDelivery, startStripeEmulator } from '../emulators/stripe.ts';
import { startSlackHarness } from './harness.ts';

/**
 * Issue 7's "done means" through Slack: `/listing buy` → a private Checkout link → a signed
 * webhook, delivered again and again → `Balance:` rises exactly once, and the channel is told.
 */

const WEBHOOK_SECRET = 'whsec_slack_buy_test';
const stripe = await startStripeEmulator();
afterAll(() => stripe.close());
const h = await startSlackHarness({ STRIPE_SECRET_KEY: 'sk_test_slack_buy', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url }, { withStripe: true });

const privateTexts = () => h.slack.responses.map((r) => JSON.stringify(r.body));
async function balanceLine(teamId: string): Promise<string> {
  const before = h.slack.responses.length;
  await h.command('credits', { teamId });
  const reply = await h.slack.waitFor(() => h.slack.responses.slice(before).find((r) => JSON.stringify(r.body).includes('Balance:')));
  return /Balance: \d+ credits/.exec(JSON.stringify(reply.body))?.[0] ?? '';
}

describe('/listing buy through Slack', () => {
  test('a checkout link, then a webhook delivered 6 times credits the workspace once', async () => {
    expect(await balanceLine('T_BUYER')).toBe('Balance: 30 credits');
    const before = h.slack.responses.length;
    const res = await h.command('buy starter', { teamId: 'T_BUYER', channelId: 'C_BUYERS' });
    expect(res.statusCode).toBe(200);
    await h.slack.waitFor(() => privateTexts().slice(before).some((t) => t.includes('checkout.stripe') || t.includes(stripe.checkouts[0]?.session.url ?? '@@')));
    expect(stripe.checkouts).toHaveLength(1);
    const session = stripe.checkouts[0]!.session;
    expect(stripe.checkouts[0]!.idempotencyKey).toBeTruthy();

    const deliver = async () => {
      const { body, signature } = signedDelivery(checkoutEvent(session), WEBHOOK_SECRET);
      return h.app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload: body });
    };
    const first = await deliver();
    expect(first.statusCode).toBe(200);
    const again = await Promise.all([deliver(), deliver(), deliver()]);
    for (const r of again) expect(r.statusCode).toBeLessThan(300);
    await deliver();
    await deliver();
    expect(await balanceLine('T_BUYER')).toBe('Balance: 130 credits');
    // The confirmation lands in the channel where `buy` was asked, once.
    const notice = await h.slack.waitFor(() => h.slack.roots('C_BUYERS').find((m) => /100 credits/.test(String(m.text))));
    expect(notice).toBeTruthy();
    expect(h.slack.roots('C_BUYERS').filter((m) => /100 credits/.test(String(m.text)))).toHaveLength(1);
  });

  test('asking again gets the same open link; asking too often gets a private refusal and no new session', async () => {
    const sessions = stripe.checkouts.length;
    const replies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const before = h.slack.responses.length;
      expect((await h.command('buy team', { teamId: 'T_EAGER', channelId: 'C_EAGER', userId: 'U_EAGER' })).statusCode).toBe(200);
      const r = await h.slack.waitFor(() => h.slack.responses.slice(before).find((x) => /checkout\.stripe|Too many/.test(JSON.stringify(x.body))));
      replies.push(JSON.stringify(r.body));
    }
    expect(stripe.checkouts.length).toBe(sessions + 1);
    const url = stripe.checkouts.at(-1)!.session.url;
    expect(replies.slice(0, 3).every((t) => t.includes(url))).toBe(true);
    expect(replies[3]).toMatch(/Too many `buy` requests from you: try again in \d+ seconds?/);
    expect(JSON.parse(replies[3]!)).toMatchObject({ response_type: 'ephemeral' });
  });

  test('a badly signed webhook gets 400 and changes nothing', async () => {
    const session = stripe.checkouts[0]!.session;
    const { body } = signedDelivery(checkoutEvent(session, { eventId: 'evt_forged' }), 'whsec_wrong');
    const forged = signedDelivery(JSON.parse(body), 'whsec_wrong');
    const res = await h.app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': forged.signature }, payload: forged.body });
    expect(res.statusCode).toBe(400);
    expect(await balanceLine('T_BUYER')).toBe('Balance: 130 credits');
  });
});
