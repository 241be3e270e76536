import { installedTokens } from '../../bots/slack/installation-store.ts';
import { chatPhotoHosts, DISCORD_CDN_HOSTS, SLACK_FILE_HOSTS } from '../acquire/chat-photos.ts';
import { createInstallations } from '../app/workspaces/index.ts';
import type { DraftModelDeps, DraftStageDeps } from '../app/drafts/index.ts';
import type { Config } from '../config/schema.ts';
import { systemClock } from '../providers/provider.ts';
import type { RulesAnalyzer } from '../stages/analyze.ts';
import type { Database } from './database.ts';

/**
 * What the draft stages need from configuration: where chat uploads may be downloaded from
 * (each platform's file hosts, plus the host its API is configured at), and the Slack bot token
 * the files are private to — from SLACK_BOT_TOKEN, or the workspace's sealed installation.
 */

type SlackToken = DraftStageDeps['slackToken'];

export function slackFileToken(config: Config, db: Database): SlackToken {
  const slack = config.slack;
  if (!slack) return async () => undefined;
  if (slack.mode === 'single') return async () => slack.botToken;
  const key = config.encryptionKey;
  if (!key) return async () => undefined;
  const tokens = installedTokens(createInstallations({ db: db.db, key, previousKey: config.encryptionKeyPrevious, platform: 'slack', clock: systemClock }));
  return async (teamId, enterpriseId) => (await tokens.bot(teamId, enterpriseId))?.token;
}

export function draftStageDeps(config: Config, deps: { db: Database; analyzer: RulesAnalyzer; model: DraftModelDeps }): DraftStageDeps {
  return {
    ...deps.model,
    measure: (img, withOcr) => deps.analyzer.measure(img, withOcr),
    photoHosts: {
      slack: chatPhotoHosts(SLACK_FILE_HOSTS, config.slack?.apiUrl),
      discord: chatPhotoHosts(DISCORD_CDN_HOSTS, config.discord?.apiUrl),
    },
    slackToken: slackFileToken(config, deps.db),
  };
}
