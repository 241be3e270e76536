import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord-api-types/v10';

/**
 * What every Discord renderer shares (the run's root, its draft variant, stage and experiment
 * cards): the message shape and the root's options.
 */

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Listing text is untrusted: never let it ping @everyone, roles or users. */
  allowed_mentions: { parse: [] };
}

export interface RootOptions {
  /** The workspace's balance is low: offer the Buy credits button. */
  readonly lowCredits?: boolean;
}
