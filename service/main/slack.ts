import { createSlackBot } from '../../bots/slack/app.ts';
import type { MessageSink } from '../app/delivery/index.ts';
import { createInstallations } from '../app/workspaces/index.ts';
import type { AppServices } from '../app/services.ts';
import type { Config } from '../config/schema.ts';
import type { DbHandle } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { systemClock, type Clock } from '../providers/provider.ts';
import type { FastifyInstance } from 'fastify';
import type { SlackOrigin } from '../../bots/slack/sink.ts';
import { scorecardRenderer } from './scorecards.ts';

/**
 * The Slack front end, wired from configuration: undefined when Slack is not configured.
 *
 * - `plugin`: pass to buildApp's `plugins` (`POST /slack/events`; in OAuth mode also
 *   `GET /slack/install` and `GET /slack/oauth_redirect`).
 * - `sink`: pass to the worker as `sinks.slack` (the deliver_run task posts through it).
 *
 * Both halves may live in different processes (serve --no-worker + worker): each builds its own.
 */
export interface SlackFrontEnd {
  readonly plugin: (app: FastifyInstance) => Promise<void>;
  readonly sink: MessageSink<SlackOrigin>;
}

export function slackFrontEnd(
  config: Config,
  deps: { services: AppServices; db: Pick<DbHandle, 'db'>; logger: Logger; clock?: Clock },
): SlackFrontEnd | undefined {
  const slack = config.slack;
  if (!slack) return undefined;
  const comparisonCost = Object.values(config.pricing.compare).reduce((a, b) => a + b, 0);
  const common = { signingSecret: slack.signingSecret, apiUrl: slack.apiUrl, services: deps.services, logger: deps.logger, lowBalanceBelow: comparisonCost, renderScorecard: scorecardRenderer(deps.db) };
  if (slack.mode === 'single') return createSlackBot({ ...common, auth: { mode: 'single', botToken: slack.botToken } });
  // The config schema makes ENCRYPTION_KEY part of the OAuth group; checked again for the type.
  if (!config.encryptionKey) throw new Error('Slack OAuth mode needs ENCRYPTION_KEY');
  const installations = createInstallations({ db: deps.db.db, key: config.encryptionKey, previousKey: config.encryptionKeyPrevious, platform: 'slack', clock: deps.clock ?? systemClock });
  return createSlackBot({
    ...common,
    auth: {
      mode: 'oauth',
      installations,
      clientId: slack.clientId,
      clientSecret: slack.clientSecret,
      stateSecret: slack.stateSecret,
      publicUrl: config.publicUrl,
    },
  });
}
