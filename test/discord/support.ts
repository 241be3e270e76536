import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import type { MessageSink } from '../../service/app/delivery/index.ts';
import type { AppServices } from '../../service/app/services.ts';
import type { Config } from '../../service/config/schema.ts';
import { buildApp } from '../../service/http/app.ts';
import type { Logger } from '../../service/logger.ts';
import { discordFrontEnd } from '../../service/main/discord.ts';
import type { Clock } from '../../service/providers/provider.ts';
import type { DiscordOrigin } from '../../bots/discord/sink.ts';
import type { DiscordEmulator } from '../emulators/discord.ts';
import type { InteractionSigner } from '../emulators/discord-signer.ts';

/**
 * Interaction payloads shaped like Discord's documented examples (test/fixtures/discord/, from
 * discord-api-docs; test/emulators/payload-shapes.test.ts holds them to every documented field)
 * and a signed sender.
 */

export const APP_ID = '775799577604522054';
export const GUILD = '772904309264089089';
export const CHANNEL = '772908445358620702';
export const USER = '167348773423415296';
export const BOT_TOKEN = 'discord-bot-token-for-tests';
/** All permissions (as in the fixtures): an admin. */
export const ADMIN = '2147483647';
/** VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS: a plain member. */
export const MEMBER = String((1n << 10n) | (1n << 11n) | (1n << 31n));

let seq = 0n;
const snowflake = () => String(900_000_000_000_000_000n + ++seq);

export interface Who {
  /** null: a DM. Default GUILD. */
  readonly guildId?: string | null;
  readonly userId?: string;
  readonly permissions?: string;
  readonly id?: string;
  readonly token?: string;
}

function base(type: number, who: Who, data?: unknown): Record<string, unknown> {
  const user = { id: who.userId ?? USER, username: 'ian', discriminator: '0', avatar: null, public_flags: 0 };
  const guildId = who.guildId === undefined ? GUILD : who.guildId;
  const id = who.id ?? snowflake();
  return {
    id,
    application_id: APP_ID,
    type,
    token: who.token ?? `interaction-token-${id}-aW50ZXJhY3Rpb24`,
    version: 1,
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: guildId ? 0 : 1 },
    locale: 'en-US',
    app_permissions: '442368',
    ...(guildId
      ? { guild_id: guildId, guild_locale: 'en-US', member: { user, roles: [], permissions: who.permissions ?? MEMBER, nick: null, avatar: null, premium_since: null, joined_at: '2020-11-02T20:46:57.364000+00:00', is_pending: false, pending: false, mute: false, deaf: false } }
      : { user }),
    ...(data === undefined ? {} : { data }),
  };
}

export const ping = () => base(1, {});

/** `/listing <sub> option:value…` (sub may be "experiment pin"). */
export function command(sub: string, options: Record<string, string | boolean> = {}, who: Who = {}) {
  const leaf = Object.entries(options).map(([name, value]) => ({ name, type: typeof value === 'boolean' ? 5 : 3, value }));
  const [head, action] = sub.split(' ');
  const subOption = action
    ? { name: head, type: 2, options: [{ name: action, type: 1, options: leaf }] }
    : { name: head, type: 1, options: leaf };
  return base(2, who, { id: '866818195033292850', name: 'listing', type: 1, options: [subOption] });
}

export const button = (customId: string, who: Who = {}) => base(3, who, { custom_id: customId, component_type: 2 });

export function modalSubmit(customId: string, values: Record<string, string>, who: Who = {}) {
  const components = Object.entries(values).map(([custom_id, value]) => ({ type: 1, components: [{ type: 4, custom_id, value }] }));
  return base(5, who, { custom_id: customId, components });
}

export interface Sent {
  readonly status: number;
  readonly json: { type?: number; data?: { content?: string; flags?: number; components?: unknown[]; embeds?: unknown[] } } & Record<string, unknown>;
  readonly ms: number;
}

export interface DiscordHarness {
  readonly app: FastifyInstance;
  readonly sink: MessageSink<DiscordOrigin>;
  /** Signs and posts; a 200 answer of type 4/5 is handed to the emulator, as Discord would. */
  send(payload: Record<string, unknown>, opts?: { timestampSec?: number; tamper?: boolean }): Promise<Sent>;
}

export async function startDiscordHarness(deps: {
  config: Config;
  services: AppServices;
  logger: Logger;
  discord: DiscordEmulator;
  signer: InteractionSigner;
  clock?: Clock;
  ackDeadlineMs?: number;
}): Promise<DiscordHarness> {
  const front = discordFrontEnd(deps.config, {
    services: deps.services,
    logger: deps.logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.ackDeadlineMs !== undefined ? { ackDeadlineMs: deps.ackDeadlineMs } : {}),
  });
  if (!front) throw new Error('Discord is not configured in this test config');
  const app = await buildApp({ logger: deps.logger, readiness: async () => ({ ready: true, checks: {} }), plugins: [front.plugin] });
  afterAll(() => app.close());
  return {
    app,
    sink: front.sink,
    async send(payload, opts = {}) {
      const body = JSON.stringify(payload);
      const headers = deps.signer.headers(body, opts.timestampSec);
      if (opts.tamper) headers['x-signature-ed25519'] = headers['x-signature-ed25519']!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const started = performance.now();
      const res = await app.inject({ method: 'POST', url: '/discord/interactions', headers, payload: body });
      const ms = performance.now() - started;
      const json = (res.body ? JSON.parse(res.body) : {}) as Sent['json'];
      if (res.statusCode === 200 && (json.type === 4 || json.type === 5)) {
        deps.discord.respond(payload as { token: string; channel_id: string }, json as { type: number; data?: Record<string, unknown> });
      }
      return { status: res.statusCode, json, ms };
    },
  };
}

export function discordEnv(discord: DiscordEmulator, signer: InteractionSigner): Record<string, string> {
  return { DISCORD_APPLICATION_ID: APP_ID, DISCORD_PUBLIC_KEY: signer.publicKeyHex, DISCORD_BOT_TOKEN: BOT_TOKEN, DISCORD_API_URL: discord.url };
}

/** Polls `probe` every 50 ms until it gives a value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
