import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageSink } from '../../service/app/delivery/index.ts';
import { runs, workspaces } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import type { DiscordOrigin } from '../../bots/discord/sink.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { FIXTURES_DIR } from '../emulators/image-host.ts';
import { BOT_TOKEN, CHANNEL, command, discordEnv, startDiscordHarness, until } from '../discord/support.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * Issue 9 in Discord, end to end against the Discord API emulator (no model keys): `/listing
 * draft` with photos as attachment options is deferred publicly, @original becomes the draft
 * run's root, and its thread holds the photo feedback, the attributes and one copy-ready card per
 * marketplace. The photos come from the attachment CDN (the emulator stands in for it).
 */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
afterAll(() => discord.close());

const sinks: { discord?: MessageSink<DiscordOrigin> } = {};
const pipeline = await startTestPipeline(discordEnv(discord, signer), { sinks });
const db = pipeline.tdb.db;
const { logger } = memoryLogger([BOT_TOKEN]);
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger, discord, signer });
sinks.discord = h.sink;

/** `/listing draft photo1:… photo2:…` with the attachments in `resolved`, as Discord sends it. */
function draftCommand(attachments: readonly ReturnType<typeof discord.addAttachment>[], guildId?: string) {
  const interaction = command('draft', {}, guildId ? { guildId } : {});
  const data = interaction['data'] as { options: { options: unknown[] }[]; resolved?: unknown };
  data.options[0]!.options = attachments.map((a, i) => ({ name: `photo${i + 1}`, type: 11, value: a.id }));
  data.resolved = { attachments: Object.fromEntries(attachments.map((a) => [a.id, a])) };
  return interaction;
}

const photo = (rel: string) => readFileSync(path.join(FIXTURES_DIR, rel));

describe('/listing draft in Discord', () => {
  test('attachments → a public deferral; @original ends as the drafts root; thread: photo feedback, attributes, four marketplace cards', async () => {
    const attachments = [
      discord.addAttachment('sunnies.png', photo('saleor/saleor-sunnies.png'), 'image/png'),
      discord.addAttachment('banner.jpg', photo('saleor/apparel.jpg'), 'image/jpeg'),
    ];
    const interaction = draftCommand(attachments, '333333333333333333');
    const res = await h.send(interaction);
    expect(res.status).toBe(200);
    expect(res.json.type).toBe(5);
    expect(res.json.data?.flags ?? 0).toBe(0); // public: the drafts are for the channel

    const [run] = await db.select().from(runs).where(eq(runs.requestKey, interaction.id as string));
    expect(run?.kind).toBe('draft');
    const view = await pipeline.waitForRun(run!.id);
    expect(view.status).toBe('succeeded');

    const token = interaction.token as string;
    const original = await until('the drafts on @original', () => {
      const m = discord.original(token);
      return m?.content.match(/^Listing drafts (ready|written)/) ? m : undefined;
    });
    expect(original.content).toMatch(/Amazon \d+, eBay \d+, Etsy \d+, Shopify \d+/);
    expect(original.channel_id).toBe(CHANNEL);
    expect(discord.threads.get(original.id)?.name).toMatch(/listing drafts from 2 photos/);

    // The six cards arrive together when the run is done, packed into as few thread messages as
    // Discord's limits allow (bots/discord/render.ts renderStageDetails).
    const titles = ['Photo feedback', 'Product attributes', 'Amazon draft', 'eBay draft', 'Etsy draft', 'Shopify draft'];
    const cards = await until('six cards in the thread', () => {
      const m = discord.channelMessages(original.id);
      const text = m.map((c) => c.content).join('\n');
      return titles.every((t) => text.includes(`**${t}**`)) ? m : undefined;
    });
    expect(cards.length).toBeLessThan(titles.length);
    const contents = cards.map((c) => c.content).join('\n');
    for (const title of titles) expect(contents.split(`**${title}**`)).toHaveLength(2);
    const amazon = cards.find((c) => c.content.includes('**Amazon draft**'))!;
    const embed = JSON.stringify(amazon.embeds);
    expect(embed).toContain('```');
    expect(embed).toContain('**Bullet points**');
    // The transparent cutout is the main image, the yellow banner is to be reshot.
    expect(view.draft?.photos?.main.name).toBe('sunnies.png');
    expect(view.draft?.photos?.feedback.some((f) => f.name === 'banner.jpg' && f.issue === 'background')).toBe(true);
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.externalId, '333333333333333333'));
    expect(ws?.balance).toBe(26);
  });

  test('an attachment that is not an image is refused privately; nothing starts', async () => {
    const before = (await db.select().from(runs)).length;
    const pdf = discord.addAttachment('spec.pdf', Buffer.from('%PDF-1.4'), 'application/pdf');
    const res = await h.send(draftCommand([pdf]));
    expect(res.json.type).toBe(4);
    expect(res.json.data?.flags).toBe(64);
    expect(res.json.data?.content).toMatch(/spec\.pdf is not a photo/);
    expect((await db.select().from(runs)).length).toBe(before);
  });
});
