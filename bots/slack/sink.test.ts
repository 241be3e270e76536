import { afterAll, describe, expect, test } from 'vitest';
import { DeliveryRefused } from '../../service/app/delivery/index.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { startSlackEmulator } from '../../test/emulators/slack.ts';
import { memoryLogger } from '../../test/support/logger.ts';
import { createSlackClients, singleWorkspaceTokens } from './clients.ts';
import { boltLogger } from './logger.ts';
import { createSlackSink, type SlackOrigin } from './sink.ts';

/** The sink against the Web API emulator: Slack's refusals become DeliveryRefused, private notes always find a way. */

const slack = await startSlackEmulator();
afterAll(() => slack.close());
const { logger, lines } = memoryLogger();
const TOKEN = 'xoxb-sink-test-token-123';
const sink = createSlackSink({ clients: createSlackClients({ apiUrl: slack.apiUrl, tokens: singleWorkspaceTokens(TOKEN), logger }), logger });
const view = {
  id: '00000000-0000-4000-8000-000000000001', shortId: '00000000', kind: 'compare', status: 'running', createdAt: new Date(0), finishedAt: null,
  pair: { A: { label: 'B0799CK52K', asin: 'B0799CK52K', title: null, url: null }, B: { label: 'B074M5HPBD', asin: 'B074M5HPBD', title: null, url: null } },
  mine: null, mineSource: null, cost: 10, refunded: 0, stages: [], verdict: null, avatars: null, errorCode: null, errorMessage: null, queuePosition: null,
} as RunView;
const origin = (channelId: string, responseUrl?: string): SlackOrigin => ({ platform: 'slack', teamId: 'T1', channelId, userId: 'U1', ...(responseUrl ? { responseUrl } : {}) });

describe('Slack sink', () => {
  test.each([
    ['not_in_channel', 'not_in_channel'],
    ['channel_not_found', 'channel_not_found'],
    ['is_archived', 'other'],
    ['restricted_action', 'missing_permissions'],
  ])('%s → DeliveryRefused(%s)', async (error, reason) => {
    const channel = `C_${error}`;
    slack.refuseChannel(channel, error);
    const refused = await sink.upsertRoot(view, origin(channel), undefined).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeliveryRefused);
    expect((refused as DeliveryRefused).reason).toBe(reason);
  });

  test('other Slack errors are thrown as they are (the task retries)', async () => {
    slack.refuseChannel('C_ODD', 'fatal_error');
    const e = await sink.upsertRoot(view, origin('C_ODD'), undefined).catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(DeliveryRefused);
    expect((e as { data?: { error?: string } }).data?.error).toBe('fatal_error');
  });

  test('posting then editing returns the same message reference; stage cards go to its thread', async () => {
    const ref = await sink.upsertRoot(view, origin('C_OK'), undefined);
    expect(ref.threadRef).toBe(ref.messageRef);
    const edited = await sink.upsertRoot({ ...view, status: 'succeeded' }, origin('C_OK'), ref);
    expect(edited).toEqual(ref);
    expect(slack.roots('C_OK')).toHaveLength(1);
  });

  test("a finished run's root offers Buy credits by the balance the delivery read with the run, without asking balanceOf", async () => {
    let asked = 0;
    const withBalance = createSlackSink({
      clients: createSlackClients({ apiUrl: slack.apiUrl, tokens: singleWorkspaceTokens(TOKEN), logger }),
      logger,
      balanceOf: async () => (asked++, 100),
      lowBalanceBelow: 10,
    });
    const buttons = () => JSON.stringify(slack.callsTo('chat.postMessage').at(-1)?.args['blocks'] ?? []);
    await withBalance.upsertRoot({ ...view, status: 'succeeded' }, origin('C_LOW'), undefined, { balance: 3 });
    expect(buttons()).toContain('listing_buy_credits');
    await withBalance.upsertRoot({ ...view, status: 'succeeded' }, origin('C_RICH'), undefined, { balance: 30 });
    expect(buttons()).not.toContain('listing_buy_credits');
    expect(asked).toBe(0);
    // Without the delivery's balance the sink asks for it (100: no button).
    await withBalance.upsertRoot({ ...view, status: 'succeeded' }, origin('C_ASK'), undefined);
    expect(asked).toBe(1);
    expect(buttons()).not.toContain('listing_buy_credits');
  });

  test('private notes: response_url first, then chat.postEphemeral, then a direct message', async () => {
    await sink.notifyPrivately(origin('C_OK', slack.responseUrl('note')), 'first');
    expect(slack.responses.find((r) => r.id === 'note')?.body['text']).toBe('first');
    await sink.notifyPrivately(origin('C_OK'), 'second');
    expect(slack.callsTo('chat.postEphemeral').at(-1)?.args['text']).toBe('second');
    slack.refuseChannel('C_GONE', 'channel_not_found');
    await sink.notifyPrivately(origin('C_GONE', 'http://127.0.0.1:1/unreachable'), 'third');
    expect(slack.callsTo('chat.postMessage').at(-1)?.args).toMatchObject({ channel: 'U1', text: 'third' });
  });

  test('tokens are masked in whatever the Slack libraries log', () => {
    const l = boltLogger(logger);
    l.error('failed with', { token: TOKEN, nested: { t: `Bearer ${TOKEN}` } }, new Error(`bad ${TOKEN}`));
    expect(lines().join('\n')).not.toContain('sink-test-token');
    expect(lines().join('\n')).toContain('xoxb-[redacted]');
  });
});
