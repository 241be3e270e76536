import { readFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDiscordEmulator } from './discord.ts';
import type { DiscordEmulator } from './discord.ts';
import { startSlackEmulator } from './slack.ts';
import type { SlackEmulator } from './slack.ts';
import { buttonBody, slashCommandBody, viewSubmissionBody } from './slack-requests.ts';
import { checkoutEvent, startStripeEmulator } from './stripe.ts';
import type { StripeEmulator } from './stripe.ts';

/**
 * The emulators speak the platforms' real shapes: every field of a recorded or documented payload
 * (test/fixtures/{slack,stripe}, sources in test/fixtures/SOURCES.md) is in what the emulator
 * sends or answers, nested objects included. Enterprise Grid fields are the exception: our
 * emulated workspaces are not part of one.
 */

const fixture = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of `recorded`'s fields that `ours` lacks (objects recursively, arrays by their first element). */
function missingFields(recorded: unknown, ours: unknown, ignore: readonly string[] = [], path = ''): string[] {
  if (Array.isArray(recorded)) {
    return Array.isArray(ours) && recorded.length > 0 && ours.length > 0 ? missingFields(recorded[0], ours[0], ignore, `${path}[0]`) : [];
  }
  if (!isObject(recorded) || !isObject(ours)) return [];
  return Object.keys(recorded).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    if (ignore.includes(key)) return [];
    if (!(key in ours)) return [at];
    return missingFields(recorded[key], ours[key], ignore, at);
  });
}

const ENTERPRISE = ['enterprise_id', 'enterprise_name'];
const interactivity = (form: string) => JSON.parse(new URLSearchParams(form).get('payload') ?? '{}') as Record<string, unknown>;

describe('Slack requests carry the fields of recorded ones (bolt-python test fixtures)', () => {
  test('slash command', () => {
    const ours = Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'help' })));
    expect(missingFields(fixture('slack/bolt-python_slash_command_body.parsed.json'), ours, ENTERPRISE)).toEqual([]);
  });

  test('block_actions (a button press)', () => {
    const ours = interactivity(buttonBody({ actionId: 'rerun', value: 'x' }));
    expect(missingFields(fixture('slack/bolt-python_block_actions_payload.json'), ours, ENTERPRISE)).toEqual([]);
  });

  test('view_submission, view object included', () => {
    const recorded = fixture('slack/bolt-python_view_submission_payload.json');
    const values = (recorded['view'] as { state: { values: Record<string, unknown> } }).state.values;
    const ours = interactivity(viewSubmissionBody({ callbackId: 'manual', privateMetadata: '{}', values }));
    expect(missingFields(recorded, ours, ENTERPRISE)).toEqual([]);
  });

  test('the missing-field check itself notices a missing field', () => {
    expect(missingFields({ a: 1, b: { c: 2 } }, { a: 1, b: {} })).toEqual(['b.c']);
  });
});

describe('Slack Web API answers as documented', () => {
  let slack: SlackEmulator;
  let client: WebClient;
  beforeAll(async () => {
    slack = await startSlackEmulator();
    client = new WebClient('xoxb-shapes', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await slack.close();
  });

  test('chat.postMessage answers ok, channel, ts and the message; chat.update ok, channel, ts, text and the message', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'first' } }];
    const posted = await client.chat.postMessage({ channel: 'C_SHAPES', text: 'first', blocks });
    expect(posted).toMatchObject({ ok: true, channel: 'C_SHAPES', ts: expect.any(String), message: { type: 'message', text: 'first', ts: posted.ts, bot_id: 'B_BOT', user: 'U_BOT', blocks } });
    const updated = await client.chat.update({ channel: 'C_SHAPES', ts: posted.ts!, text: 'second' });
    expect(updated).toMatchObject({ ok: true, channel: 'C_SHAPES', ts: posted.ts, text: 'second', message: { text: 'second', user: 'U_BOT' } });
  });

  test('chat.update without blocks keeps the message\'s blocks; an empty array removes them', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'kept' } }];
    const posted = await client.chat.postMessage({ channel: 'C_SHAPES', text: 'kept', blocks });
    await client.chat.update({ channel: 'C_SHAPES', ts: posted.ts!, text: 'text only' });
    const message = slack.messages.find((m) => m.ts === posted.ts)!;
    expect(message.blocks).toEqual(blocks);
    await client.chat.update({ channel: 'C_SHAPES', ts: posted.ts!, text: 'no blocks', blocks: [] });
    expect(message.blocks).toEqual([]);
  });

  test('conversations.info describes a channel; views.open answers the view with the fields Slack adds', async () => {
    const info = await client.conversations.info({ channel: 'C_SHAPES' });
    expect(info.channel).toMatchObject({ id: 'C_SHAPES', is_channel: true, is_private: false, is_archived: false, is_member: true });
    const opened = await client.views.open({ trigger_id: '1.2.3', view: { type: 'modal', callback_id: 'cb', title: { type: 'plain_text', text: 'T' }, blocks: [] } });
    const recordedView = fixture('slack/bolt-python_view_submission_payload.json')['view'];
    expect(missingFields(recordedView, opened.view, ['state'])).toEqual([]);
    expect(opened.view).toMatchObject({ callback_id: 'cb', state: { values: {} } });
  });
});

describe('Stripe objects have the fields of the API (stripe/openapi fixtures, stripe-ruby-mock)', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  beforeAll(async () => {
    emulator = await startStripeEmulator();
    const url = new URL(emulator.url);
    stripe = new Stripe('sk_test_shapes', { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  const create = () =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 900, product_data: { name: '100 credits' } } }],
      client_reference_id: 'ws-1',
      metadata: { credits: '100' },
      success_url: 'https://example.com/ok',
      cancel_url: 'https://example.com/cancel',
    });

  test('a created session is an open checkout.session with every field of the object', async () => {
    const session = await create();
    expect(missingFields(fixture('stripe/stripe-openapi_fixtures3_checkout.session.json'), session)).toEqual([]);
    expect(session).toMatchObject({ object: 'checkout.session', status: 'open', payment_status: 'unpaid', payment_intent: null, amount_total: 900, amount_subtotal: 900, currency: 'usd', client_reference_id: 'ws-1', metadata: { credits: '100' }, mode: 'payment' });
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    expect(session.expires_at).toBeGreaterThan(session.created);
  });

  test('checkout.session.completed: the event envelope of the API at our SDK\'s version, a paid, complete session as recorded', async () => {
    const session = emulator.checkouts.at(-1)?.session ?? (await create());
    const event = checkoutEvent(session as never);
    expect(missingFields(fixture('stripe/stripe-openapi_fixtures3_event.json'), event, ['object'])).toEqual([]);
    expect(event['api_version']).toBe(Stripe.API_VERSION);
    const recorded = fixture('stripe/stripe-ruby-mock_checkout.session.completed.payment_mode.json');
    const completed = (event['data'] as { object: Record<string, unknown> }).object;
    // stripe-ruby-mock's event predates some fields (`shipping` became `shipping_details`, then
    // `collected_information`): the fields of today's object are checked against the fixture above.
    expect(missingFields((recorded['data'] as { object: unknown }).object, completed, ['shipping'])).toEqual([]);
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, payment_intent: expect.stringMatching(/^pi_/), customer_details: { email: expect.any(String) } });
    // The same session's PaymentIntent in every event about it.
    expect((checkoutEvent(session as never)['data'] as { object: { payment_intent: string } }).object.payment_intent).toBe(completed['payment_intent']);
    const expired = (checkoutEvent(session as never, { type: 'checkout.session.expired' })['data'] as { object: Record<string, unknown> }).object;
    expect(expired).toMatchObject({ status: 'expired', payment_status: 'unpaid', payment_intent: null });
  });
});

describe('Discord answers with its message, channel and error objects', () => {
  let discord: DiscordEmulator;
  const bot = { authorization: 'Bot discord-bot-token-for-tests', 'content-type': 'application/json' };
  beforeAll(async () => {
    discord = await startDiscordEmulator();
  });
  afterAll(async () => {
    await discord.close();
  });

  test('a message has the message object\'s required fields; an interaction\'s response names its application and webhook', async () => {
    const res = await fetch(`${discord.url}/v10/channels/123/messages`, { method: 'POST', headers: bot, body: JSON.stringify({ content: 'hello' }) });
    const message = (await res.json()) as Record<string, unknown>;
    for (const field of ['id', 'channel_id', 'author', 'content', 'timestamp', 'edited_timestamp', 'tts', 'mention_everyone', 'mentions', 'mention_roles', 'attachments', 'embeds', 'pinned', 'type']) {
      expect(message, field).toHaveProperty(field);
    }
    expect(message).not.toHaveProperty('edits');
    expect(message).not.toHaveProperty('deleted');
    expect(message['edited_timestamp']).toBeNull();

    discord.respond({ token: 'tok-shapes', application_id: '999', channel_id: '123', type: 2 }, { type: 4, data: { content: 'answer' } });
    const original = (await (await fetch(`${discord.url}/v10/webhooks/999/tok-shapes/messages/@original`)).json()) as Record<string, unknown>;
    expect(original).toMatchObject({ type: 20, content: 'answer', application_id: '999', webhook_id: '999', author: { id: '999', bot: true } });
    expect(original).not.toHaveProperty('token');
    const edited = (await (await fetch(`${discord.url}/v10/webhooks/999/tok-shapes/messages/@original`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'edited' }) })).json()) as Record<string, unknown>;
    expect(edited['edited_timestamp']).toEqual(expect.any(String));
    const otherApp = await fetch(`${discord.url}/v10/webhooks/111/tok-shapes/messages/@original`);
    expect(otherApp.status).toBe(404);
  });

  test('a body over the limits is 400 with code 50035, "Invalid Form Body" and the errors by field', async () => {
    const res = await fetch(`${discord.url}/v10/channels/123/messages`, { method: 'POST', headers: bot, body: JSON.stringify({ content: 'x'.repeat(2001) }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 50035, message: 'Invalid Form Body', errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
  });

  test('a thread started from a message is a thread channel with its metadata', async () => {
    const posted = (await (await fetch(`${discord.url}/v10/channels/123/messages`, { method: 'POST', headers: bot, body: JSON.stringify({ content: 'root' }) })).json()) as { id: string };
    const res = await fetch(`${discord.url}/v10/channels/123/messages/${posted.id}/threads`, { method: 'POST', headers: bot, body: JSON.stringify({ name: 'Details', auto_archive_duration: 1440 }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: posted.id, type: 11, parent_id: '123', name: 'Details', thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false } });
  });
});

describe('Discord interactions we send carry the fields of the documented ones (discord-api-docs examples)', () => {
  test('a slash command in a server and a button press have every field of the documented guild interaction', async () => {
    const { command, button } = await import('../discord/support.ts');
    const documented = fixture('discord/application-commands_L854_type2_context-menu-user-2.json');
    // `data` differs by interaction kind (a context-menu command there; a chat-input command here).
    expect(missingFields(documented, command('credits'), ['data'])).toEqual([]);
    expect(missingFields(documented, button('ll:buy'), ['data'])).toEqual([]);
    expect(missingFields(documented.member, (command('credits') as { member: unknown }).member)).toEqual([]);
  });
});
