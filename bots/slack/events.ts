import type { App } from '@slack/bolt';
import type { SlackBotDeps } from './context.ts';

/**
 * App lifecycle events: an uninstall, or the bot's tokens revoked, revokes the stored installation
 * (its sealed token is overwritten). Bolt skips authorisation for these two events, so they
 * arrive even though the workspace's token is already dead.
 *
 * @see https://docs.slack.dev/reference/events/app_uninstalled
 * @see https://docs.slack.dev/reference/events/tokens_revoked
 */
export function registerLifecycleEvents(app: App, deps: SlackBotDeps): void {
  const revoke = async (body: { team_id?: string; enterprise_id?: string; authorizations?: { is_enterprise_install?: boolean }[] }, why: string) => {
    if (!deps.installations) {
      deps.logger.warn({ teamId: body.team_id, why }, 'slack app removed from a workspace (single-workspace mode: nothing stored to revoke)');
      return;
    }
    const orgWide = body.authorizations?.some((a) => a.is_enterprise_install) ?? false;
    const externalId = orgWide && body.enterprise_id ? body.enterprise_id : body.team_id;
    if (!externalId) return;
    const revoked = await deps.installations.revoke(externalId);
    deps.logger.info({ teamId: externalId, why, revoked }, 'slack installation revoked');
  };

  app.event('app_uninstalled', async ({ body }) => revoke(body, 'app_uninstalled'));
  app.event('tokens_revoked', async ({ event, body }) => {
    // Only the bot's token matters to us; user tokens are never used.
    if ((event.tokens.bot ?? []).length > 0) await revoke(body, 'tokens_revoked');
  });
}
