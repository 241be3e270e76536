import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import type { APIInteractionResponse, APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { formatPrice } from '../../service/app/credits/index.ts';
import type { Reply } from '../shared/reply.ts';
import type { Command } from '../shared/command.ts';
import { button, linkButton } from './components.ts';
import { isRerun } from './experiment-menu.ts';
import { discordMessage, discordText, renderRoot, textMessage, type DiscordMessage } from './render.ts';

/**
 * A dispatcher Reply → the interaction's HTTP response. Everything but a new comparison is
 * private (ephemeral, flags 64): a new comparison is a deferred public response (type 5) whose
 * `@original` the delivery layer edits into the run's root message.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type
 */

export interface ReplyOptions {
  /** Below this balance the credits reply offers Buy credits. */
  readonly lowCreditsBelow: number;
  /** Asked in a DM (the user's own workspace) rather than in a server (default false). */
  readonly inDm?: boolean;
}

export function privateMessage(msg: DiscordMessage): APIInteractionResponse {
  return { type: InteractionResponseType.ChannelMessageWithSource, data: { ...(msg as APIInteractionResponseCallbackData), flags: MessageFlags.Ephemeral } };
}

export function privateText(text: string): APIInteractionResponse {
  return privateMessage(textMessage(text));
}

/** Deferred: the user sees "thinking…"; ephemeral when the final answer will be private. */
export function deferred(isPublic: boolean): APIInteractionResponse {
  return { type: InteractionResponseType.DeferredChannelMessageWithSource, ...(isPublic ? {} : { data: { flags: MessageFlags.Ephemeral } }) };
}

/** Whether a command's answer is public (a new run's root message) rather than private. */
export const answersPublicly = (cmd: Command) => cmd.name === 'compare' || cmd.name === 'draft' || isRerun(cmd);

export function responseFor(reply: Reply, cmd: Command, opts: ReplyOptions): APIInteractionResponse {
  switch (reply.kind) {
    case 'private':
      return privateMessage(textMessage(reply.text, reply.code === 'insufficient_credits' ? [button({ kind: 'buy' })] : []));
    case 'started': {
      // A redelivery of the same interaction answers as the first one did; the run is not repeated.
      if (reply.existing !== 'recent_pair') return deferred(true);
      const how = `\`/listing status ${reply.shortId}\` shows it again; Re-run fresh fetches both listings anew (it costs credits).`;
      const rerun = cmd.name === 'compare' ? [button({ kind: 'rerun', a: cmd.a, b: cmd.b, runId: reply.runId })] : [];
      return privateMessage(textMessage(`This pair was compared in the last 24 hours (run \`${reply.shortId}\`). ${how}`, rerun));
    }
    case 'checkout': {
      const price = formatPrice(reply.pack.priceCents, reply.pack.currency);
      const text = `${reply.pack.credits} credits for ${price} (pack \`${reply.pack.id}\`). The link is yours alone; the credits go to ${opts.inDm ? 'your DMs' : 'this server'} once paid.`;
      return privateMessage(textMessage(text, [linkButton('Open Stripe Checkout', reply.url)]));
    }
    case 'credits':
      return privateMessage(textMessage(reply.text, reply.summary.balance < opts.lowCreditsBelow ? [button({ kind: 'buy' })] : []));
    case 'history':
      return privateText(reply.text);
    case 'status':
      return privateMessage(renderRoot(reply.view));
    case 'experiment':
      return privateMessage(discordMessage(reply.presentation));
    case 'experiments':
      return privateText(discordText(reply.presentation));
    case 'delete_confirmation':
      return privateMessage(textMessage(reply.text, [button({ kind: 'delete', confirmationId: reply.request.confirmationId }), button({ kind: 'keep' })]));
  }
}
