import type { APIApplicationCommand } from 'discord-api-types/v10';
import { createDiscordApi } from './api.ts';
import { listingCommand, type ListingCommandOptions } from './commands.ts';

/**
 * Registers `/listing` with a bulk overwrite (PUT), so registering again replaces the definition
 * rather than adding a duplicate. With `guildId` the command is registered in that server only
 * and is usable at once (handy while developing); global commands reach every server.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands
 */

export interface RegisterOptions extends ListingCommandOptions {
  readonly applicationId: string;
  readonly botToken: string;
  /** `DISCORD_API_URL` (ends in `/api`). */
  readonly apiUrl: string;
  readonly guildId?: string | undefined;
}

export async function registerCommands(opts: RegisterOptions): Promise<APIApplicationCommand[]> {
  const api = createDiscordApi({ apiUrl: opts.apiUrl, botToken: opts.botToken });
  try {
    return await api.putCommands(opts.applicationId, opts.guildId, [listingCommand(opts)]);
  } finally {
    api.close();
  }
}
