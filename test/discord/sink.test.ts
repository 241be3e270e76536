import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { createDiscordApi, DiscordCallFailed } from '../../bots/discord/api.ts';
import { createDiscordSink, type DiscordOrigin } from '../../bots/discord/sink.ts';
import { DeliveryRefused, type MessageRef } from '../../service/app/delivery/index.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { memoryLogger } from '../support/logger.ts';
import { APP_ID, BOT_TOKEN, CHANNEL, GUILD, USER } from './support.ts';
import { finishedView, runningView } from './views.ts';

/** The Discord MessageSink through the real @discordjs/rest against the emulator. */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const api = createDiscordApi({ apiUrl: discord.url, botToken: BOT_TOKEN });
afterAll(async () => {
  api.close();
  await discord.close();
});

let now = 1_760_000_000_000;
const clock = { now: () => now };
const { logger, lines } = memoryLogger([BOT_TOKEN]);
let low = false;
const sink = createDiscordSink({ api, clock, logger, lowCredits: async () => low });

let n = 0;
/** A fresh interaction whose deferred response Discord has received. */
function origin(opts: { guild?: boolean; expiresInMs?: number; channelId?: string } = {}): DiscordOrigin {
  const token = `sink-token-${++n}-c2VjcmV0LWludGVyYWN0aW9u`;
  const channelId = opts.channelId ?? CHANNEL;
  discord.respond({ token, channel_id: channelId }, { type: 5 });
  return {
    platform: 'discord',
    applicationId: APP_ID,
    interactionToken: token,
    tokenExpiresAt: now + (opts.expiresInMs ?? 15 * 60_000),
    channelId,
    ...(opts.guild === false ? {} : { guildId: GUILD }),
    userId: USER,
  };
}

const callsSince = (mark: number) => discord.calls.slice(mark).map((c) => `${c.method} ${c.path.replace(/sink-token-[^/]+/, ':token')}`);

beforeEach(() => {
  low = false;
});


/** Posts cards and answers the first message's reference (what postStageDetails tells `posted`). */
async function postCards(v: RunView, stages: RunView['stages'], o: DiscordOrigin, root: MessageRef): Promise<MessageRef> {
  const refs: MessageRef[] = [];
  await sink.postStageDetails(v, stages, o, root, async (_cards, posted) => {
    refs.push(posted);
  });
  return refs[0]!;
}

describe('root message', () => {
  test('while the token lives: @original is edited, then a thread is started on it', async () => {
    const o = origin();
    const mark = discord.calls.length;
    const ref = await sink.upsertRoot(runningView(), o, undefined);
    const original = discord.original(o.interactionToken)!;
    expect(ref).toEqual({ channelId: CHANNEL, messageRef: original.id, threadRef: original.id });
    expect(original.content).toMatch(/^Comparing /);
    expect(callsSince(mark)).toEqual([`PATCH /webhooks/${APP_ID}/:token/messages/@original`, `POST /channels/${CHANNEL}/messages/${original.id}/threads`]);
    // The webhook call carries no bot token; the thread call does.
    expect(discord.calls.at(-2)!.authorization).toBeUndefined();
    expect(discord.calls.at(-1)!.authorization).toBe(`Bot ${BOT_TOKEN}`);

    const card = await postCards(finishedView(), [finishedView().stages[1]!], o, ref);
    expect(card.channelId).toBe(original.id);
    expect(discord.channelMessages(original.id).at(-1)!.content).toMatch(/Click \(main image\)/);
  });

  test('settled stages go together: every card once, one embed each, as few thread messages as the limits allow', async () => {
    const o = origin();
    const ref = await sink.upsertRoot(runningView(), o, undefined);
    const v = finishedView();
    const told: { names: string[]; ref: MessageRef }[] = [];
    await sink.postStageDetails(v, v.stages, o, ref, async (cards, posted) => {
      told.push({ names: cards.map((c) => c.name), ref: posted });
    });
    const inThread = discord.channelMessages(ref.threadRef!);
    expect(told.map((t) => t.ref.messageRef)).toEqual(inThread.map((m) => m.id));
    expect(told.flatMap((t) => t.names)).toEqual(v.stages.map((s) => s.name));
    expect(inThread.length).toBeLessThan(v.stages.length);
    for (const [i, m] of inThread.entries()) expect(m.embeds).toHaveLength(told[i]!.names.length);
  });

  test('after 15 minutes the root is edited with the bot token on the stored message id', async () => {
    const o = origin();
    const ref = await sink.upsertRoot(runningView(), o, undefined);
    now += 16 * 60_000;
    low = true;
    const mark = discord.calls.length;
    const again = await sink.upsertRoot(finishedView(), o, ref);
    expect(again).toEqual(ref);
    expect(callsSince(mark)).toEqual([`PATCH /channels/${CHANNEL}/messages/${ref.messageRef}`]);
    const root = discord.original(o.interactionToken)!;
    expect(root.content).toMatch(/^Verdict: B0799CK52K wins/);
    expect(JSON.stringify(root.components)).toContain('ll:buy');
  });

  test('a token Discord already refuses (Invalid Webhook Token) falls back to the bot token', async () => {
    const o = origin();
    const ref = await sink.upsertRoot(runningView(), o, undefined);
    discord.expireToken(o.interactionToken);
    const mark = discord.calls.length;
    await sink.upsertRoot(finishedView(), o, ref);
    expect(callsSince(mark)).toEqual([`PATCH /webhooks/${APP_ID}/:token/messages/@original`, `PATCH /channels/${CHANNEL}/messages/${ref.messageRef}`]);
  });

  test('a root never posted while the token lived is posted by the bot, with its thread', async () => {
    const o = origin({ expiresInMs: -1 });
    const ref = await sink.upsertRoot(runningView(), o, undefined);
    const posted = discord.channelMessages(CHANNEL).find((m) => m.id === ref.messageRef)!;
    expect(posted.token).toBeUndefined();
    expect(ref.threadRef).toBe(posted.id);
  });

  test('an edit before Discord has the deferral (Unknown Webhook) is retried later, not posted twice', async () => {
    const o = { ...origin(), interactionToken: 'never-answered-token-dW5rbm93bg' };
    const mark = discord.calls.length;
    await expect(sink.upsertRoot(runningView(), o, undefined)).rejects.toBeInstanceOf(DiscordCallFailed);
    expect(callsSince(mark)).toHaveLength(1);
    // A token still unknown minutes later will not start working: the bot posts the root instead.
    const older = { ...o, tokenExpiresAt: now + 10 * 60_000 };
    const ref = await sink.upsertRoot(runningView(), older, undefined);
    expect(discord.channelMessages(CHANNEL).find((m) => m.id === ref.messageRef)?.token).toBeUndefined();
  });

  test('a 429 is waited out by the REST client (retry_after), then the edit goes through', async () => {
    const o = origin();
    discord.rateLimitOnce((m, p) => m === 'PATCH' && p.includes(o.interactionToken), 0.1);
    const mark = discord.calls.length;
    await sink.upsertRoot(runningView(), o, undefined);
    expect(discord.calls.slice(mark).map((c) => c.status)).toEqual([429, 200, 201]);
  });

  test('Missing Access (50001) and Missing Permissions (50013) become DeliveryRefused, without any token in the error', async () => {
    const denied = origin({ expiresInMs: -1, channelId: '555000000000000001' });
    discord.denyChannel(denied.channelId, 50001);
    const e1 = await sink.upsertRoot(runningView(), denied, undefined).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(DeliveryRefused);
    expect((e1 as DeliveryRefused).reason).toBe('not_in_channel');
    const muted = origin({ expiresInMs: -1, channelId: '555000000000000002' });
    discord.denyChannel(muted.channelId, 50013);
    const e2 = await sink.upsertRoot(runningView(), muted, undefined).catch((e: unknown) => e);
    expect((e2 as DeliveryRefused).reason).toBe('missing_permissions');
    for (const e of [e1, e2]) expect(JSON.stringify({ m: (e as Error).message, s: (e as Error).stack })).not.toMatch(new RegExp(`${BOT_TOKEN}|sink-token`));
  });
});

describe('stage detail without a thread', () => {
  test('thread creation refused (403): cards go out as follow-up messages while the token lives', async () => {
    discord.refuseThreads(50013);
    try {
      const o = origin();
      const ref = await sink.upsertRoot(runningView(), o, undefined);
      expect(ref.threadRef).toBeNull();
      const v = finishedView();
      const card = await postCards(v, [v.stages[2]!], o, ref);
      expect(discord.followUps(o.interactionToken).map((m) => m.id)).toEqual([card.messageRef]);
      expect(discord.followUps(o.interactionToken)[0]!.flags & 64).toBe(0);
      expect(lines().join('\n')).toMatch(/no thread permission/);

      // …and as replies to the root from the bot once the token has expired.
      now += 16 * 60_000;
      const late = await postCards(v, [v.stages[3]!], o, ref);
      const reply = discord.channelMessages(CHANNEL).find((m) => m.id === late.messageRef)!;
      expect(reply.message_reference).toMatchObject({ message_id: ref.messageRef });
    } finally {
      discord.refuseThreads(null);
    }
  });

  test('in a DM no thread is attempted', async () => {
    const o = origin({ guild: false });
    const mark = discord.calls.length;
    const ref = await sink.upsertRoot(runningView(), o, undefined);
    expect(ref.threadRef).toBeNull();
    expect(callsSince(mark)).toHaveLength(1);
  });
});

describe('private and workspace notices', () => {
  test('notifyPrivately sends an ephemeral follow-up while the token lives, nothing after', async () => {
    const o = origin();
    await sink.notifyPrivately(o, 'Invite me first');
    const [m] = discord.followUps(o.interactionToken);
    expect(m!.flags & 64).toBe(64);
    expect(m!.content).toBe('Invite me first');
    const expired = origin({ expiresInMs: -1 });
    const mark = discord.calls.length;
    await sink.notifyPrivately(expired, 'too late');
    expect(discord.calls.length).toBe(mark);
  });

  test('postNotice posts in the channel with the bot token', async () => {
    await sink.postNotice(GUILD, CHANNEL, '500 credits added by a purchase');
    expect(discord.channelMessages(CHANNEL).at(-1)!.content).toBe('500 credits added by a purchase');
    expect(discord.calls.at(-1)!.authorization).toBe(`Bot ${BOT_TOKEN}`);
  });
});
