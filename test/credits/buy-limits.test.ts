import { afterAll, describe, expect, test } from 'vitest';
import { dispatch, type CommandContext, type Reply } from '../../bots/shared/dispatch.ts';
import { handleStripeEvent, type StripeEventLike } from '../../service/app/credits/index.ts';
import { createAppServices, type AppServices } from '../../service/app/services.ts';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { stripeClient } from '../../service/main/stripe.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { useTestDatabase } from '../db.ts';
import { startStripeEmulator } from '../emulators/stripe.ts';
import { newPaymentIntentId, paidCheckoutEvent } from '../emulators/stripe-refunds.ts';
import { memoryLogger } from '../support/logger.ts';
import { slack, slackOrigin } from '../support/credits.ts';

/**
 * `buy` costs nothing, so it is limited (per user and per workspace, in Postgres so every web
 * process counts together), and an open Checkout session for the same workspace + pack is handed
 * out again instead of creating a new one at Stripe.
 */

const tdb = await useTestDatabase();
const database = { ...tdb, embedded: false };
const emulator = await startStripeEmulator();
afterAll(() => emulator.close());
const parsed = parseConfig({ STRIPE_SECRET_KEY: 'sk_test_limits', STRIPE_WEBHOOK_SECRET: 'whsec_limits', STRIPE_API_URL: emulator.url, PUBLIC_URL: 'https://listinglab.example.test/' });
if (!parsed.ok || !parsed.config.stripe) throw new Error('config');
const config = parsed.config;
const stripeSettings = parsed.config.stripe;
const { logger } = memoryLogger();
const limits = DEFAULTS.billing.buyLimit;

/** A clock the test moves; the services of "each web process" share it and the database. */
const clock = { t: Date.now(), now: () => clock.t };
async function webProcess(): Promise<AppServices> {
  const deps = await comparisonDeps(config, database);
  return createAppServices({ ...deps, clock, checkout: { stripe: await stripeClient(stripeSettings), packs: DEFAULTS.credits.packs, publicUrl: 'https://listinglab.example.test' } });
}
const app = await webProcess();

let n = 0;
const ctx = (teamId: string, userId: string): CommandContext => ({ workspace: slack(teamId), origin: slackOrigin(teamId, 'C0BILLING'), requestKey: `trigger-${++n}`, userId });
const buy = (teamId: string, userId: string, pack?: string, services = app): Promise<Reply> => dispatch(pack ? { name: 'buy', pack } : { name: 'buy' }, ctx(teamId, userId), services);
const urlOf = (r: Reply) => (r.kind === 'checkout' ? r.url : `not a checkout: ${JSON.stringify(r)}`);

describe('an open Checkout session is reused', () => {
  test('same workspace + pack → the same link, no new session; another pack, a completed or nearly expired session → a new one', async () => {
    const before = emulator.checkouts.length;
    const first = urlOf(await buy('TREUSE', 'U1', 'starter'));
    expect(emulator.checkouts.length).toBe(before + 1);
    const session = emulator.checkouts.at(-1)!.session;
    expect(first).toBe(session.url);
    // Another member of the workspace, the default pack (starter): the same link, Stripe not called.
    expect(urlOf(await buy('TREUSE', 'U2'))).toBe(first);
    expect(emulator.checkouts.length).toBe(before + 1);
    // Another workspace never gets this one.
    expect(urlOf(await buy('TOTHER', 'U1', 'starter'))).not.toBe(first);
    expect(emulator.checkouts.length).toBe(before + 2);
    // Another pack: its own session.
    const team = urlOf(await buy('TREUSE', 'U1', 'team'));
    expect(team).not.toBe(first);
    expect(emulator.checkouts.length).toBe(before + 3);

    // Paid (completed): a new `buy` gets a new session.
    expect(await handleStripeEvent({ db: tdb.db, logger }, paidCheckoutEvent(session, newPaymentIntentId()) as unknown as StripeEventLike)).toBe('credited');
    const second = urlOf(await buy('TREUSE', 'U2', 'starter'));
    expect(second).not.toBe(first);
    expect(emulator.checkouts.length).toBe(before + 4);

    // A session with less than the reuse margin left is not handed out (Stripe's default life is 24 h).
    clock.t += 24 * 3_600_000 - DEFAULTS.billing.reuseCheckoutMinutesLeft * 60_000 + 1000;
    expect(urlOf(await buy('TREUSE', 'U1', 'team'))).not.toBe(team);
    expect(emulator.checkouts.length).toBe(before + 5);
  });
});

describe('buy is rate limited', () => {
  test(`per user: ${limits.perUser} a window, then a private refusal that creates nothing; others in the workspace still can; the window passes`, async () => {
    for (let i = 0; i < limits.perUser; i++) expect((await buy('TLIMIT', 'U1')).kind).toBe('checkout');
    const sessions = emulator.checkouts.length;
    const refused = await buy('TLIMIT', 'U1', 'team');
    expect(refused).toMatchObject({ kind: 'private', code: 'rate_limited', text: expect.stringMatching(/^Too many `buy` requests from you: try again in \d+ seconds?\.$/) });
    expect(emulator.checkouts.length).toBe(sessions);
    expect((await buy('TLIMIT', 'U2')).kind).toBe('checkout');
    clock.t += limits.windowSeconds * 1000;
    expect((await buy('TLIMIT', 'U1')).kind).toBe('checkout');
  });

  test(`per workspace: ${limits.perWorkspace} a window across its members; another workspace is not affected`, async () => {
    clock.t += limits.windowSeconds * 1000;
    for (let i = 0; i < limits.perWorkspace; i++) expect((await buy('TCROWD', `U${i}`)).kind).toBe('checkout');
    expect(await buy('TCROWD', 'UNEW')).toMatchObject({ kind: 'private', code: 'rate_limited', text: expect.stringMatching(/^Too many `buy` requests in this workspace: try again in \d+ seconds?\.$/) });
    expect((await buy('TQUIET', 'UNEW')).kind).toBe('checkout');
  });

  test('concurrent requests spread over two web processes are counted together', async () => {
    clock.t += limits.windowSeconds * 1000;
    const other = await webProcess();
    const replies = await Promise.all(Array.from({ length: limits.perUser + 4 }, (_, i) => buy('TSPREAD', 'U1', 'agency', i % 2 ? other : app)));
    expect(replies.filter((r) => r.kind === 'checkout')).toHaveLength(limits.perUser);
    expect(replies.filter((r) => r.kind === 'private' && r.code === 'rate_limited')).toHaveLength(4);
  });
});

describe('free commands that read the database are limited too', () => {
  test('credits, history, status and experiment list share one allowance per user and per workspace; help is never counted', async () => {
    const free = DEFAULTS.billing.freeCommandLimit;
    const ask = (userId: string, cmd: Parameters<typeof dispatch>[0]) => dispatch(cmd, ctx('TFREE', userId), app);
    const commands: Parameters<typeof dispatch>[0][] = [{ name: 'credits' }, { name: 'history' }, { name: 'experiment', action: 'list' }];
    for (let i = 0; i < free.perUser; i++) expect((await ask('U1', commands[i % commands.length]!)).kind).not.toBe('private');
    const refused = await ask('U1', { name: 'credits' });
    expect(refused).toMatchObject({ kind: 'private', code: 'rate_limited' });
    expect(refused.kind === 'private' && refused.text).toMatch(/Too many free requests from you: try again in \d+ seconds?/);
    // Help is static text: it costs nothing and is never refused.
    const help = await ask('U1', { name: 'help' });
    expect(help.kind).toBe('private');
    expect(help.kind === 'private' ? help.code : 'not private').toBeUndefined();
    // Another member still has their own allowance; the window passing restores U1's.
    expect((await ask('U2', { name: 'credits' })).kind).toBe('credits');
    clock.t += free.windowSeconds * 1000;
    expect((await ask('U1', { name: 'credits' })).kind).toBe('credits');
  });
});
