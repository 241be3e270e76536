import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { installedTokens, slackInstallationStore } from '../../bots/slack/installation-store.ts';
import { createInstallations, reencryptInstallations } from '../../service/app/workspaces/index.ts';
import { parseConfig, type Config } from '../../service/config/schema.ts';
import { installations, workspaces } from '../../service/db/schema.ts';
import { slackFileToken } from '../../service/main/draft-wiring.ts';
import { parseKeysArgs, runKeysRotate } from '../../service/main/keys-cli.ts';
import { systemClock } from '../../service/providers/provider.ts';
import { useTestDatabase } from '../db.ts';
import { startSlackHarness } from '../slack/harness.ts';
import { runNode } from '../support/processes.ts';

/**
 * Rotating ENCRYPTION_KEY (issue 21): tokens sealed with the old key stay readable while
 * ENCRYPTION_KEY_PREVIOUS holds it, `keys rotate` re-seals them under the new key (idempotently),
 * a token neither key opens is reported by workspace and left alone, and no key or token is
 * ever printed. Real database, the real installation code path.
 */

const root = path.resolve(import.meta.dirname, '../..');
const tdb = await useTestDatabase();
const db = tdb.db;

const hex = () => randomBytes(32).toString('hex');
const A = hex();
const B = hex();
const C = hex();
const key = (h: string) => Buffer.from(h, 'hex');

const slackOauth = { SLACK_SIGNING_SECRET: 'signing-secret-for-tests', SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'client-secret-for-tests', SLACK_STATE_SECRET: 'state-secret-for-tests' };
function config(env: Record<string, string>): Config {
  const r = parseConfig({ ...slackOauth, ...env });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
}

const botToken = (team: string) => `xoxb-${team}-${randomBytes(12).toString('hex')}`;
function installation(team: string, token: string): Installation {
  return {
    team: { id: team, name: `Team ${team}` },
    enterprise: undefined,
    user: { id: 'U_INSTALLER', token: undefined, scopes: undefined },
    bot: { token, userId: 'U_BOT', id: 'B_BOT', scopes: ['commands', 'chat:write'] },
    isEnterpriseInstall: false,
    tokenType: 'bot',
  };
}

/** Installs through what Slack's OAuth redirect calls: Bolt's store over the sealing use-case. */
async function install(team: string, sealWith: string): Promise<string> {
  const token = botToken(team);
  const store = slackInstallationStore(createInstallations({ db, key: key(sealWith), platform: 'slack', clock: systemClock }));
  await store.storeInstallation(installation(team, token));
  return token;
}

/** A bot token as the front ends read it (the draft stages' Slack file token), from a parsed config. */
const readToken = (cfg: Config, team: string) => slackFileToken(cfg, { ...tdb, embedded: false })(team, undefined);

async function sealedOf(team: string): Promise<Buffer> {
  const [row] = await db
    .select({ secretEnc: installations.secretEnc })
    .from(installations)
    .innerJoin(workspaces, eq(workspaces.id, installations.workspaceId))
    .where(eq(workspaces.externalId, team));
  return row!.secretEnc;
}

const tokens: Record<string, string> = {};

describe('configuration', () => {
  test('ENCRYPTION_KEY_PREVIOUS takes the same 64 hex characters, needs ENCRYPTION_KEY, and must differ from it', () => {
    const bad = parseConfig({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: 'abc' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([expect.stringMatching(/^ENCRYPTION_KEY_PREVIOUS: must be 64 hex characters/)]);

    const alone = parseConfig({ ENCRYPTION_KEY_PREVIOUS: A });
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.errors.join('\n')).toMatch(/ENCRYPTION_KEY_PREVIOUS is set without ENCRYPTION_KEY/);

    // The same key in another letter case is the same key.
    const same = parseConfig({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: B.toUpperCase() });
    expect(same.ok).toBe(false);
    if (!same.ok) {
      expect(same.errors.join('\n')).toMatch(/ENCRYPTION_KEY_PREVIOUS is the same key as ENCRYPTION_KEY/);
      expect(same.errors.join('\n').toLowerCase()).not.toContain(B);
    }

    const ok = config({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: A });
    expect(ok.encryptionKey?.equals(key(B))).toBe(true);
    expect(ok.encryptionKeyPrevious?.equals(key(A))).toBe(true);
    expect(config({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: '' }).encryptionKeyPrevious).toBeUndefined();
  });

  test('keys takes one subcommand', () => {
    expect(parseKeysArgs(['rotate'])).toEqual({ ok: true, command: 'rotate', json: false });
    expect(parseKeysArgs(['rotate', '--json'])).toEqual({ ok: true, command: 'rotate', json: true });
    expect(parseKeysArgs([])).toEqual({ ok: false, error: 'which keys command? (rotate)' });
    expect(parseKeysArgs(['rotate', 'now'])).toEqual({ ok: false, error: 'unknown keys command "rotate now"' });
  });
});

describe('rotating from key A to key B', () => {
  test('tokens sealed with A are read with B current and A previous, as the front ends read them', async () => {
    tokens.T_ROT_1 = await install('T_ROT_1', A);
    tokens.T_ROT_2 = await install('T_ROT_2', A);
    expect(await readToken(config({ ENCRYPTION_KEY: A }), 'T_ROT_1')).toBe(tokens.T_ROT_1);

    // Mid-rotation: the new key is current, the old one previous; nothing breaks.
    const mid = config({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: A });
    expect(await readToken(mid, 'T_ROT_1')).toBe(tokens.T_ROT_1);
    expect(await readToken(mid, 'T_ROT_2')).toBe(tokens.T_ROT_2);
    // Through Bolt's store too (what the Slack receiver authorises with).
    const bolt = installedTokens(createInstallations({ db, key: key(B), previousKey: key(A), platform: 'slack', clock: systemClock }));
    expect((await bolt.bot('T_ROT_2', undefined))?.token).toBe(tokens.T_ROT_2);
    // B alone cannot open them yet.
    await expect(readToken(config({ ENCRYPTION_KEY: B }), 'T_ROT_1')).rejects.toThrow(/failed authentication/);
    // A new install mid-rotation is sealed with the current key.
    tokens.T_ROT_NEW = await install('T_ROT_NEW', B);
  });

  test('rotate re-encrypts every token sealed with A under B; B alone then reads them all', async () => {
    const before = await sealedOf('T_ROT_1');
    let out = '';
    const code = await runKeysRotate(db, config({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: A }), false, { out: (t) => (out += t), err: (t) => (out += t) });
    expect(code).toBe(0);
    expect(out).toBe('installation tokens: 2 re-encrypted, 1 already current, 0 unreadable\nEvery token opens with ENCRYPTION_KEY: ENCRYPTION_KEY_PREVIOUS can be removed.\n');
    expect((await sealedOf('T_ROT_1')).equals(before)).toBe(false);

    const after = config({ ENCRYPTION_KEY: B });
    for (const team of ['T_ROT_1', 'T_ROT_2', 'T_ROT_NEW']) expect(await readToken(after, team)).toBe(tokens[team]);
    // A no longer opens them: the old key can go.
    await expect(readToken(config({ ENCRYPTION_KEY: A }), 'T_ROT_1')).rejects.toThrow(/failed authentication/);
  });

  test('a second run re-encrypts nothing and changes no row', async () => {
    const before = await sealedOf('T_ROT_2');
    const r = await reencryptInstallations({ db, key: key(B), previousKey: key(A) });
    expect(r).toEqual({ reencrypted: 0, alreadyCurrent: 3, unreadable: [] });
    expect((await sealedOf('T_ROT_2')).equals(before)).toBe(true);
  });

  test('revoked installations hold no secret and are not counted', async () => {
    await createInstallations({ db, key: key(B), platform: 'slack', clock: systemClock }).revoke('T_ROT_NEW');
    expect(await reencryptInstallations({ db, key: key(B), previousKey: key(A) })).toEqual({ reencrypted: 0, alreadyCurrent: 2, unreadable: [] });
  });
});

describe('a token neither key opens', () => {
  test('is reported by workspace, left unchanged, and exits 1; the CLI prints counts and no key or token', async () => {
    tokens.T_ROT_C = await install('T_ROT_C', C);
    // One sealed with A but copied onto another workspace's row: its context no longer matches.
    tokens.T_ROT_MOVED = await install('T_ROT_MOVED', A);
    const moved = await sealedOf('T_ROT_1');
    const [ws] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.externalId, 'T_ROT_MOVED'));
    await db.update(installations).set({ secretEnc: moved }).where(eq(installations.workspaceId, ws!.id));
    const sealedC = await sealedOf('T_ROT_C');

    const run = await runNode([path.join(root, 'service/main/cli.ts'), 'keys', 'rotate'], {
      cwd: root,
      env: { DATABASE_URL: tdb.url, ENCRYPTION_KEY: B.toUpperCase(), ENCRYPTION_KEY_PREVIOUS: A, LOG_LEVEL: 'debug' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        'installation tokens: 0 re-encrypted, 2 already current, 2 unreadable',
        'unreadable with ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS (left unchanged):',
        '  slack/T_ROT_C (Team T_ROT_C)',
        '  slack/T_ROT_MOVED (Team T_ROT_MOVED)',
        'These workspaces must install the app again, unless ENCRYPTION_KEY_PREVIOUS is not the key they were sealed with: set the right one and run this again.',
        '',
      ].join('\n'),
    );
    const printed = (run.stdout + run.stderr).toLowerCase();
    for (const k of [A, B, C]) expect(printed).not.toContain(k);
    for (const t of Object.values(tokens)) expect(printed).not.toContain(t.toLowerCase());
    expect((await sealedOf('T_ROT_C')).equals(sealedC)).toBe(true);

    // With C as the previous key, the one sealed with C is re-encrypted; the moved one stays unreadable.
    const withC = await runNode([path.join(root, 'service/main/cli.ts'), 'keys', 'rotate', '--json'], {
      cwd: root,
      env: { DATABASE_URL: tdb.url, ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: C },
    });
    expect(withC.code).toBe(1);
    expect(JSON.parse(withC.stdout)).toEqual({ reencrypted: 1, alreadyCurrent: 2, unreadable: [{ platform: 'slack', externalId: 'T_ROT_MOVED', workspaceName: 'Team T_ROT_MOVED' }] });
    expect(await readToken(config({ ENCRYPTION_KEY: B }), 'T_ROT_C')).toBe(tokens.T_ROT_C);
  });

  test('without ENCRYPTION_KEY the CLI refuses before touching the database (exit 2)', async () => {
    const run = await runNode([path.join(root, 'service/main/cli.ts'), 'keys', 'rotate'], { cwd: root, env: { DATABASE_URL: tdb.url } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ENCRYPTION_KEY is not set/);
    const same = await runNode([path.join(root, 'service/main/cli.ts'), 'keys', 'rotate'], { cwd: root, env: { DATABASE_URL: tdb.url, ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: B } });
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/ENCRYPTION_KEY_PREVIOUS is the same key as ENCRYPTION_KEY/);
    expect(same.stderr.toLowerCase()).not.toContain(B);
  });
});

// The service as `serve` wires it (service/main/slack.ts), configured with B current and A previous.
const h = await startSlackHarness({ ENCRYPTION_KEY: B, ENCRYPTION_KEY_PREVIOUS: A }, { mode: 'oauth' });

describe('the Slack front end mid-rotation', () => {
  test('a command from a workspace whose token was sealed with the previous key is answered with that token', async () => {
    const token = botToken('T_ROT_LIVE');
    await slackInstallationStore(createInstallations({ db: h.tdb.db, key: key(A), platform: 'slack', clock: systemClock })).storeInstallation(installation('T_ROT_LIVE', token));
    await h.command('compare B0799CK52K B074M5HPBD', { teamId: 'T_ROT_LIVE', channelId: 'C_ROT_LIVE' });
    const root = await h.slack.waitFor(() => h.slack.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'C_ROT_LIVE'), 20_000);
    expect(root.token).toBe(token);
    expect(h.logLines().join('\n').toLowerCase()).not.toContain(A);
  });
});
