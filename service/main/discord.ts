import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { createDiscordApi } from '../../bots/discord/api.ts';
import { workspaceOfOrigin } from '../../bots/discord/interaction.ts';
import { registerCommands } from '../../bots/discord/register.ts';
import { discordInteractionsRoute } from '../../bots/discord/route.ts';
import { createDiscordSink, type DiscordOrigin } from '../../bots/discord/sink.ts';
import { scorecardRenderer } from './scorecards.ts';
import type { MessageSink } from '../app/delivery/index.ts';
import type { AppServices } from '../app/services.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { systemClock, type Clock } from '../providers/provider.ts';
import type { Database } from './database.ts';

/**
 * Wiring of the Discord front end: the interactions route (for buildApp's `plugins`) and the
 * MessageSink (for the worker's `sinks`), sharing one REST client pointed at DISCORD_API_URL.
 */

export interface DiscordFrontEnd {
  readonly plugin: (app: FastifyInstance) => Promise<void>;
  readonly sink: MessageSink<DiscordOrigin>;
}

export interface DiscordFrontEndDeps {
  readonly services: AppServices;
  /** Reads stored images for the scorecard (without it no scorecard is attached). */
  readonly db?: Database;
  readonly logger: Logger;
  /** Default: the system clock (tests pass their own to reach token expiry). */
  readonly clock?: Clock;
  /** Ack deadline for slow work (default 2 500 ms). */
  readonly ackDeadlineMs?: number;
}

/** "Low" balance: less than two comparisons' worth at the configured stage prices. Buy credits is offered below it. */
export function lowCreditsBelow(pricing: Config['pricing']): number {
  return 2 * Object.values(pricing.compare).reduce((a, b) => a + b, 0);
}

/** The Discord front end, or undefined when Discord is not configured. */
export function discordFrontEnd(config: Config, deps: DiscordFrontEndDeps): DiscordFrontEnd | undefined {
  const discord = config.discord;
  if (!discord) return undefined;
  const logger = deps.logger.child({ component: 'discord' });
  const clock = deps.clock ?? systemClock;
  const api = createDiscordApi({ apiUrl: discord.apiUrl, botToken: discord.botToken });
  const lowBelow = lowCreditsBelow(config.pricing);
  const lowCredits = async (origin: DiscordOrigin) => {
    try {
      return (await deps.services.credits(workspaceOfOrigin(origin))).balance < lowBelow;
    } catch (e) {
      logger.warn({ err: e }, 'balance lookup failed: no Buy credits button');
      return false;
    }
  };
  const plugin = discordInteractionsRoute({
    publicKey: discord.publicKey,
    services: deps.services,
    api,
    clock,
    logger,
    lowCreditsBelow: lowBelow,
    ...(deps.ackDeadlineMs !== undefined ? { ackDeadlineMs: deps.ackDeadlineMs } : {}),
    onClose: () => api.close(),
  });
  return { plugin, sink: createDiscordSink({ api, clock, logger, lowCredits, ...(deps.db ? { renderScorecard: scorecardRenderer(deps.db) } : {}) }) };
}

const REGISTER_USAGE = `Usage: listinglab discord register [--guild ID]

Registers /listing with Discord (a bulk overwrite: running it again replaces the definition).
  --guild ID   register in one server only (available at once; global commands reach every server)
Needs DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN; DISCORD_API_URL is honoured.`;

/**
 * `listinglab discord register [--guild ID]`. `args` are the words after `discord` (a leading
 * `register` is accepted and optional). Exit 0 registered, 1 Discord refused, 2 bad input/config.
 */
export async function runDiscordRegister(args: string[], config: Config, io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { guild: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    io.err.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n${REGISTER_USAGE}\n`);
    return 2;
  }
  const words = parsed.positionals[0] === 'register' ? parsed.positionals.slice(1) : parsed.positionals;
  if (parsed.values.help) {
    io.out.write(`${REGISTER_USAGE}\n`);
    return 0;
  }
  if (words.length > 0) {
    io.err.write(`listinglab: unexpected ${words.join(' ')}\n${REGISTER_USAGE}\n`);
    return 2;
  }
  const guildId = parsed.values.guild;
  if (guildId !== undefined && !/^\d{1,20}$/.test(guildId)) {
    io.err.write(`listinglab: --guild takes a server id (digits only), got ${JSON.stringify(guildId.slice(0, 40))}\n`);
    return 2;
  }
  if (!config.discord) {
    io.err.write('listinglab: Discord is not configured: set DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN\n');
    return 2;
  }
  try {
    const commands = await registerCommands({
      applicationId: config.discord.applicationId,
      botToken: config.discord.botToken,
      apiUrl: config.discord.apiUrl,
      guildId,
      packs: config.pricing.packs.map((p) => p.id),
      draft: true,
    });
    const names = commands.map((c) => `/${c.name}`).join(', ');
    io.out.write(`registered ${names} ${guildId ? `in server ${guildId}` : 'globally (may take a while to reach every server)'}\n`);
    return 0;
  } catch (e) {
    io.err.write(`listinglab: registration failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
