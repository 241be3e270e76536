import { afterAll, describe, expect, test } from 'vitest';
import type { AppServices } from '../../service/app/services.ts';
import { parseConfig } from '../../service/config/schema.ts';
import type { Run } from '../../service/db/repos/runs.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { memoryLogger } from '../support/logger.ts';
import { BOT_TOKEN, command, discordEnv, startDiscordHarness } from './support.ts';

/**
 * Discord gives up on an interaction after 3 s. Work that outlasts the ack deadline is answered
 * deferred at once and finished through the interaction webhook. Use-cases are stand-ins here
 * (slow on purpose); the database plays no part in the timing.
 */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
afterAll(() => discord.close());
const parsed = parseConfig(discordEnv(discord, signer));
if (!parsed.ok) throw new Error(parsed.errors.join('; '));

const slow = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const SLOW_MS = 400;
const services = {
  credits: () => slow(SLOW_MS, { balance: 7, usedToday: 0, dailyCap: 200, recent: [] }),
  history: () => slow(SLOW_MS, []),
  startComparison: () => slow(SLOW_MS, { kind: 'existing', reason: 'recent_pair', run: { id: '3f2a9c1e-8b7d-4e21-9a6f-0c5d4b3a2e1f' } as Run, queuePosition: null }),
  status: () => Promise.reject(new Error('not used')),
  completeManually: () => Promise.reject(new Error('not used')),
  buy: () => Promise.reject(new Error('not used')),
  admitFreeCommand: () => Promise.resolve(),
} as unknown as AppServices;

const { logger } = memoryLogger([BOT_TOKEN]);
const h = await startDiscordHarness({ config: parsed.config, services, logger, discord, signer, ackDeadlineMs: 100 });

async function until(probe: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the ack deadline', () => {
  test('slow private work: an ephemeral deferral at once, then @original edited with the answer', async () => {
    const i = command('credits');
    const res = await h.send(i);
    expect(res.json).toEqual({ type: 5, data: { flags: 64 } });
    expect(res.ms).toBeLessThan(SLOW_MS);
    await until(() => discord.original(i.token as string)?.content.startsWith('Balance: 7 credits') ?? false);
    // Low balance: the answer offers Buy credits.
    expect(JSON.stringify(discord.original(i.token as string)!.components)).toContain('ll:buy');
  });

  test('a slow compare that turns out private: the public "thinking…" is deleted, the answer follows privately', async () => {
    const i = command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' });
    const res = await h.send(i);
    expect(res.json).toEqual({ type: 5 });
    await until(() => discord.followUps(i.token as string).length === 1);
    expect(discord.original(i.token as string)!.deleted).toBe(true);
    const [reply] = discord.followUps(i.token as string);
    expect(reply!.flags & 64).toBe(64);
    expect(reply!.content).toMatch(/last 24 hours/);
  });

  test('closing the app waits for answers still in flight', async () => {
    const i = command('history');
    await h.send(i);
    await h.app.close();
    expect(discord.original(i.token as string)?.content).toMatch(/No comparisons yet/);
  });
});
