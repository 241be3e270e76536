import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { createDiscordApi } from '../../bots/discord/api.ts';
import { createDiscordSink, type DiscordOrigin } from '../../bots/discord/sink.ts';
import type { Scorecard } from '../../bots/scorecard/scorecard.ts';
import { deliverRun, type MessageSink } from '../../service/app/delivery/index.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { runs } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { APP_ID, BOT_TOKEN, CHANNEL, command, discordEnv, startDiscordHarness, until } from './support.ts';

/**
 * Issue 20 (chat part), Discord: a finished comparison's scorecard PNG is attached to its root
 * message (multipart `files[0]` + `payload_json` with `attachments: [{ id: 0, … }]`), shown as the
 * embed's image (`attachment://<filename>`), once: a retried delivery does not attach it again.
 *
 * Driven as test/discord/interactions.test.ts drives a run (signed interactions, the real pipeline,
 * @discordjs/rest against the emulator); the worker's Discord sink gets a scorecard renderer (a
 * tiny real PNG made with sharp) until service/main injects the real one.
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-discord-scorecard' });
const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));
const api = createDiscordApi({ apiUrl: discord.url, botToken: BOT_TOKEN });
afterAll(async () => {
  api.close();
  await discord.close();
  await apify.close();
  await images.close();
});

const PNG = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#26a' } }).png().toBuffer();
const ALT = 'Scorecard: B0799CK52K vs B074M5HPBD';
const renderScorecard = async (view: RunView): Promise<Scorecard> => ({ png: PNG, width: 4, height: 3, alt: ALT, filename: `listinglab-${view.shortId}.png` });

const { logger } = memoryLogger([BOT_TOKEN]);
let now = Date.now();
const clock = { now: () => now };
const sink = createDiscordSink({ api, clock, logger, renderScorecard });
const sinks: { discord?: MessageSink<DiscordOrigin> } = { discord: sink };
const pipeline = await startTestPipeline({ APIFY_TOKEN: 'apify-token-discord-scorecard', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host, ...discordEnv(discord, signer) }, { sinks });
const db = pipeline.tdb.db;
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger, discord, signer });

const scorecardRows = (runId: string) => pipeline.tdb.sql<{ message_ref: string }[]>`select message_ref from chat_messages where run_id = ${runId} and key = 'scorecard'`;
const multipartEdits = (path: (p: string) => boolean) => discord.calls.filter((c) => c.method === 'PATCH' && path(c.path) && c.files?.length);

describe('the scorecard in Discord', () => {
  let runId = '';
  let token = '';

  test('the final root carries the PNG as an attachment, shown as its embed image, sent as multipart', async () => {
    const interaction = command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' });
    expect((await h.send(interaction)).json.type).toBe(5);
    token = interaction.token as string;
    const [run] = await db.select().from(runs).where(eq(runs.requestKey, interaction.id as string));
    runId = run!.id;
    const view = await pipeline.waitForRun(runId);
    expect(view.status).toBe('succeeded');
    const original = await until('the scorecard on @original', () => (discord.original(token)?.attachments.length ? discord.original(token) : undefined));

    const filename = `listinglab-${view.shortId}.png`;
    expect(original.content).toMatch(/^Verdict: /);
    expect(original.attachments).toHaveLength(1);
    const [att] = original.attachments;
    expect(att).toMatchObject({ filename, description: ALT, contentType: 'image/png' });
    expect(att!.bytes.equals(PNG)).toBe(true);
    // The image sits in the result's embed, which points at the attachment by name.
    expect((original.embeds[0] as { image?: { url?: string } }).image).toEqual({ url: `attachment://${filename}` });
    // The CDN serves the bytes (what a Discord client shows).
    const served = Buffer.from(await (await fetch(att!.url)).arrayBuffer());
    expect(served.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    // One multipart edit of @original (files[0] and payload_json), by the interaction token.
    const edits = multipartEdits((p) => p === `/webhooks/${APP_ID}/${token}/messages/@original`);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.files).toEqual([{ name: filename, contentType: 'image/png', size: PNG.length }]);
    expect(edits[0]!.body).toMatchObject({ attachments: [{ id: 0, filename, description: ALT }] });
    expect(edits[0]!.authorization).toBeUndefined();
    // Recorded right after the edit returns: on a loaded machine the test can look first.
    expect(await until('the scorecard recorded', async () => ((await scorecardRows(runId)).length ? scorecardRows(runId) : undefined))).toEqual([{ message_ref: original.id }]);
    // The thread still holds the six stage cards (together, one embed each), and no image.
    const cards = await until('the stage cards', () => (discord.channelMessages(original.id).flatMap((c) => c.embeds).length >= 6 ? discord.channelMessages(original.id) : undefined));
    expect(cards.flatMap((c) => c.embeds)).toHaveLength(6);
    expect(cards.every((c) => c.attachments.length === 0)).toBe(true);
  });

  test('a retried delivery attaches nothing again', async () => {
    const calls = discord.calls.length;
    await deliverRun({ db, sinks, logger }, runId);
    expect(discord.calls.slice(calls).filter((c) => c.files?.length)).toEqual([]);
    expect(discord.original(token)!.attachments).toHaveLength(1);
  });

  test('once the token has expired, the bot edits the stored root with the same attachment; repeating it still leaves one', async () => {
    await pipeline.tdb.sql`delete from chat_messages where run_id = ${runId} and key = 'scorecard'`;
    now += 16 * 60_000;
    const root = discord.original(token)!;
    await deliverRun({ db, sinks, logger }, runId);
    await pipeline.tdb.sql`delete from chat_messages where run_id = ${runId} and key = 'scorecard'`;
    await deliverRun({ db, sinks, logger }, runId);
    const edits = multipartEdits((p) => p === `/channels/${CHANNEL}/messages/${root.id}`);
    expect(edits).toHaveLength(2);
    expect(edits[0]!.authorization).toBe(`Bot ${BOT_TOKEN}`);
    // `attachments` in each edit replaces the message's: one image, the newest.
    expect(root.attachments).toHaveLength(1);
    expect(root.attachments[0]!.bytes.equals(PNG)).toBe(true);
    expect(await scorecardRows(runId)).toEqual([{ message_ref: root.id }]);
  });
});
