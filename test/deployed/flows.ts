import { expect } from 'vitest';
import { checkoutEvent, signedDelivery, type CheckoutSession } from '../emulators/stripe.ts';
import { FORM, JSON_TYPE, signed, slashCommandBody } from '../emulators/slack-requests.ts';
import { command } from '../discord/support.ts';
import type { Deployed } from './service-process.ts';

/**
 * The user-visible flows, driven over real HTTP against a deployed process (service-process.ts):
 * what Slack, Discord and Stripe would send, and what a seller would see in the emulated
 * platforms afterwards.
 */

export const STAGES = ['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'] as const;

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export async function post(d: Deployed, url: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${d.url}${url}`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

/** A signed slash command, as Slack sends it. */
export function slashCommand(d: Deployed, text: string, opts: { channelId?: string; responseId?: string; teamId?: string; userId?: string } = {}): Promise<Answer> {
  const body = slashCommandBody({
    text,
    ...(opts.channelId ? { channelId: opts.channelId } : {}),
    ...(opts.teamId ? { teamId: opts.teamId } : {}),
    ...(opts.userId ? { userId: opts.userId } : {}),
    responseUrl: d.slack.responseUrl(opts.responseId),
  });
  const req = signed(d.secrets.slackSigningSecret, body, FORM);
  return post(d, req.url, req.payload, req.headers);
}

/** Private replies posted to a response URL with this id. */
export function responsesTo(d: Deployed, id: string): string[] {
  return d.slack.responses.filter((r) => r.id === id).map((r) => JSON.stringify(r.body));
}

/** The stage cards' titles (their header blocks) in thread replies, in order: a reply carries several. */
export const cardTitles = (replies: readonly { blocks: readonly Record<string, unknown>[] }[]): string[] =>
  replies.flatMap((r) => r.blocks.filter((b) => b['type'] === 'header').map((b) => (b['text'] as { text: string }).text));

/** `/listing compare` in Slack: one root message, edited in place to the verdict, one card per stage in its thread (together, in one reply with the scorecard). */
export async function slackCompareFlow(d: Deployed, channel: string): Promise<void> {
  const res = await slashCommand(d, 'compare B0799CK52K https://www.amazon.com/dp/B074M5HPBD', { channelId: channel, responseId: `compare-${channel}` });
  expect(res.status).toBe(200);
  const root = await d.slack.waitFor(() => d.slack.roots(channel)[0], 20_000);
  expect(root.versions[0]!.text).toMatch(/B0799CK52K vs B074M5HPBD/);
  await d.slack.waitFor(() => /^Verdict: /.test(root.text), 90_000).catch(() => {
    throw new Error(`no verdict; root is "${root.text}"; private replies: ${responsesTo(d, `compare-${channel}`).join(' | ')}\n${d.output().slice(-4000)}`);
  });
  const replies = await d.slack.waitFor(() => (cardTitles(d.slack.replies(root.ts)).length >= STAGES.length ? d.slack.replies(root.ts) : undefined), 30_000);
  expect(cardTitles(replies)).toEqual(['Fetch listings', 'Click (main image)', 'Conversion (gallery)', 'Copy (title, bullets, description)', 'Buyer personas', 'Verdict']);
  expect(replies).toHaveLength(1);
  expect(d.slack.roots(channel)).toHaveLength(1);
  // Both listings were fetched through the actor and their images downloaded.
  expect(d.images.requests.some((p) => p.includes('B0799CK52K'))).toBe(true);
  expect(d.images.requests.some((p) => p.includes('B074M5HPBD'))).toBe(true);
  // The stages were judged by the configured model, not the rules engine.
  expect(root.text).not.toMatch(/without a model/i);
  expect(d.openai.requests.length).toBeGreaterThanOrEqual(4);
}

/** `/listing compare` in Discord: the deferred answer, then `@original` edited to the verdict. */
export async function discordCompareFlow(d: Deployed): Promise<void> {
  const interaction = command('compare', { a: 'B07GTFSCHB', b: 'B0799CK52K' });
  const body = JSON.stringify(interaction);
  const res = await post(d, '/discord/interactions', body, d.signer.headers(body));
  expect(res.status).toBe(200);
  const answer = JSON.parse(res.body) as { type: number; data?: Record<string, unknown> };
  expect([4, 5]).toContain(answer.type);
  d.discord.respond(interaction as { token: string; channel_id: string }, answer);
  const token = interaction.token as string;
  const verdictShown = () => {
    const original = d.discord.original(token);
    return original && /Verdict|wins|tie/i.test(JSON.stringify(original.embeds)) && original.edits > 0 ? original : undefined;
  };
  const original = await waitUntil(verdictShown, 90_000, () => `@original is ${JSON.stringify(d.discord.original(token))}\n${d.output().slice(-4000)}`);
  expect(JSON.stringify(original.embeds)).toMatch(/B07GTFSCHB/);
}

let replySeq = 0;

/** The workspace's balance, read with a signed `/listing credits` (its private reply). */
export async function slackBalance(d: Deployed, channel: string): Promise<number> {
  const id = `credits-${channel}-${++replySeq}`;
  const res = await slashCommand(d, 'credits', { channelId: channel, responseId: id });
  expect(res.status).toBe(200);
  const reply = await waitUntil(() => responsesTo(d, id)[0], 15_000, () => 'no credits reply');
  const m = /Balance: (\d+) credits/.exec(reply);
  if (!m) throw new Error(`no balance in ${reply}`);
  return Number(m[1]);
}

/**
 * `/listing buy` → a Checkout session at the Stripe emulator → `checkout.session.completed`
 * delivered 7 times (3 one after another, 4 at once): the workspace is credited once.
 */
export async function stripePurchaseFlow(d: Deployed, channel: string): Promise<void> {
  const before = await slackBalance(d, channel);
  const buyId = `buy-${channel}`;
  const checkoutsBefore = d.stripe.checkouts.length;
  const res = await slashCommand(d, 'buy', { channelId: channel, responseId: buyId });
  expect(res.status).toBe(200);
  const reply = await waitUntil(() => responsesTo(d, buyId)[0], 15_000, () => `no buy reply\n${d.output().slice(-3000)}`);
  expect(reply).toContain('checkout');
  const session: CheckoutSession = await waitUntil(() => d.stripe.checkouts[checkoutsBefore]?.session, 5_000, () => 'no checkout');
  const event = checkoutEvent(session);
  const deliver = async () => {
    const { body, signature } = signedDelivery(event, d.secrets.stripeWebhookSecret);
    return post(d, '/stripe/webhook', body, { 'content-type': JSON_TYPE, 'stripe-signature': signature });
  };
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await deliver()).status);
  statuses.push(...(await Promise.all([deliver(), deliver(), deliver(), deliver()])).map((a) => a.status));
  for (const s of statuses) expect(s >= 200 && s < 300, `webhook answered ${s}`).toBe(true);
  const amount = Number(session.metadata['credits'] ?? 100);
  expect(await slackBalance(d, channel)).toBe(before + amount);
  // The channel was told, once.
  const confirmations = d.slack.messages.filter((m) => m.channel === channel && /credits/i.test(m.text) && /added|purchase|bought/i.test(m.text));
  expect(confirmations).toHaveLength(1);
}

export async function waitUntil<T>(probe: () => T | undefined | null | false, timeoutMs: number, describe: () => string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
