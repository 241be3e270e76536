import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { runs, workspaceBrands } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { BOT_TOKEN, command, discordEnv, startDiscordHarness, USER } from './support.ts';

/** `/listing brand …` and `compare mine:` through signed interactions: private answers, what is stored. */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
afterAll(() => discord.close());
const pipeline = await startTestPipeline(discordEnv(discord, signer));
const db = pipeline.tdb.db;
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger: memoryLogger([BOT_TOKEN]).logger, discord, signer });

describe('brand list', () => {
  test('add, list and remove answer privately with what the list holds and what it does', async () => {
    const who = { guildId: '555555555555555555' };
    const add = await h.send(command('brand add', { brand: 'Starter' }, who));
    expect(add.json.type).toBe(4);
    expect(add.json.data?.flags).toBe(64);
    expect(add.json.data?.content).toBe(
      'Added Starter to the brand list.\nComparisons where one side is Starter are now marked as yours.\nThe brand list now holds 1 of 50: Starter.',
    );
    const asin = await h.send(command('brand add', { brand: 'b0799ck52k' }, who));
    expect(asin.json.data?.content).toContain('The brand list now holds 2 of 50: Starter, B0799CK52K (ASIN).');
    const list = await h.send(command('brand list', {}, who));
    expect(list.json.data?.flags).toBe(64);
    expect(list.json.data?.content).toMatch(/^The brand list holds 2 of 50: Starter, B0799CK52K \(ASIN\)\.\nA comparison where exactly one side/);
    const removed = await h.send(command('brand remove', { brand: 'STARTER' }, who));
    expect(removed.json.data?.content).toMatch(/^Removed Starter from the brand list/);
    const again = await h.send(command('brand remove', { brand: 'Starter' }, who));
    expect(again.json.data?.content).toMatch(/^Starter is not on the brand list: nothing changed\./);
    // Another server's list is its own.
    expect((await h.send(command('brand list', {}, { guildId: '666666666666666666' }))).json.data?.content).toMatch(/^The brand list is empty/);
    expect((await db.select().from(workspaceBrands)).map((r) => r.value)).toEqual(['B0799CK52K']);
  });

  test('a bad value is a private refusal that writes nothing', async () => {
    const before = (await db.select().from(workspaceBrands)).length;
    const res = await h.send(command('brand add', { brand: 'x'.repeat(101) }, { guildId: '777777777777777777' }));
    expect(res.json.data?.flags).toBe(64);
    expect(res.json.data?.content).toMatch(/at most 100 characters/);
    expect((await db.select().from(workspaceBrands)).length).toBe(before);
  });
});

describe('compare mine', () => {
  test('the mine option is stored on the run as asked; a bad value creates nothing', async () => {
    const who = { guildId: '888888888888888888' };
    const bad = await h.send(command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD', mine: 'C' }, who));
    expect(bad.json.type).toBe(4);
    expect(bad.json.data?.content).toMatch(/A \(the first\) or B \(the second\)/);
    expect(await db.select().from(runs)).toEqual([]);
    const res = await h.send(command('compare', { a: 'B0799CK52K', b: 'B074M5HPBD', mine: 'B' }, who));
    expect(res.json.type).toBe(5);
    const stored = await db.select({ mine: runs.mine, mineSource: runs.mineSource }).from(runs).where(eq(runs.requestedBy, USER));
    expect(stored).toEqual([{ mine: 'B', mineSource: 'asked' }]);
  });
});
