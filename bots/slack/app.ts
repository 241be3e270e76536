import { App, type Authorize, type AuthorizeResult } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { MessageSink } from '../../service/app/delivery/index.ts';
import type { Installations } from '../../service/app/workspaces/index.ts';
import type { AppServices } from '../../service/app/services.ts';
import type { Logger } from '../../service/logger.ts';
import { registerActions } from './actions.ts';
import { registerExperimentActions } from './experiment-actions.ts';
import { limitBoltClientPools } from './bolt-clients.ts';
import { createSlackClients, singleWorkspaceTokens, SLACK_RETRY, type SlackTokens } from './clients.ts';
import { registerListingCommand } from './commands/listing.ts';
import { registerDraftForm } from './draft-form.ts';
import type { SlackBotDeps } from './context.ts';
import { registerLifecycleEvents } from './events.ts';
import { installedTokens } from './installation-store.ts';
import { boltLogger } from './logger.ts';
import { oauthRoutes } from './oauth.ts';
import { createFastifyReceiver } from './receiver.ts';
import { createSlackSink, type SlackOrigin } from './sink.ts';
import type { RenderScorecard } from '../scorecard/index.ts';

/**
 * The Slack front end: a Bolt app on our Fastify server (custom receiver), its listeners, and the
 * MessageSink the deliver_run task posts through. Built, not started: service/main passes the
 * plugin to buildApp and the sink to the worker.
 */

export type SlackAuth =
  | { readonly mode: 'single'; readonly botToken: string }
  | {
      readonly mode: 'oauth';
      readonly installations: Installations;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly stateSecret: string;
      /** PUBLIC_URL: the OAuth redirect is `<publicUrl>/slack/oauth_redirect`. */
      readonly publicUrl: string;
    };

export interface SlackBotOptions {
  readonly signingSecret: string;
  /** SLACK_API_URL: every Web API call (Bolt's, the sink's, OAuth's) goes here. */
  readonly apiUrl: string;
  readonly auth: SlackAuth;
  readonly services: AppServices;
  readonly logger: Logger;
  /** Offer "Buy credits" on a finished run below this balance (default 10: one comparison). */
  readonly lowBalanceBelow?: number;
  /** Answer Slack after this long even without an ack (default 2500 ms). */
  readonly ackTimeoutMs?: number;
  /** Clock for the signature window (default Date.now). */
  readonly now?: () => number;
  /** Renders a finished comparison's scorecard for its thread (omitted: none is posted). */
  readonly renderScorecard?: RenderScorecard;
}

export interface SlackBot {
  /** `POST /slack/events` (and in OAuth mode `GET /slack/install`, `GET /slack/oauth_redirect`). */
  readonly plugin: (app: FastifyInstance) => Promise<void>;
  readonly sink: MessageSink<SlackOrigin>;
}

export function createSlackBot(opts: SlackBotOptions): SlackBot {
  const logger = opts.logger.child({ component: 'slack' });
  const installations = opts.auth.mode === 'oauth' ? opts.auth.installations : undefined;
  const tokens: SlackTokens = installations ? installedTokens(installations) : singleWorkspaceTokens((opts.auth as { botToken: string }).botToken);
  const clients = createSlackClients({ apiUrl: opts.apiUrl, tokens, logger });
  const receiver = createFastifyReceiver({
    signingSecret: opts.signingSecret,
    logger,
    ...(opts.ackTimeoutMs !== undefined ? { ackTimeoutMs: opts.ackTimeoutMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.auth.mode === 'oauth'
      ? {
          routes: oauthRoutes({
            clientId: opts.auth.clientId,
            clientSecret: opts.auth.clientSecret,
            stateSecret: opts.auth.stateSecret,
            apiUrl: opts.apiUrl,
            publicUrl: opts.auth.publicUrl,
            installations: opts.auth.installations,
            logger,
          }),
        }
      : {}),
  });

  // No network before the ack: the token comes from the environment or the store, never auth.test.
  const authorize: Authorize<boolean> = async (source) => {
    const bot = await tokens.bot(source.teamId, source.enterpriseId);
    if (!bot) throw new Error('ListingLab is not installed in this workspace');
    const result: AuthorizeResult = { botToken: bot.token };
    if (bot.userId) result.botUserId = bot.userId;
    if (bot.id) result.botId = bot.id;
    return result;
  };

  const app = new App({
    receiver: receiver.receiver,
    authorize,
    clientOptions: { slackApiUrl: opts.apiUrl, retryConfig: SLACK_RETRY },
    logger: boltLogger(logger, 'slack-bolt'),
    convoStore: false,
  });
  limitBoltClientPools(app);
  // Listener errors are logged once here; the receiver has usually answered Slack already.
  app.error(async (error) => {
    logger.error({ err: error }, 'slack listener error');
  });

  const deps: SlackBotDeps = { services: opts.services, clients, logger, installations };
  registerListingCommand(app, deps);
  registerActions(app, deps);
  registerDraftForm(app, deps);
  registerExperimentActions(app, deps);
  registerLifecycleEvents(app, deps);

  const sink = createSlackSink({
    clients,
    logger,
    balanceOf: async (teamId) => (await opts.services.credits({ platform: 'slack', externalId: teamId })).balance,
    lowBalanceBelow: opts.lowBalanceBelow ?? 10,
    ...(opts.renderScorecard ? { renderScorecard: opts.renderScorecard } : {}),
  });
  return { plugin: receiver.plugin, sink };
}
