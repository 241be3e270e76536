import { afterAll, describe, expect, test } from 'vitest';
import { createDiscordApi } from '../../bots/discord/api.ts';
import { createSlackClients, singleWorkspaceTokens } from '../../bots/slack/clients.ts';
import { registry } from '../../service/support/metrics.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { startSlackEmulator } from '../emulators/slack.ts';
import { memoryLogger } from '../support/logger.ts';

/** Issue 21 item 3 (stretch): chat API calls and the rate limits they met, by platform. */

const SLACK_TOKEN = 'xoxb-test-metrics-chat-token';
const DISCORD_TOKEN = 'discord-bot-token-metrics-chat';
const slack = await startSlackEmulator();
const discord = await startDiscordEmulator({ botToken: DISCORD_TOKEN });
const api = createDiscordApi({ apiUrl: discord.url, botToken: DISCORD_TOKEN });
afterAll(async () => {
  api.close();
  await slack.close();
  await discord.close();
});

const value = async (name: string, labels: Record<string, string>) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
};

describe('chat API metrics', () => {
  test('Slack: calls by outcome, and a 429 waited out', async () => {
    const { logger } = memoryLogger([SLACK_TOKEN]);
    const client = createSlackClients({ apiUrl: slack.apiUrl, tokens: singleWorkspaceTokens(SLACK_TOKEN), logger }).forToken(SLACK_TOKEN);
    slack.rateLimitOnce('chat.postMessage', 0);
    await client.chat.postMessage({ channel: 'C-metrics', text: 'hello' });
    slack.refuseChannel('C-refused');
    await expect(client.chat.postMessage({ channel: 'C-refused', text: 'no' })).rejects.toThrow();
    expect(await value('listinglab_chat_api_calls_total', { platform: 'slack', outcome: 'ok' })).toBe(1);
    expect(await value('listinglab_chat_api_calls_total', { platform: 'slack', outcome: 'error' })).toBe(1);
    expect(await value('listinglab_chat_rate_limited_total', { platform: 'slack' })).toBe(1);
  });

  test('Discord: calls by outcome, and a 429 waited out', async () => {
    discord.rateLimitOnce(undefined, 0.05);
    await api.postMessage('C-metrics', { content: 'hello' });
    expect(await value('listinglab_chat_api_calls_total', { platform: 'discord', outcome: 'ok' })).toBe(1);
    expect(await value('listinglab_chat_rate_limited_total', { platform: 'discord' })).toBeGreaterThanOrEqual(1);
  });
});
