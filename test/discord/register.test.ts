import { Writable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { registerCommands } from '../../bots/discord/register.ts';
import { parseConfig, type Config } from '../../service/config/schema.ts';
import { runDiscordRegister } from '../../service/main/discord.ts';
import { startDiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner } from '../emulators/discord-signer.ts';
import { APP_ID, BOT_TOKEN, discordEnv, GUILD } from './support.ts';

/** `/listing` registration (bulk overwrite) through the real REST client against the emulator. */

const discord = await startDiscordEmulator({ botToken: BOT_TOKEN });
afterAll(() => discord.close());
const signer = createInteractionSigner();

function config(env: Record<string, string>): Config {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  return { stream, text: () => text };
}

async function register(args: string[], cfg: Config) {
  const out = capture();
  const err = capture();
  const code = await runDiscordRegister(args, cfg, { out: out.stream, err: err.stream });
  return { code, out: out.text(), err: err.text() };
}

describe('registerCommands', () => {
  test('PUTs /listing globally, and again replaces rather than adds', async () => {
    await registerCommands({ applicationId: APP_ID, botToken: BOT_TOKEN, apiUrl: discord.url });
    const [cmd] = await registerCommands({ applicationId: APP_ID, botToken: BOT_TOKEN, apiUrl: discord.url });
    expect(cmd?.name).toBe('listing');
    expect(discord.commands.get('global')).toHaveLength(1);
    const put = discord.calls.filter((c) => c.method === 'PUT');
    expect(put.map((c) => c.path)).toEqual([`/applications/${APP_ID}/commands`, `/applications/${APP_ID}/commands`]);
    expect(put[0]!.authorization).toBe(`Bot ${BOT_TOKEN}`);
    const subs = (discord.commands.get('global')![0] as { options: { name: string }[] }).options.map((o) => o.name);
    expect(subs).toEqual(['compare', 'credits', 'buy', 'history', 'status', 'help', 'experiment', 'brand', 'outcome', 'calibration', 'data']);
  });
});

describe('listinglab discord register', () => {
  const cfg = config(discordEnv(discord, signer));

  test('--guild registers in that server only; exit 0', async () => {
    const r = await register(['register', '--guild', GUILD], cfg);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(`registered /listing in server ${GUILD}`);
    expect(discord.commands.get(GUILD)).toHaveLength(1);
  });

  test('without --guild: global; `register` itself is optional', async () => {
    expect((await register([], cfg)).out).toMatch(/globally/);
  });

  test('bad input or no Discord configuration exits 2 before any call', async () => {
    const before = discord.calls.length;
    expect((await register(['register', '--guild', 'not-a-server'], cfg)).code).toBe(2);
    expect((await register(['register', 'extra'], cfg)).code).toBe(2);
    expect((await register(['register', '--bogus'], cfg)).code).toBe(2);
    const none = await register(['register'], config({}));
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/DISCORD_APPLICATION_ID/);
    expect(discord.calls.length).toBe(before);
  });

  test('Discord refusing the bot token exits 1, and the token is not printed', async () => {
    const wrong = config({ ...discordEnv(discord, signer), DISCORD_BOT_TOKEN: 'a-wrong-bot-token-123456' });
    const r = await register(['register'], wrong);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/registration failed/);
    expect(r.err).not.toContain('a-wrong-bot-token-123456');
  });
});
