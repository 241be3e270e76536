import { afterAll, describe, expect, test } from 'vitest';
import { customId } from '../../bots/discord/components.ts';
import { outcomes } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { BOT_TOKEN, button, command, discordEnv, modalSubmit, startDiscordHarness, USER } from '../discord/support.ts';
import { seedRun } from './seed.ts';

/** `/listing outcome`, `/listing calibration` and the "Record real result" button through signed interactions. */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
afterAll(() => discord.close());
const pipeline = await startTestPipeline(discordEnv(discord, signer));
const db = pipeline.tdb.db;
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger: memoryLogger([BOT_TOKEN]).logger, discord, signer });

const GUILD = '123412341234123412';
const OTHER_GUILD = '432143214321432143';
const who = { guildId: GUILD };
const runId = await seedRun(db, { platform: 'discord', externalId: GUILD }, { verdict: { winner: 'B', clickWinner: 'A', confidence: 0.81 } });
const short = runId.slice(0, 8);

describe('/listing outcome and calibration', () => {
  test('records privately, against the verdict; again replaces it', async () => {
    const first = await h.send(command('outcome', { job: short, result: 'B', click: 'A', note: 'Seller Central, 30 days' }, who));
    expect(first.json.type).toBe(4);
    expect(first.json.data?.flags).toBe(64);
    expect(first.json.data?.content).toMatch(/^Recorded: B really won\. ListingLab said B would win \(a clear win, 81%\) — a hit\.\nThe click: A really won it; ListingLab said A would — a hit\.\nNote: Seller Central, 30 days\n/);
    const again = await h.send(command('outcome', { job: runId, result: 'A' }, who));
    expect(again.json.data?.content).toMatch(/^Recorded: A really won\. ListingLab said B would win \(a clear win, 81%\) — a miss\./);
    expect(again.json.data?.content).toContain('This replaces the earlier answer (B won, the click won by A, note “Seller Central, 30 days”;');
    expect(await db.select({ result: outcomes.result, clickResult: outcomes.clickResult, recordedBy: outcomes.recordedBy }).from(outcomes)).toEqual([{ result: 'A', clickResult: null, recordedBy: USER }]);
  });

  test('a bad side is refused before anything runs; another server gets "not found"; nothing is written', async () => {
    const before = await db.select().from(outcomes);
    const bad = await h.send(command('outcome', { job: short, result: 'C' }, who));
    expect(bad.json.data?.flags).toBe(64);
    expect(bad.json.data?.content).toContain('The real result is A (the first listing won), B (the second won) or tie');
    const other = await h.send(command('outcome', { job: short, result: 'B' }, { guildId: OTHER_GUILD }));
    expect(other.json.data?.content).toBe(`No run \`${short}\` in this workspace.`);
    expect(await db.select().from(outcomes)).toEqual(before);
  });

  test('calibration: the table, privately, for this server only', async () => {
    const mine = await h.send(command('calibration', {}, who));
    expect(mine.json.data?.flags).toBe(64);
    expect(mine.json.data?.content).toMatch(/^Calibration: 1 real result recorded in this workspace\./);
    expect(mine.json.data?.content).toContain('clear (70% and above): 1 outcome, 0 right — not enough outcomes yet (10 needed)');
    const other = await h.send(command('calibration', {}, { guildId: OTHER_GUILD }));
    expect(other.json.data?.content).toMatch(/^No real results recorded in this workspace yet\./);
  });
});

describe('Record real result (button → modal → submission)', () => {
  const id = customId({ kind: 'outcome', runId });

  test(`the button (${'ll:outcome:<run id>'}) opens the form filled with the outcome so far`, async () => {
    const res = await h.send(button(id, who));
    expect(res.json.type).toBe(9);
    const data = res.json['data'] as { custom_id: string; title: string; components: { components: { custom_id: string; value?: string; label: string }[] }[] };
    expect(data.custom_id).toBe(id);
    expect(data.title).toBe(`Real result of run ${short}`);
    expect(data.title.length).toBeLessThanOrEqual(45);
    const inputs = data.components.map((r) => r.components[0]!);
    expect(inputs.map((c) => c.custom_id)).toEqual(['result', 'click', 'note']);
    expect(inputs[0]!.value).toBe('A');
    for (const c of inputs) expect(c.label.length).toBeLessThanOrEqual(45);
  });

  test('submitting records it through the same reply; a bad side is refused and writes nothing', async () => {
    const before = await db.select().from(outcomes);
    const bad = await h.send(modalSubmit(id, { result: 'X', click: '', note: '' }, who));
    expect(bad.json.data?.flags).toBe(64);
    expect(bad.json.data?.content).toContain('The real result is A (the first listing won), B (the second won) or tie');
    expect(await db.select().from(outcomes)).toEqual(before);
    const ok = await h.send(modalSubmit(id, { result: 'tie', click: 'b', note: 'both sold the same' }, who));
    expect(ok.json.data?.flags).toBe(64);
    expect(ok.json.data?.content).toMatch(/^Recorded: it was really a tie\. ListingLab said B would win \(a clear win, 81%\) — a miss\.\nThe click: B really won it; ListingLab said A would — a miss\./);
    expect(await db.select({ result: outcomes.result, clickResult: outcomes.clickResult, note: outcomes.note }).from(outcomes)).toEqual([{ result: 'tie', clickResult: 'B', note: 'both sold the same' }]);
  });

  test('another server can neither open the form nor submit it', async () => {
    const before = await db.select().from(outcomes);
    const press = await h.send(button(id, { guildId: OTHER_GUILD }));
    expect(press.json.type).toBe(4);
    expect(press.json.data?.content).toMatch(/^No run `[0-9a-f-]{36}` in this workspace\./);
    const submit = await h.send(modalSubmit(id, { result: 'A' }, { guildId: OTHER_GUILD }));
    expect(submit.json.data?.content).toMatch(/^No run/);
    expect(await db.select().from(outcomes)).toEqual(before);
  });
});
