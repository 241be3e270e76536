import { InstallProvider, type CallbackOptions } from '@slack/oauth';
import type { FastifyInstance } from 'fastify';
import type { Installations } from '../../service/app/workspaces/index.ts';
import type { Logger } from '../../service/logger.ts';
import { slackInstallationStore } from './installation-store.ts';
import { boltLogger } from './logger.ts';

/**
 * Multi-workspace install (OAuth v2): `GET /slack/install` sets a state cookie and redirects to
 * Slack's consent page; `GET /slack/oauth_redirect` checks the state against the cookie, exchanges
 * the code with `oauth.v2.access` (on SLACK_API_URL) and stores the installation, sealed.
 *
 * @see https://docs.slack.dev/authentication/installing-with-oauth
 */

/** What the bot needs: the slash command, posting (also in public channels it has not joined). */
/** files:read: the draft form's photo uploads are private files the bot downloads. */
/** users:read: `data export|delete` are for workspace admins, which only users.info tells. */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:read', 'files:write', 'users:read'];

export interface OAuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stateSecret: string;
  /** SLACK_API_URL (ends in `/api/`); the consent page is its sibling `/oauth/v2/authorize`. */
  readonly apiUrl: string;
  readonly publicUrl: string;
  readonly installations: Installations;
  readonly logger: Logger;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>${title}</h1><p>${body}</p></body></html>`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function oauthRoutes(opts: OAuthOptions): (app: FastifyInstance) => void {
  const installer = new InstallProvider({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    stateSecret: opts.stateSecret,
    installationStore: slackInstallationStore(opts.installations),
    // Straight to Slack's consent page: no landing page of ours in between.
    directInstall: true,
    authorizationUrl: new URL('../oauth/v2/authorize', opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/`).toString(),
    clientOptions: { slackApiUrl: opts.apiUrl },
    logger: boltLogger(opts.logger, 'slack-oauth'),
  });
  const installOptions = { scopes: BOT_SCOPES, redirectUri: `${opts.publicUrl}/slack/oauth_redirect` };
  const callbacks: CallbackOptions = {
    success: (installation, _options, _req, res) => {
      const team = escapeHtml(installation.team?.name ?? installation.enterprise?.name ?? 'your workspace');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('ListingLab is installed', `ListingLab is now in ${team}. Type <code>/listing help</code> in a channel to start.`));
    },
    failure: (error, _options, _req, res) => {
      // The code says what went wrong (state expired, cancelled…) without any detail of the exchange.
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Installation failed', `Slack did not complete the installation (${escapeHtml(error.code)}). <a href="/slack/install">Try again</a>.`));
    },
  };

  return (app) => {
    app.get('/slack/install', async (req, reply) => {
      reply.hijack();
      try {
        await installer.handleInstallPath(req.raw, reply.raw, {}, installOptions);
      } catch (err) {
        opts.logger.error({ err }, 'slack install page failed');
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
        reply.raw.end(page('Installation unavailable', 'Something went wrong on our side. Please try again in a minute.'));
      }
    });
    app.get('/slack/oauth_redirect', async (req, reply) => {
      reply.hijack();
      await installer.handleCallback(req.raw, reply.raw, callbacks);
    });
  };
}
