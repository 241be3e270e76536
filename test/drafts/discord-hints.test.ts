import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { runs } from '../../service/db/schema.ts';
import { appServices } from '../../service/main/wiring.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { FIXTURES_DIR } from '../emulators/image-host.ts';
import { BOT_TOKEN, command, discordEnv, startDiscordHarness } from '../discord/support.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/** `/listing draft photo1:… brand:… product_type:…`: the options reach startDraft as the run's hints. */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
const signer = createInteractionSigner();
afterAll(() => discord.close());
const pipeline = await startTestPipeline(discordEnv(discord, signer));
const services = await appServices(pipeline.config, { ...pipeline.tdb, embedded: false });
const h = await startDiscordHarness({ config: pipeline.config, services, logger: memoryLogger([BOT_TOKEN]).logger, discord, signer });

describe('draft hints from Discord options', () => {
  test('brand and product_type are stored with the draft run', async () => {
    const a = discord.addAttachment('sunnies.png', readFileSync(path.join(FIXTURES_DIR, 'saleor/saleor-sunnies.png')), 'image/png');
    const interaction = command('draft', { brand: ' Saleor ', product_type: 'sunglasses' }, { guildId: '999999999999999999' });
    const data = interaction['data'] as { options: { options: unknown[] }[]; resolved?: unknown };
    data.options[0]!.options.unshift({ name: 'photo1', type: 11, value: a.id });
    data.resolved = { attachments: { [a.id]: a } };
    const res = await h.send(interaction);
    expect(res.json.type).toBe(5);
    const [run] = await pipeline.tdb.db.select().from(runs).where(eq(runs.requestKey, interaction.id as string));
    expect((run?.inputs as { hints?: unknown }).hints).toEqual({ brand: 'Saleor', productType: 'sunglasses' });
    await pipeline.waitForRun(run!.id);
  });
});
