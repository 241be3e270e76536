import { WebClient, WebClientEvent, type RetryOptions } from '@slack/web-api';
import type { Logger } from '../../service/logger.ts';
import { metrics } from '../../service/support/metrics.ts';
import { boltLogger } from './logger.ts';

/**
 * Web API clients, all pointed at SLACK_API_URL (`slackApiUrl`), and where a workspace's bot token
 * comes from: the environment (single-workspace mode) or the installation store (OAuth mode).
 */

export interface InstalledBot {
  readonly token: string;
  readonly userId?: string | undefined;
  readonly id?: string | undefined;
}

export interface SlackTokens {
  /** The bot of a workspace; undefined when the app is not installed there or was removed. */
  bot(teamId: string | undefined, enterpriseId: string | undefined): Promise<InstalledBot | undefined>;
}

export function singleWorkspaceTokens(token: string): SlackTokens {
  return { bot: async () => ({ token }) };
}

/**
 * Few retries: a chat.postMessage retried after a network error may post twice, and the
 * deliver_run task has its own retries. A 429 is waited out (Retry-After) by the client itself.
 */
export const SLACK_RETRY: RetryOptions = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 };

export interface SlackClients {
  readonly apiUrl: string;
  forToken(token: string): WebClient;
  /** A client for a workspace's bot; undefined when there is no token for it. */
  forTeam(teamId: string | undefined, enterpriseId: string | undefined): Promise<WebClient | undefined>;
}

export function createSlackClients(opts: { apiUrl: string; tokens: SlackTokens; logger: Logger }): SlackClients {
  const cache = new Map<string, WebClient>();
  const logger = boltLogger(opts.logger, 'slack-web-api');
  const forToken = (token: string) => {
    let client = cache.get(token);
    if (!client) {
      client = new CountingWebClient(token, { slackApiUrl: opts.apiUrl, logger, retryConfig: SLACK_RETRY, timeout: 15_000 });
      // Tokens of uninstalled workspaces must not pile up in a long-lived process.
      if (cache.size > 500) cache.clear();
      cache.set(token, client);
    }
    return client;
  };
  return {
    apiUrl: opts.apiUrl,
    forToken,
    async forTeam(teamId, enterpriseId) {
      const bot = await opts.tokens.bot(teamId, enterpriseId);
      return bot ? forToken(bot.token) : undefined;
    },
  };
}

/**
 * A Web API client that counts its calls (every method goes through `apiCall`, bound when the
 * client is built, hence a subclass) and the 429s it waits out.
 */
class CountingWebClient extends WebClient {
  constructor(...args: ConstructorParameters<typeof WebClient>) {
    super(...args);
    this.on(WebClientEvent.RATE_LIMITED, () => metrics.chatRateLimited('slack'));
  }

  override async apiCall(...args: Parameters<WebClient['apiCall']>): ReturnType<WebClient['apiCall']> {
    try {
      const result = await super.apiCall(...args);
      metrics.chatCall('slack', 'ok');
      return result;
    } catch (e) {
      metrics.chatCall('slack', 'error');
      throw e;
    }
  }
}
