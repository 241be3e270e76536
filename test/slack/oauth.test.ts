import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { installations, workspaces } from '../../service/db/schema.ts';
import { eventBody, JSON_TYPE } from '../emulators/slack-requests.ts';
import { startSlackHarness } from './harness.ts';

/**
 * Multi-workspace mode: the OAuth install round trip stores the installation sealed with
 * ENCRYPTION_KEY (the raw token is nowhere in the row), commands from that workspace use its
 * token, and an uninstall (or revoked tokens) revokes it.
 */

const h = await startSlackHarness({}, { mode: 'oauth' });
const { slack } = h;
const CLIENT = { id: '1234.5678', secret: 'client-secret-for-tests' };
const TOKEN = 'xoxb-oauth-installed-token-9f8e7d';

async function install(teamId: string, token: string, code: string): Promise<{ status: number; body: string }> {
  const start = await h.app.inject({ method: 'GET', url: '/slack/install' });
  expect(start.statusCode).toBe(302);
  const location = new URL(String(start.headers.location));
  const state = location.searchParams.get('state')!;
  const cookie = String(start.headers['set-cookie']).split(';')[0]!;
  slack.addOAuthCode(code, { teamId, teamName: `Team ${teamId}`, botToken: token, botUserId: 'U_BOT', userId: 'U_ADMIN' }, CLIENT);
  const done = await h.app.inject({ method: 'GET', url: `/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, headers: { cookie } });
  return { status: done.statusCode, body: done.body };
}

async function installationOf(teamId: string) {
  const [row] = await h.tdb.db
    .select({ secretEnc: installations.secretEnc, revokedAt: installations.revokedAt, botUserId: installations.botUserId, scopes: installations.scopes })
    .from(installations)
    .innerJoin(workspaces, eq(workspaces.id, installations.workspaceId))
    .where(eq(workspaces.externalId, teamId));
  return row;
}

describe('OAuth install', () => {
  test('/slack/install redirects to the consent page with our client id, scopes, redirect URI and a state cookie', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/slack/install' });
    expect(res.statusCode).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(`${slack.url}/oauth/v2/authorize`);
    expect(location.searchParams.get('client_id')).toBe(CLIENT.id);
    expect(location.searchParams.get('scope')).toBe('commands,chat:write,chat:write.public,files:read,files:write,users:read');
    expect(location.searchParams.get('redirect_uri')).toBe('https://listinglab.test/slack/oauth_redirect');
    expect(String(res.headers['set-cookie'])).toContain(`slack-app-oauth-state=${location.searchParams.get('state')}`);
  });

  test('the round trip stores the installation encrypted: the raw token is not in the row', async () => {
    const res = await install('T_OAUTH', TOKEN, 'code-1');
    expect(res.status).toBe(200);
    expect(res.body).toContain('ListingLab is installed');
    // The code was exchanged on SLACK_API_URL (the emulator), then the token checked with auth.test.
    expect(slack.callsTo('oauth.v2.access')).toHaveLength(1);
    expect(slack.callsTo('auth.test').map((c) => c.token)).toContain(TOKEN);

    const row = await installationOf('T_OAUTH');
    expect(row).toBeDefined();
    expect(row!.revokedAt).toBeNull();
    expect(row!.botUserId).toBe('U_BOT');
    const bytes = Buffer.from(row!.secretEnc);
    expect(bytes.length).toBeGreaterThan(29);
    expect(bytes.includes(Buffer.from(TOKEN))).toBe(false);
    expect(bytes.includes(Buffer.from('xoxb-'))).toBe(false);
    // Nor in the table's raw bytes as Postgres stores them, nor in the logs.
    const [raw] = await h.tdb.sql<{ dump: string }[]>`select i::text as dump from installations i`;
    expect(raw!.dump).not.toContain(TOKEN);
    expect(h.logLines().join('\n')).not.toContain(TOKEN);
  });

  test('a callback without the browser’s state cookie, or with a forged state, stores nothing', async () => {
    const start = await h.app.inject({ method: 'GET', url: '/slack/install' });
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    slack.addOAuthCode('code-2', { teamId: 'T_CSRF', teamName: 'x', botToken: 'xoxb-csrf-token-1', botUserId: 'U_BOT', userId: 'U1' }, CLIENT);
    const noCookie = await h.app.inject({ method: 'GET', url: `/slack/oauth_redirect?code=code-2&state=${encodeURIComponent(state)}` });
    expect(noCookie.statusCode).toBe(400);
    expect(noCookie.body).toContain('Installation failed');
    expect(await installationOf('T_CSRF')).toBeUndefined();
    const forged = await h.app.inject({ method: 'GET', url: '/slack/oauth_redirect?code=nope&state=forged' });
    expect(forged.statusCode).toBe(400);
  });

  test('commands from the installed workspace post with its own token', async () => {
    await h.command('compare B0799CK52K B074M5HPBD', { teamId: 'T_OAUTH', channelId: 'C_OAUTH' });
    const root = await slack.waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'C_OAUTH'), 20_000);
    expect(root.token).toBe(TOKEN);
    // No Apify configured: the run fails, and its root says so (with the same token).
    await slack.waitFor(() => slack.roots('C_OAUTH').find((m) => /failed/.test(m.text)), 20_000);
  });

  test('app_uninstalled revokes the installation; tokens_revoked does too; later commands do nothing', async () => {
    const res = await h.send(eventBody('T_OAUTH', { type: 'app_uninstalled' }), JSON_TYPE);
    expect(res.statusCode).toBe(200);
    await expect.poll(async () => (await installationOf('T_OAUTH'))?.revokedAt, { timeout: 5000 }).toBeInstanceOf(Date);
    expect((await installationOf('T_OAUTH'))!.secretEnc.length).toBe(0);

    expect((await install('T_SECOND', 'xoxb-second-team-token-1', 'code-4')).status).toBe(200);
    await h.send(eventBody('T_SECOND', { type: 'tokens_revoked', tokens: { bot: ['U_BOT'] } }), JSON_TYPE);
    await expect.poll(async () => (await installationOf('T_SECOND'))?.revokedAt, { timeout: 5000 }).toBeInstanceOf(Date);

    const runs = await h.runCount();
    const after = await h.command('compare B07GTFSCHB B074M5HPBD', { teamId: 'T_OAUTH', channelId: 'C_OAUTH' });
    expect(after.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.runCount()).toBe(runs);
  });

  test('reinstalling brings the workspace back', async () => {
    expect((await install('T_OAUTH', 'xoxb-oauth-reinstalled-2', 'code-5')).status).toBe(200);
    expect((await installationOf('T_OAUTH'))!.revokedAt).toBeNull();
  });
});
