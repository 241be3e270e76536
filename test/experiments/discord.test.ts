import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { listingCommand } from '../../bots/discord/commands.ts';
import type { DiscordOrigin } from '../../bots/discord/sink.ts';
import type { MessageSink } from '../../service/app/delivery/index.ts';
import { experimentRuns, experiments, runs } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { ADMIN, BOT_TOKEN, button, command, discordEnv, startDiscordHarness, type Who, until } from '../discord/support.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * Issue 8 on Discord: the `experiment` group is registered; Save as experiment answers with a
 * string select menu of the change tags (1–8) whose choice starts a linked, fresh re-run as a new
 * public message; the deltas land in the run's thread; pin stays with admins; another server's
 * ids are "not found".
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-discord-experiments' });
const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));
afterAll(async () => {
  await discord.close();
  await apify.close();
  await images.close();
});

const sinks: { discord?: MessageSink<DiscordOrigin> } = {};
const pipeline = await startTestPipeline({ APIFY_TOKEN: 'apify-token-discord-experiments', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host, ...discordEnv(discord, signer) }, { sinks });
const db = pipeline.tdb.db;
const { logger } = memoryLogger([BOT_TOKEN]);
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger, discord, signer });
sinks.discord = h.sink;

const OTHER_GUILD = '333333333333333333';
const select = (customId: string, values: string[], who: Who = {}): Record<string, unknown> => ({ ...button(customId, who), data: { custom_id: customId, component_type: 3, values } });

type Menu = { type: number; custom_id: string; min_values: number; max_values: number; options: { value: string }[] };

let runId = '';
let experimentId = '';
let menuId = '';

describe('experiments on Discord', () => {
  test('the registered /listing has the experiment group with the options the grammar reads', () => {
    const group = listingCommand().options!.find((o) => o.name === 'experiment') as { options: { name: string }[] } | undefined;
    expect(group?.options.map((o) => o.name)).toEqual(['save', 'list', 'show', 'pin', 'unpin', 'rerun']);
  });

  test('Save as experiment answers privately with the baseline and a select menu of the change tags (min 1, max 8)', async () => {
    const compare = command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' });
    expect((await h.send(compare)).json.type).toBe(5);
    const [run] = await db.select().from(runs).where(eq(runs.requestKey, compare.id as string));
    runId = run!.id;
    await pipeline.waitForRun(runId);
    const save = await h.send(button(`ll:save:${runId}`));
    expect(save.json.type).toBe(4);
    expect(save.json.data?.flags).toBe(64);
    expect(save.json.data?.content).toMatch(/Saved run `[0-9a-f]{8}` as the baseline of experiment/);
    experimentId = (await db.select().from(experiments))[0]!.id;
    const rows = save.json.data!.components as { type: number; components: Menu[] }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.components).toHaveLength(1); // a select menu has its action row to itself
    const menu = rows[0]!.components[0]!;
    menuId = menu.custom_id;
    expect(menu).toMatchObject({ type: 3, custom_id: `ll:tags:${experimentId}`, min_values: 1, max_values: 8 });
    expect(menu.options.map((o) => o.value)).toEqual(['main-image', 'gallery', 'title', 'bullets', 'description', 'price', 'aplus', 'other']);
  });

  test('choosing tags starts a fresh re-run linked to the experiment, as a new public message; its thread gets the deltas', async () => {
    const pick = select(menuId, ['title', 'price']);
    const res = await h.send(pick);
    expect(res.json.type).toBe(5);
    expect(res.json.data?.flags ?? 0).toBe(0); // public: the re-run's root message
    const [run] = await db.select().from(runs).where(eq(runs.requestKey, pick.id as string));
    expect(run?.fresh).toBe(true);
    const [link] = await db.select().from(experimentRuns).where(eq(experimentRuns.runId, run!.id));
    expect(link).toMatchObject({ experimentId, tags: ['title', 'price'] });
    await pipeline.waitForRun(run!.id);
    const root = await until('the verdict on @original', () => {
      const m = discord.original(pick.token as string);
      return m?.content.startsWith('Verdict: ') ? m : undefined;
    });
    const card = await until('the experiment card', () =>
      discord.messages.find((m) => m.channel_id === (discord.threads.get(root.id)?.id ?? '') && m.content.startsWith('Experiment `')),
    );
    expect(card.content).toContain(`Experiment \`${experimentId.slice(0, 8)}\``);
    expect(JSON.stringify(card.embeds)).toMatch(/Copy \(title, bullets, description\): A [\d.]+ → [\d.]+ \(±0\.0\)/);
    expect(JSON.stringify(card.components)).toContain(`ll:tags:${experimentId}`);
  });

  test('show, list and rerun through /listing experiment; pin is for admins', async () => {
    const show = await h.send(command('experiment show', { id: experimentId.slice(0, 8) }));
    expect(show.json.data?.flags).toBe(64);
    expect(JSON.stringify(show.json.data?.embeds)).toMatch(/Re-run `[0-9a-f]{8}` \(\d{4}-\d\d-\d\d, changed: title, price\)/);
    const list = await h.send(command('experiment list'));
    expect(list.json.data?.content).toContain(experimentId.slice(0, 8));
    expect((await h.send(command('experiment pin', { id: experimentId.slice(0, 8) }))).json.data?.content).toMatch(/Only server admins/);
    const pinned = (await h.send(command('experiment pin', { id: experimentId.slice(0, 8) }, { permissions: ADMIN }))).json.data;
    expect(pinned?.content).toMatch(/^Pinned experiment/);
    // The note is the content line; the embed does not say it a second time.
    expect(JSON.stringify(pinned?.embeds)).not.toContain('Pinned experiment');
    const [exp] = await db.select().from(experiments);
    expect(exp?.pinned).toBe(true);
    const rerun = command('experiment rerun', { id: experimentId.slice(0, 8), tags: 'gallery, bullets' });
    expect((await h.send(rerun)).json.type).toBe(5);
    const [run] = await db.select().from(runs).where(eq(runs.requestKey, rerun.id as string));
    await pipeline.waitForRun(run!.id);
  });

  test("another server's run and experiment are not found: save, show, pin, unpin, rerun (text and menu), status", async () => {
    const other = { guildId: OTHER_GUILD, permissions: ADMIN };
    const runsBefore = (await db.select().from(runs)).length;
    const linksBefore = (await db.select().from(experimentRuns)).length;
    const answers = [
      await h.send(button(`ll:save:${runId}`, other)),
      await h.send(command('experiment save', { job: runId.slice(0, 8) }, other)),
      await h.send(command('experiment show', { id: experimentId.slice(0, 8) }, other)),
      await h.send(command('experiment pin', { id: experimentId.slice(0, 8) }, other)),
      await h.send(command('experiment unpin', { id: experimentId }, other)),
      await h.send(command('experiment rerun', { id: experimentId.slice(0, 8), tags: 'title' }, other)),
      await h.send(select(menuId, ['title'], other)),
      await h.send(command('status', { job: runId.slice(0, 8) }, other)),
    ];
    for (const a of answers) {
      // A re-run answers deferred (public) first; the refusal then replaces it privately.
      const content = a.json.type === 5 ? await until('the private refusal', () => discord.messages.find((m) => m.flags === 64 && /No (run|experiment)/.test(m.content) && !m.deleted)?.content) : a.json.data?.content;
      expect(content).toMatch(/No (run|experiment) `[0-9a-f-]{8,36}` in this workspace/);
    }
    expect((await db.select().from(runs)).length).toBe(runsBefore);
    expect((await db.select().from(experimentRuns)).length).toBe(linksBefore);
    expect((await db.select().from(experiments))[0]?.pinned).toBe(true);
  });
});
