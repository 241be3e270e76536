import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../service/logger.ts';
import type { Block } from './blocks.ts';
import { esc, truncate, LIMITS } from './blocks.ts';

/**
 * Private (ephemeral) replies: through the request's response_url when there is one (it works even
 * where the bot is not a channel member, for 30 minutes), else chat.postEphemeral, else a direct
 * message from the app, so a "here is how to fix it" is never lost silently.
 *
 * @see https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */

export interface PrivateMessage {
  readonly text: string;
  readonly blocks?: readonly Block[];
}

export interface PrivateTarget {
  readonly channelId: string;
  readonly userId: string;
  readonly responseUrl?: string | undefined;
}

/** A plain-text reply (usage, errors) as mrkdwn: `<A>` in a usage line must not become a link. */
export function plain(text: string): PrivateMessage {
  return { text: truncate(esc(text), LIMITS.messageText) };
}

/** `replace`: the reply takes the place of the message whose button was pressed (a used confirmation loses its buttons). */
export async function postToResponseUrl(url: string, msg: PrivateMessage, replace = false): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: replace, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}) }),
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export async function sendPrivately(client: WebClient | undefined, target: PrivateTarget, msg: PrivateMessage, logger: Logger, opts: { replace?: boolean } = {}): Promise<boolean> {
  if (target.responseUrl && (await postToResponseUrl(target.responseUrl, msg, opts.replace))) return true;
  if (!client) {
    logger.warn({ channelId: target.channelId }, 'private reply not delivered: no response_url and no bot token');
    return false;
  }
  const blocks = msg.blocks ? { blocks: [...msg.blocks] } : {};
  try {
    await client.chat.postEphemeral({ channel: target.channelId, user: target.userId, text: msg.text, ...blocks });
    return true;
  } catch (e) {
    logger.info({ err: errorCode(e) }, 'chat.postEphemeral refused; trying a direct message');
  }
  try {
    await client.chat.postMessage({ channel: target.userId, text: msg.text, ...blocks });
    return true;
  } catch (e) {
    logger.warn({ err: errorCode(e) }, 'private reply not delivered');
    return false;
  }
}

/** Slack's error string (`not_in_channel`…) of a Web API error, else the error's name. */
export function errorCode(e: unknown): string {
  const data = (e as { data?: { error?: unknown } } | undefined)?.data;
  if (typeof data?.error === 'string') return data.error;
  return e instanceof Error ? e.name : 'unknown';
}
