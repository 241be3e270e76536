import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageSink } from '../../service/app/delivery/index.ts';
import { putImage } from '../../service/db/repos/blobs.ts';
import { creditLedger, runs, workspaces } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import type { DiscordOrigin } from '../../bots/discord/sink.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { ADMIN, BOT_TOKEN, button, CHANNEL, command, discordEnv, GUILD, modalSubmit, ping, startDiscordHarness, until } from './support.ts';
import type { APIEmbed } from 'discord-api-types/v10';
import { embedLength, LIMITS } from '../../bots/discord/limits.ts';

/**
 * The Discord app end to end: signed interactions against buildApp (app.inject), the real
 * pipeline and worker on a test database, the real @discordjs/rest against the Discord emulator,
 * listings from the Apify emulator, no model keys (the offline rules engine).
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-test-token-123' });
const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));
apify.setItem('B07GTFSCHB', null);
afterAll(async () => {
  await discord.close();
  await apify.close();
  await images.close();
});

const sinks: { discord?: MessageSink<DiscordOrigin> } = {};
const pipeline = await startTestPipeline({ APIFY_TOKEN: 'apify-test-token-123', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host, ...discordEnv(discord, signer) }, { sinks });
const db = pipeline.tdb.db;
const { logger, lines } = memoryLogger([BOT_TOKEN]);
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger, discord, signer });
sinks.discord = h.sink;

const runCount = async () => (await db.select().from(runs)).length;
const workspaceCount = async () => (await db.select().from(workspaces)).length;

describe('POST /discord/interactions: verification', () => {
  test('PING is answered with PONG', async () => {
    const res = await h.send(ping());
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ type: 1 });
  });

  test('a bad signature gets 401 and nothing is created', async () => {
    const before = [await runCount(), await workspaceCount()];
    const res = await h.send(command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' }, { guildId: '111111111111111111' }), { tamper: true });
    expect(res.status).toBe(401);
    expect([await runCount(), await workspaceCount()]).toEqual(before);
  });

  test('a timestamp older than 5 minutes gets 401 (replay protection), even when correctly signed', async () => {
    const before = await runCount();
    const res = await h.send(command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' }), { timestampSec: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).toBe(401);
    expect(await runCount()).toBe(before);
  });

  test('an unsigned request gets 401', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/discord/interactions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(ping()) });
    expect(res.statusCode).toBe(401);
  });
});

describe('compare', () => {
  test('a signed compare is deferred (type 5) within 3 s; @original ends at the verdict, stage detail in a thread', async () => {
    // One 429 on the first edit of @original: the REST client waits retry_after and retries by itself.
    discord.rateLimitOnce((m, p) => m === 'PATCH' && p.endsWith('/messages/@original'), 0.2);
    const interaction = command('compare', { a: 'B0799CK52K', b: 'https://www.amazon.com/dp/B074M5HPBD' });
    const res = await h.send(interaction);
    expect(res.status).toBe(200);
    expect(res.json.type).toBe(5);
    expect(res.ms).toBeLessThan(3000);

    const [run] = await db.select().from(runs).where(eq(runs.requestKey, interaction.id as string));
    expect(run).toBeDefined();
    const view = await pipeline.waitForRun(run!.id);
    expect(view.status).toBe('succeeded');

    const token = interaction.token as string;
    const original = await until('the verdict on @original', () => {
      const m = discord.original(token);
      return m?.content.startsWith('Verdict: ') ? m : undefined;
    });
    const winner = view.verdict!.winner;
    expect(original.content).toMatch(winner === 'tie' ? /^Verdict: tie/ : new RegExp(`^Verdict: ${view.pair[winner].asin} wins`));
    expect(original.channel_id).toBe(CHANNEL);
    expect(JSON.stringify(original.components)).toContain(`ll:rerun:B0799CK52K:B074M5HPBD:${run!.id}`);
    const limited = discord.calls.findIndex((c) => c.status === 429 && c.path.includes(token));
    expect(limited).toBeGreaterThanOrEqual(0);
    expect(discord.calls.slice(limited + 1).find((c) => c.path === discord.calls[limited]!.path)?.status).toBe(200);

    // Detail: a thread on the root (id = the root's id), one card per settled stage, posted
    // together once the run is finished: one embed each, as few messages as Discord's limits
    // allow (10 embeds, 6,000 characters of embed text per message; these long cards need a few).
    const thread = discord.threads.get(original.id);
    expect(thread?.parentId).toBe(CHANNEL);
    const cards = await until('six stage cards', () => {
      const m = discord.channelMessages(original.id);
      return m.flatMap((c) => c.embeds).length >= view.stages.length ? m : undefined;
    });
    expect(cards.length).toBeLessThan(view.stages.length);
    for (const c of cards) expect(c.embeds.reduce((n: number, e) => n + embedLength(e as APIEmbed), 0)).toBeLessThanOrEqual(LIMITS.total);
    expect(cards.flatMap((c) => c.embeds).map((e) => (e as { title?: string }).title)).toEqual(['Fetch listings', 'Click (main image)', 'Conversion (gallery)', 'Copy (title, bullets, description)', 'Buyer personas', 'Verdict']);
    expect(cards.map((c) => c.content).join('\n')).toContain('Verdict');
    expect(discord.followUps(token)).toHaveLength(0);
    // The interaction token (a secret for 15 minutes) never reaches a log line.
    expect([...lines(), ...pipeline.logLines()].join('\n')).not.toContain(token);
  });

  test('the same interaction delivered twice creates one run', async () => {
    const interaction = command('compare', { a: 'B074M5HPBD', b: 'B0799CK52K' });
    const [first, second] = await Promise.all([h.send(interaction), h.send(interaction)]);
    expect([first.json.type, second.json.type]).toEqual([5, 5]);
    const matching = await db.select().from(runs).where(eq(runs.requestKey, interaction.id as string));
    expect(matching).toHaveLength(1);
    await pipeline.waitForRun(matching[0]!.id);
  });

  test('an invalid ASIN gets a private type-4 error and no run', async () => {
    const before = await runCount();
    const res = await h.send(command('compare', { a: 'B0799CK52', b: 'B074M5HPBD' }));
    expect(res.json.type).toBe(4);
    expect(res.json.data?.flags).toBe(64);
    expect(res.json.data?.content).toMatch(/Listing A/);
    const uk = await h.send(command('compare', { a: 'https://www.amazon.co.uk/dp/B0799CK52K', b: 'B074M5HPBD' }));
    expect(uk.json.data?.content).toMatch(/only amazon\.com/i);
    expect(await runCount()).toBe(before);
  });

  test('the same pair again within 24 h answers privately with the existing run and a Re-run fresh button', async () => {
    const res = await h.send(command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' }));
    expect(res.json.type).toBe(4);
    expect(res.json.data?.flags).toBe(64);
    expect(res.json.data?.content).toMatch(/last 24 hours/);
    // The button names the existing run: pressed here or on that run's message, it is one re-run.
    expect(JSON.stringify(res.json.data?.components)).toMatch(/ll:rerun:B0799CK52K:B074M5HPBD:[0-9a-f-]{36}/);
  });

  test('Re-run fresh (a button) starts one new fresh run: a double click (two interactions at once) makes one run and one charge', async () => {
    const who = { guildId: '333333333333333333' };
    const compare = command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' }, who);
    await h.send(compare);
    const [source] = await db.select().from(runs).where(eq(runs.requestKey, compare.id as string));
    await pipeline.waitForRun(source!.id);
    const root = await until('the verdict with its buttons', () => {
      const m = discord.original(compare.token as string);
      return m?.content.startsWith('Verdict: ') ? m : undefined;
    });
    const rerun = `ll:rerun:B0799CK52K:B074M5HPBD:${source!.id}`;
    expect(JSON.stringify(root.components)).toContain(rerun);

    const reserves = async () => db.select().from(creditLedger).where(and(eq(creditLedger.workspaceId, source!.workspaceId), eq(creditLedger.kind, 'reserve')));
    const before = { runs: await runCount(), reserves: (await reserves()).length };
    const clicks = [button(rerun, who), button(rerun, who)];
    const answers = await Promise.all(clicks.map((c) => h.send(c)));
    // One click opens the new run's message (deferred, public); the other is told, privately, where it went.
    expect(answers.map((a) => a.json.type).sort()).toEqual([4, 5]);
    const told = answers.find((a) => a.json.type === 4)!;
    expect(told.json.data?.flags).toBe(64);
    expect(told.json.data?.content).toMatch(/already pressed.*the new run is `[0-9a-f]{8}`/);

    const made = await db.select().from(runs).where(eq(runs.requestKey, `discord:rerun:run:${source!.id}`));
    expect(made).toHaveLength(1);
    expect(made[0]!.fresh).toBe(true);
    expect(told.json.data?.content).toContain(made[0]!.id.slice(0, 8));
    expect(await runCount()).toBe(before.runs + 1);
    const after = await reserves();
    expect(after).toHaveLength(before.reserves + 1);
    expect(after.filter((r) => r.runId === made[0]!.id).map((r) => r.amount)).toEqual([-10]);
    await pipeline.waitForRun(made[0]!.id);

    // A button from before buttons named their run is keyed on its message: a double click there is one run too.
    const legacy = () => ({ ...button('ll:rerun:B0799CK52K:B074M5HPBD', who), message: { id: root.id } });
    const old = await Promise.all([h.send(legacy()), h.send(legacy())]);
    expect(old.map((a) => a.json.type).sort()).toEqual([4, 5]);
    const legacyRuns = await db.select().from(runs).where(eq(runs.requestKey, `discord:rerun:message:${root.id}`));
    expect(legacyRuns).toHaveLength(1);
    expect(await runCount()).toBe(before.runs + 2);
    await pipeline.waitForRun(legacyRuns[0]!.id);
  });
});

describe('other subcommands and components', () => {
  test('credits answers privately with the balance; a DM is its own workspace, with no free credits', async () => {
    const res = await h.send(command('credits'));
    expect(res.json.type).toBe(4);
    expect(res.json.data?.flags).toBe(64);
    expect(res.json.data?.content).toMatch(/^Balance: \d+ credits/);
    const dm = await h.send(command('credits', {}, { guildId: null, userId: '42424242424242' }));
    expect(dm.json.data?.content).toMatch(/^Balance: 0 credits/);
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.externalId, 'dm:42424242424242'));
    expect(ws?.platform).toBe('discord');
    expect(ws?.balance).toBe(0);
  });

  test('a DM draws no free credits: a paid command there is refused, pointing to a server or buy; help and credits still work', async () => {
    const who = { guildId: null, userId: '43434343434343' };
    expect((await h.send(command('help', {}, who))).json.data?.content).toContain('/listing compare');
    const before = { runs: await runCount(), ledger: (await db.select().from(creditLedger)).length };
    const res = await h.send(command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD' }, who));
    expect(res.json.type).toBe(4);
    expect(res.json.data?.flags).toBe(64);
    expect(res.json.data?.content).toMatch(/Direct messages get no free credits: run `\/listing` in a server .*or use `buy`/);
    expect(JSON.stringify(res.json.data?.components)).toContain('ll:buy');
    expect({ runs: await runCount(), ledger: (await db.select().from(creditLedger)).length }).toEqual(before);
    expect((await h.send(command('credits', {}, who))).json.data?.content).toMatch(/^Balance: 0 credits/);
    // The same person in a server spends the server's credits (30 free ones, granted once to the server).
    const server = await h.send(command('credits', {}, { guildId: '444444444444444444', userId: '43434343434343' }));
    expect(server.json.data?.content).toMatch(/^Balance: 30 credits/);
  });

  test('help and status answer privately; an unknown job is a private error', async () => {
    expect((await h.send(command('help'))).json.data?.content).toContain('/listing compare');
    const status = await h.send(command('status', { job: '00000000' }));
    expect(status.json.type).toBe(4);
    expect(status.json.data?.flags).toBe(64);
  });

  test('Save as experiment answers privately; pin is for server admins only', async () => {
    const [run] = await db.select().from(runs).limit(1);
    const save = await h.send(button(`ll:save:${run!.id}`));
    expect(save.json.data?.flags).toBe(64);
    expect(save.json.data?.content).toMatch(/baseline/);
    const member = await h.send(command('experiment pin', { id: 'abcdef12' }));
    expect(member.json.data?.content).toMatch(/Only server admins/);
    const admin = await h.send(command('experiment pin', { id: 'abcdef12' }, { permissions: ADMIN }));
    expect(admin.json.data?.content).not.toMatch(/Only server admins/);
  });

  test('a failed acquisition offers the manual fallback: button → modal → the run starts again', async () => {
    const interaction = command('compare', { a: 'B0799CK52K', b: 'B07GTFSCHB' }, { guildId: '222222222222222222' });
    await h.send(interaction);
    const [run] = await db.select().from(runs).where(eq(runs.requestKey, interaction.id as string));
    const failed = await pipeline.waitForRun(run!.id);
    expect(failed.status).toBe('failed');
    const original = await until('the failure on @original', () => {
      const m = discord.original(interaction.token as string);
      return m?.content.startsWith('No verdict') ? m : undefined;
    });
    expect(JSON.stringify(original.components)).toContain(`ll:manual:${run!.id}:B`);

    const who = { guildId: '222222222222222222' };
    const modal = await h.send(button(`ll:manual:${run!.id}:B`, who));
    expect(modal.json.type).toBe(9);

    // A stored image's content address (another workspace's photo, say) is not an image a user may give.
    const bytes = Buffer.from('a photo stored for another workspace');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await putImage(db, { sha256, mediaType: 'image/jpeg', width: 1000, height: 1000, bytes, sourceUrl: null });
    const [before] = await db.select().from(runs).where(eq(runs.id, run!.id));
    const refused = await h.send(modalSubmit(`ll:manual:${run!.id}:B`, { title: 'Vitamin E Oil 2.5 oz', images: `sha256:${sha256}` }, who));
    expect(refused.json.type).toBe(4);
    expect(refused.json.data?.flags).toBe(64);
    expect(refused.json.data?.content).toMatch(/^Listing B: `sha256:[0-9a-f]{64}` is a stored-image reference.*http\(s\) link/);
    const [after] = await db.select().from(runs).where(eq(runs.id, run!.id));
    expect(after).toEqual(before);
    const submitted = await h.send(
      modalSubmit(`ll:manual:${run!.id}:B`, { title: 'Vitamin E Oil 2.5 oz', bullets: 'Moisturises dry skin', description: '', images: `${images.url}/abo/B07GTFSCHB/844a1cce.jpg` }, who),
    );
    expect(submitted.json.type).toBe(4);
    expect(submitted.json.data?.content).toMatch(/starts again/);
    const done = await pipeline.waitForRun(run!.id);
    expect(done.status).toBe('succeeded');
    await until('the verdict after the manual fallback', () => (discord.original(interaction.token as string)?.content.startsWith('Verdict: ') ? true : undefined));
  });

  test('the workspace of a guild interaction is the guild', async () => {
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.externalId, GUILD));
    expect(ws?.platform).toBe('discord');
  });
});
