import { ErrorCode, type WebClient } from '@slack/web-api';
import { DeliveryRefused, type MessageRef, type MessageSink, type PostedScorecard, type RunOrigin } from '../../service/app/delivery/index.ts';
import { presentExperimentCard, type RunView } from '../../service/app/views/index.ts';
import type { Logger } from '../../service/logger.ts';
import type { RenderScorecard } from '../scorecard/scorecard.ts';
import type { SlackClients } from './clients.ts';
import { sendPrivately } from './private.ts';
import { rootMessage, slackReply, stageDetails } from './render.ts';
import { uploadToThread } from './upload.ts';

/**
 * The Slack MessageSink (transport only; the deliver_run task decides what to post when): the
 * run's root message posted with chat.postMessage and then edited in place with chat.update,
 * stage cards together as a reply in its thread, a finished comparison's scorecard image uploaded
 * into that thread (upload.ts) in the same message as the cards, private notes through response_url / chat.postEphemeral.
 *
 * Errors the user can fix become DeliveryRefused (the task then tells them privately how); any
 * other error is thrown so the task retries. Rate limits (429) are waited out by the Web API
 * client, which honours Retry-After.
 */

export type SlackOrigin = Extract<RunOrigin, { platform: 'slack' }>;

export interface SlackSinkDeps {
  readonly clients: SlackClients;
  readonly logger: Logger;
  /**
   * A workspace's balance, to offer "Buy credits" on a finished run (omitted: never offered); asked
   * only when the delivery did not read it with the run (RootFacts).
   */
  readonly balanceOf?: (teamId: string) => Promise<number>;
  /** Below this balance the button is shown (default 10: one comparison). */
  readonly lowBalanceBelow?: number;
  /** Renders a finished comparison's scorecard (omitted: no scorecard is posted). */
  readonly renderScorecard?: RenderScorecard;
}

/** Slack errors → why the user's message could not be delivered. */
const REFUSALS: Record<string, { reason: DeliveryRefused['reason']; message: string }> = {
  not_in_channel: { reason: 'not_in_channel', message: 'the app is not a member of this channel' },
  channel_not_found: { reason: 'channel_not_found', message: 'the app cannot see this channel' },
  is_archived: { reason: 'other', message: 'the channel is archived' },
  restricted_action: { reason: 'missing_permissions', message: 'posting here is restricted' },
  restricted_action_read_only_channel: { reason: 'missing_permissions', message: 'the channel is read-only' },
  restricted_action_thread_only_channel: { reason: 'missing_permissions', message: 'the channel only allows thread replies' },
  missing_scope: { reason: 'missing_permissions', message: 'the app lacks a permission (scope)' },
  token_revoked: { reason: 'token_revoked', message: 'the app was removed from this workspace' },
  invalid_auth: { reason: 'token_revoked', message: 'the app is not installed in this workspace' },
  account_inactive: { reason: 'token_revoked', message: 'the app was removed from this workspace' },
};

export function toDeliveryError(e: unknown): unknown {
  const err = e as { code?: unknown; data?: { error?: unknown } };
  if (err?.code !== ErrorCode.PlatformError || typeof err.data?.error !== 'string') return e;
  const known = REFUSALS[err.data.error];
  return known ? new DeliveryRefused(known.reason, known.message) : e;
}

const FINISHED: readonly RunView['status'][] = ['succeeded', 'partial', 'failed'];

export function createSlackSink(deps: SlackSinkDeps): MessageSink<SlackOrigin> {
  const log = deps.logger.child({ component: 'slack-sink' });

  async function client(teamId: string, enterpriseId: string | undefined): Promise<WebClient> {
    const c = await deps.clients.forTeam(teamId, enterpriseId);
    if (!c) throw new DeliveryRefused('token_revoked', 'the app is not installed in this workspace');
    return c;
  }

  /** `known`: the balance the delivery read with the run; otherwise asked of `balanceOf`. */
  async function lowBalance(view: RunView, teamId: string, known: number | undefined): Promise<boolean> {
    if (!deps.balanceOf || !FINISHED.includes(view.status)) return false;
    try {
      return (known ?? (await deps.balanceOf(teamId))) < (deps.lowBalanceBelow ?? 10);
    } catch (e) {
      log.warn({ err: e }, 'balance unavailable: no Buy credits button');
      return false;
    }
  }

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toDeliveryError(e);
    }
  }

  const { renderScorecard } = deps;
  const scorecard: Pick<MessageSink<SlackOrigin>, 'postScorecard'> = renderScorecard
    ? {
        /**
         * The file's id is the reference (completeUploadExternal shares it asynchronously: no
         * message ts yet). The cards go in the file's message when they fit in one (its `blocks`),
         * so the thread gets one message with the detail and the picture, not two.
         */
        async postScorecard(view, origin, root, claim, cards): Promise<PostedScorecard> {
          const c = await client(origin.teamId, origin.enterpriseId);
          const card = await renderScorecard(view);
          const threadTs = root.threadRef ?? root.messageRef;
          const ref = (fileId: string): MessageRef => ({ channelId: root.channelId, messageRef: fileId, threadRef: threadTs });
          const messages = cards.length ? stageDetails(view, cards) : [];
          const blocks = messages.length === 1 ? messages[0]!.blocks : undefined;
          const upload = { channelId: root.channelId, threadTs, bytes: card.png, filename: card.filename, title: card.alt.slice(0, 250), altText: card.alt, blocks };
          const shared = await uploadToThread(c, upload, (fileId) => claim(ref(fileId)), {
            onBlocksRefused: (e) => log.warn({ err: e, runId: view.id }, 'the file message refused the stage cards: shared without them'),
          });
          return { ref: ref(shared.fileId), carriedCards: shared.withBlocks };
        },
      }
    : {};

  return {
    platform: 'slack',
    ...scorecard,

    async upsertRoot(view, origin, existing, facts): Promise<MessageRef> {
      const c = await client(origin.teamId, origin.enterpriseId);
      const msg = rootMessage(view, { lowBalance: await lowBalance(view, origin.teamId, facts?.balance) });
      if (existing) {
        const res = await call(() => c.chat.update({ channel: existing.channelId, ts: existing.messageRef, text: msg.text, blocks: msg.blocks }));
        return { channelId: existing.channelId, messageRef: res.ts ?? existing.messageRef, threadRef: existing.threadRef };
      }
      const res = await call(() => c.chat.postMessage({ channel: origin.channelId, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false }));
      if (!res.ts) throw new Error('chat.postMessage answered without a ts');
      const channelId = res.channel ?? origin.channelId;
      return { channelId, messageRef: res.ts, threadRef: res.ts };
    },

    async postStageDetails(view, stages, origin, root, posted): Promise<void> {
      const c = await client(origin.teamId, origin.enterpriseId);
      const threadTs = root.threadRef ?? root.messageRef;
      for (const msg of stageDetails(view, stages)) {
        const res = await call(() =>
          c.chat.postMessage({ channel: root.channelId, thread_ts: threadTs, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false }),
        );
        if (!res.ts) throw new Error('chat.postMessage answered without a ts');
        await posted(msg.stages, { channelId: root.channelId, messageRef: res.ts, threadRef: threadTs });
      }
    },

    async postExperimentCard(card, origin, root): Promise<MessageRef> {
      const c = await client(origin.teamId, origin.enterpriseId);
      const msg = slackReply(presentExperimentCard(card), `experiment:${card.experiment.id}`);
      const threadTs = root.threadRef ?? root.messageRef;
      const res = await call(() =>
        c.chat.postMessage({ channel: root.channelId, thread_ts: threadTs, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false }),
      );
      if (!res.ts) throw new Error('chat.postMessage answered without a ts');
      return { channelId: root.channelId, messageRef: res.ts, threadRef: threadTs };
    },

    async notifyPrivately(origin, text): Promise<void> {
      const c = await deps.clients.forTeam(origin.teamId, origin.enterpriseId);
      // Nothing to retry if every route failed: sendPrivately logged it, and the run is intact.
      await sendPrivately(c, { channelId: origin.channelId, userId: origin.userId, responseUrl: origin.responseUrl }, { text }, log);
    },

    async postNotice(workspaceExternalId, channelId, text): Promise<void> {
      const c = await client(workspaceExternalId, undefined);
      await call(() => c.chat.postMessage({ channel: channelId, text }));
    },
  };
}
