import { describe, expect, test } from 'vitest';
import { dispatch, type CommandContext } from '../../bots/shared/dispatch.ts';
import { responseFor } from '../../bots/discord/replies.ts';
import { checkoutReply } from '../../bots/slack/commands/buy.ts';
import { startComparison } from '../../service/app/comparisons/index.ts';
import { startStripeHarness } from '../support/stripe-harness.ts';
import { balanceOf, ledgerRows, pairInput, slack, slackOrigin } from '../support/credits.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';

/**
 * Prices come from the configuration (CREDIT_PACKS, STAGE_CREDITS, …): what `buy` sends to Stripe
 * Checkout, what the replies quote and what a comparison reserves all follow it.
 */

const SECRET_KEY = 'sk_test_emulated_51Hpricesconfigured';
const WEBHOOK_SECRET = 'whsec_emulated_prices';
const { emulator, app, db, config, database } = await startStripeHarness(
  { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET },
  { CREDIT_PACKS: 'mini:40:450:eur,bulk:1000:5000:usd', STAGE_CREDITS: 'ctr:5,pdp:4', DRAFT_CREDITS: '6', FREE_CREDITS: '50' },
);

const ctx = (teamId: string, n: number): CommandContext => ({ workspace: slack(teamId), origin: slackOrigin(teamId, 'C0PRICES'), requestKey: `prices-${teamId}-${n}`, userId: 'U0PRICES' });

describe('configured prices', () => {
  test('buy: the Checkout session carries the configured price and currency, and the replies quote them', async () => {
    const reply = await dispatch({ name: 'buy' }, ctx('TPRICE', 1), app);
    if (reply.kind !== 'checkout') throw new Error(`expected a checkout reply, got ${JSON.stringify(reply)}`);
    expect(reply.pack).toEqual({ id: 'mini', credits: 40, priceCents: 450, currency: 'eur' });
    expect(emulator.checkouts.at(-1)!.params).toMatchObject({
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '450' } }],
      metadata: { pack: 'mini', credits: '40' },
    });
    expect(checkoutReply(reply).text).toContain('Buy *40 credits* (mini, €4.50)');
    const discord = responseFor(reply, { name: 'buy' }, { inDm: false, lowCreditsBelow: 20 });
    expect(JSON.stringify(discord)).toContain('40 credits for €4.50 (pack `mini`)');

    const bulk = await dispatch({ name: 'buy', pack: 'bulk' }, ctx('TPRICE', 2), app);
    expect(bulk).toMatchObject({ kind: 'checkout', pack: { id: 'bulk', credits: 1000, priceCents: 5000, currency: 'usd' } });
    expect(emulator.checkouts.at(-1)!.params).toMatchObject({ line_items: [{ price_data: { currency: 'usd', unit_amount: '5000' } }] });
    // The default packs are not for sale here.
    expect(await dispatch({ name: 'buy', pack: 'starter' }, ctx('TPRICE', 3), app)).toMatchObject({
      kind: 'private',
      text: 'There is no "starter" pack. Credit packs: mini — 40 credits for €4.50, bulk — 1000 credits for $50.',
    });
  });

  test('help and credits quote the configured costs and packs', async () => {
    const help = async (topic: 'compare' | 'draft' | 'buy') => {
      const r = await dispatch({ name: 'help', topic }, ctx('THELP', 1), app);
      return r.kind === 'private' ? r.text : '';
    };
    expect(await help('compare')).toContain('Costs 13 credits.');
    expect(await help('draft')).toContain('Costs 6 credits.');
    expect(await help('buy')).toContain('Packs: mini — 40 credits for €4.50, bulk — 1000 credits for $50.');
    const credits = await dispatch({ name: 'credits' }, ctx('THELP', 2), app);
    expect(credits.kind === 'credits' && credits.text).toMatch(/^Balance: 50 credits\n[^]*A comparison costs 13 credits, a draft 6; a workspace spends at most 200 a day\.$/);
  });

  test('a comparison reserves the configured stage costs', async () => {
    const deps = await comparisonDeps(config, database);
    const r = await startComparison(deps, pairInput('TSTAGES', 1));
    expect(r.kind).toBe('created');
    expect(await balanceOf(db, r.run.workspaceId)).toBe(50 - 13);
    expect((await ledgerRows(db, r.run.workspaceId, 'reserve')).map((row) => row.amount)).toEqual([-13]);
  });
});
