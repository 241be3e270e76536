import { MessageFlags } from 'discord-api-types/v10';
import { type MessageRef, type MessageSink, DeliveryRefused } from '../../service/app/delivery/index.ts';
import { isFinished, presentExperimentCard, type RunView } from '../../service/app/views/index.ts';
import type { Clock } from '../../service/providers/provider.ts';
import type { Logger } from '../../service/logger.ts';
import type { RenderScorecard } from '../scorecard/scorecard.ts';
import { DISCORD_CODES, DiscordCallFailed, webhookFailure, type DiscordApi, type MessageBody } from './api.ts';
import { TOKEN_LIFETIME_MS, type DiscordOrigin } from './interaction.ts';
import { clip } from './limits.ts';
import { discordMessage, renderRoot, renderStageDetails, textMessage } from './render.ts';
import { withScorecardImage } from './upload.ts';

/**
 * The MessageSink for Discord. The run's root is the interaction's deferred response: edited via
 * the interaction webhook (`@original`) while the token lives, then via the bot token on the
 * stored message id (or posted anew by the bot when it never existed). Stage cards go together
 * (up to 10 embeds a message) in a thread started on the root when the bot may create one, as follow-up messages otherwise. A finished
 * comparison's scorecard PNG is attached to the root itself, shown as its embed's image.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response
 * @see https://discord.com/developers/docs/resources/channel#start-thread-from-message
 */

/** The sink's own signature, for its callers (interaction.ts owns the type). */
export type { DiscordOrigin } from './interaction.ts';

export interface DiscordSinkOptions {
  readonly api: DiscordApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether the run's workspace is low on credits (a finished root then offers Buy credits). Default: never. */
  readonly lowCredits?: (origin: DiscordOrigin) => Promise<boolean>;
  /** Stop using an interaction token this long before it expires (default 30 s): a call in flight must not outlive it. */
  readonly tokenMarginMs?: number;
  /** Renders a finished comparison's scorecard (omitted: no scorecard is attached). */
  readonly renderScorecard?: RenderScorecard;
}

export function createDiscordSink(opts: DiscordSinkOptions): MessageSink<DiscordOrigin> {
  const { api } = opts;
  const margin = opts.tokenMarginMs ?? 30_000;
  const tokenAlive = (o: DiscordOrigin) => opts.clock.now() < o.tokenExpiresAt - margin;

  /**
   * Runs `viaToken` while the token lives; undefined (use the bot) once Discord no longer takes
   * it. An Unknown Webhook in the first minute means Discord has not processed our answer yet:
   * thrown, so the delivery is retried rather than posted twice; later it counts as gone.
   */
  async function withToken<T>(o: DiscordOrigin, viaToken: () => Promise<T>): Promise<T | undefined> {
    if (!tokenAlive(o)) return undefined;
    try {
      return await viaToken();
    } catch (e) {
      const failure = webhookFailure(e);
      const young = o.tokenExpiresAt - opts.clock.now() > TOKEN_LIFETIME_MS - 60_000;
      if (failure === 'expired' || (failure === 'unknown' && !young)) return undefined;
      throw e;
    }
  }

  async function startThread(view: RunView, origin: DiscordOrigin, ref: MessageRef): Promise<MessageRef> {
    if (!origin.guildId) return ref; // no threads in DMs
    const what = view.kind === 'draft' ? `listing drafts from ${view.pair.A.label}` : `${view.pair.A.label} vs ${view.pair.B.label}`;
    const name = clip(`ListingLab ${view.shortId}: ${what}`, 100);
    try {
      const thread = await api.startThread(ref.channelId, ref.messageRef, name);
      return { ...ref, threadRef: thread.id };
    } catch (e) {
      // A retried delivery finds the thread it made before: it has the message's id.
      if (e instanceof DiscordCallFailed && e.code === DISCORD_CODES.threadAlreadyCreated) return { ...ref, threadRef: ref.messageRef };
      if (e instanceof DeliveryRefused) {
        opts.logger.info({ runId: view.id, reason: e.reason }, 'discord: no thread permission, stage detail goes to follow-ups');
        return ref;
      }
      throw e;
    }
  }

  /** A reply to the root: in its thread, else a follow-up of the interaction, else a reply to the root message. */
  async function postInThread(origin: DiscordOrigin, root: MessageRef, body: MessageBody): Promise<MessageRef> {
    if (root.threadRef) {
      try {
        const m = await api.postMessage(root.threadRef, body);
        return { channelId: root.threadRef, messageRef: m.id, threadRef: root.threadRef };
      } catch (e) {
        if (!(e instanceof DeliveryRefused)) throw e; // thread locked or access lost: follow-ups below
      }
    }
    const followed = await withToken(origin, () => api.followUp(origin.applicationId, origin.interactionToken, body));
    if (followed) return { channelId: followed.channel_id, messageRef: followed.id, threadRef: null };
    const reply = await api.postMessage(root.channelId, { ...body, message_reference: { message_id: root.messageRef, fail_if_not_exists: false } });
    return { channelId: reply.channel_id, messageRef: reply.id, threadRef: null };
  }

  async function rootBody(view: RunView, origin: DiscordOrigin) {
    const low = isFinished(view) && opts.lowCredits ? await opts.lowCredits(origin) : false;
    return renderRoot(view, { lowCredits: low });
  }

  const { renderScorecard } = opts;
  const scorecard: Pick<MessageSink<DiscordOrigin>, 'postScorecard'> = renderScorecard
    ? {
        /**
         * The final root, edited once more with the PNG attached and shown as its embed's image:
         * the result and its picture stay one message at the top of the channel, where the thread
         * would hide it under six cards. The edit names its attachments, so a retried edit leaves
         * one image, never two (no claim needed). `@original` while the token lives, else the bot.
         */
        async postScorecard(view, origin, root) {
          const card = await renderScorecard(view);
          const { body, files } = withScorecardImage(await rootBody(view, origin), card);
          const edited = await withToken(origin, () => api.editOriginal(origin.applicationId, origin.interactionToken, body, files));
          if (edited) return { ref: { channelId: edited.channel_id, messageRef: edited.id, threadRef: root.threadRef }, carriedCards: false };
          const m = await api.editMessage(root.channelId, root.messageRef, body, files);
          return { ref: { ...root, messageRef: m.id }, carriedCards: false };
        },
      }
    : {};

  return {
    platform: 'discord',
    ...scorecard,

    async upsertRoot(view, origin, existing) {
      const body = await rootBody(view, origin);
      const edited = await withToken(origin, () => api.editOriginal(origin.applicationId, origin.interactionToken, body));
      if (edited) {
        const ref: MessageRef = { channelId: edited.channel_id, messageRef: edited.id, threadRef: existing?.threadRef ?? null };
        return existing ? ref : startThread(view, origin, ref);
      }
      if (existing) {
        try {
          const m = await api.editMessage(existing.channelId, existing.messageRef, body);
          return { ...existing, messageRef: m.id };
        } catch (e) {
          // Someone deleted the root: post it again below (its thread, if any, lives on).
          if (!(e instanceof DiscordCallFailed && e.code === DISCORD_CODES.unknownMessage)) throw e;
        }
      }
      const posted = await api.postMessage(existing?.channelId ?? origin.channelId, body);
      const ref: MessageRef = { channelId: posted.channel_id, messageRef: posted.id, threadRef: existing?.threadRef ?? null };
      return existing ? ref : startThread(view, origin, ref);
    },

    async postStageDetails(view, stages, origin, root, posted) {
      for (const msg of renderStageDetails(view, stages)) await posted(msg.stages, await postInThread(origin, root, msg.body));
    },

    async postExperimentCard(card, origin, root) {
      return postInThread(origin, root, discordMessage(presentExperimentCard(card)));
    },

    async notifyPrivately(origin, text) {
      const sent = await withToken(origin, () => api.followUp(origin.applicationId, origin.interactionToken, { ...textMessage(text), flags: MessageFlags.Ephemeral }));
      // Past 15 minutes nothing can reach one person privately without a DM, which we do not open uninvited.
      if (!sent) opts.logger.warn({ userId: origin.userId }, 'discord: interaction token expired, private notice not delivered');
    },

    async postNotice(_workspaceExternalId, channelId, text) {
      await api.postMessage(channelId, textMessage(text));
    },
  };
}
