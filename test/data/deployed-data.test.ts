import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ADMIN, button, command, MEMBER } from '../discord/support.ts';
import { FORM, buttonBody, signed } from '../emulators/slack-requests.ts';
import { discordCompareFlow, post, slackCompareFlow, slashCommand, waitUntil } from '../deployed/flows.ts';
import { startDeployed } from '../deployed/service-process.ts';

/**
 * A workspace's data, as its admins reach it in the deployed service (`listinglab serve` with
 * Slack, Discord and every integration configured, driven over HTTP): `/listing data export`
 * gives an admin a link whose archive holds this workspace's comparison and nothing of another;
 * `/listing data delete` asks for a confirmation and, once an admin presses it, empties the
 * workspace while the other one is intact and every ledger still reconciles. Members are refused
 * at every step.
 */

const d = await startDeployed();
const work = await mkdtemp(path.join(os.tmpdir(), 'listinglab-data-'));
afterAll(async () => {
  await d.stop();
  await rm(work, { recursive: true, force: true });
});

const CHANNEL = 'C_DATA';
d.slack.setUserRole('U_ADMIN', 'admin');
d.slack.setUserRole('U_OWNER', 'primary_owner');

let seq = 0;
/** A signed slash command as `user`; resolves with its private reply (the response_url body). */
async function slack(text: string, user: string): Promise<Record<string, unknown>> {
  const id = `data-${++seq}`;
  const res = await slashCommand(d, text, { channelId: CHANNEL, responseId: id, userId: user });
  expect(res.status).toBe(200);
  const body = await waitUntil(() => d.slack.responses.find((r) => r.id === id)?.body, 20_000, () => `no reply to "${text}"\n${d.output().slice(-3000)}`);
  return body;
}

/** A press of a button on a private reply, as `user`; resolves with what replaced it (or was sent). */
async function press(actionId: string, value: string, user: string): Promise<Record<string, unknown>> {
  const id = `press-${++seq}`;
  const req = signed(d.secrets.slackSigningSecret, buttonBody({ actionId, value, userId: user, channelId: CHANNEL, teamId: 'T_TEAM', responseUrl: d.slack.responseUrl(id) }), FORM);
  const res = await post(d, req.url, req.payload, req.headers);
  expect(res.status).toBe(200);
  return waitUntil(() => d.slack.responses.find((r) => r.id === id)?.body, 20_000, () => `no answer to ${actionId}\n${d.output().slice(-3000)}`);
}

/** A signed Discord interaction; resolves with the HTTP answer. */
async function discord(payload: Record<string, unknown>): Promise<{ type: number; data?: { content?: string; components?: unknown[] } }> {
  const body = JSON.stringify(payload);
  const res = await post(d, '/discord/interactions', body, d.signer.headers(body));
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as { type: number; data?: { content?: string } };
}

/** Downloads an export link and unpacks it with the system tar; resolves with the folder. */
async function unpack(url: string, name: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/gzip/);
  expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="listinglab-export-.*\.tar\.gz"/);
  const file = path.join(work, `${name}.tar.gz`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  const dir = path.join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  return dir;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const textOf = (body: Record<string, unknown>) => (typeof body['text'] === 'string' ? body['text'] : '');
const linkIn = (text: string) => /(http:\/\/127\.0\.0\.1:\d+\/exports\/[A-Za-z0-9_-]+)/.exec(text)?.[1];

describe('workspace data in the deployed service', () => {
  let exportUrl = '';

  test('Slack export: a member is refused; an admin gets a link to an archive of this workspace only', async () => {
    await slackCompareFlow(d, CHANNEL); // Slack team T_TEAM: B0799CK52K vs B074M5HPBD
    await discordCompareFlow(d); // the Discord server: B07GTFSCHB vs B0799CK52K

    expect(textOf(await slack('data export', 'U_SELLER'))).toMatch(/Only the workspace's admins can do that/);
    const reply = textOf(await slack('data export', 'U_ADMIN'));
    exportUrl = linkIn(reply) ?? '';
    expect(exportUrl, reply).not.toBe('');
    expect(reply).toMatch(/1 comparison or draft/);
    expect(reply).toMatch(/keep it to yourself/);

    const dir = await unpack(exportUrl, 'slack');
    const files = await filesUnder(dir);
    const manifestFile = files.find((f) => f.endsWith('manifest.json'));
    expect(manifestFile).toBeDefined();
    const manifest = JSON.parse(await readFile(manifestFile!, 'utf8')) as { version: number; counts: { runs: number } };
    expect(manifest.version).toBe(1);
    expect(manifest.counts.runs).toBe(1);
    const runFiles = files.filter((f) => /\/runs\/[0-9a-f-]{36}\.json$/.test(f));
    expect(runFiles).toHaveLength(1);
    const run = await readFile(runFiles[0]!, 'utf8');
    expect(run).toContain('B0799CK52K');
    expect(run).toContain('B074M5HPBD');
    expect(run).toMatch(/"verdict"/);
    const images = files.filter((f) => f.includes('/images/'));
    expect(images.length).toBeGreaterThan(0);
    for (const f of images) expect(path.basename(f)).toContain(createHash('sha256').update(await readFile(f)).digest('hex'));
    // Nothing of the Discord server: not its other listing, anywhere in the archive.
    for (const f of files) expect((await readFile(f)).includes('B07GTFSCHB'), f).toBe(false);

    // An altered token is the ordinary 404.
    const altered = exportUrl.slice(0, -2) + (exportUrl.endsWith('AA') ? 'BB' : 'AA');
    expect((await fetch(altered)).status).toBe(404);
  }, 240_000);

  test('Discord export: a member is refused; an admin gets a link to the server’s own archive', async () => {
    const refused = await discord(command('data export', {}, { permissions: MEMBER }));
    expect(refused.data?.content).toMatch(/Only server admins/);
    const answer = await discord(command('data export', {}, { permissions: ADMIN }));
    const url = linkIn(answer.data?.content ?? '');
    expect(url, JSON.stringify(answer)).toBeDefined();
    const files = await filesUnder(await unpack(url!, 'discord'));
    const runs = files.filter((f) => /\/runs\/[0-9a-f-]{36}\.json$/.test(f));
    expect(runs).toHaveLength(1);
    expect(await readFile(runs[0]!, 'utf8')).toContain('B07GTFSCHB');
    for (const f of files) expect((await readFile(f)).includes('B074M5HPBD'), f).toBe(false);
  }, 60_000);

  test('Slack delete: confirmed by an admin, the workspace is emptied; the Discord server is intact; ledgers reconcile', async () => {
    expect(textOf(await slack('data delete', 'U_SELLER'))).toMatch(/Only the workspace's admins/);
    const ask = await slack('data delete', 'U_OWNER');
    expect(textOf(ask)).toMatch(/Delete everything this workspace stored\?/);
    const blocks = JSON.stringify(ask['blocks']);
    const confirmationId = /"action_id":"listing_data_delete_confirm","value":"([0-9a-f-]{36})"/.exec(blocks)?.[1];
    expect(confirmationId, blocks).toBeDefined();

    // A member pressing the admin's button is refused, and nothing goes.
    expect(textOf(await press('listing_data_delete_confirm', confirmationId!, 'U_SELLER'))).toMatch(/Only the workspace's admins/);
    expect(textOf(await slack('history', 'U_SELLER'))).toMatch(/B0799CK52K vs B074M5HPBD/);

    const done = await press('listing_data_delete_confirm', confirmationId!, 'U_OWNER');
    expect(done['replace_original']).toBe(true);
    expect(textOf(done)).toMatch(/^Deleted 1 comparison or draft/);
    expect(textOf(done)).toMatch(/Kept for accounting, without user ids/);

    expect(textOf(await slack('history', 'U_SELLER'))).toMatch(/No comparisons yet/);
    // The same confirmation cannot be used twice; the earlier export link opens nothing now.
    expect(textOf(await press('listing_data_delete_confirm', confirmationId!, 'U_OWNER'))).toMatch(/expired or was already used/);
    expect((await fetch(exportUrl)).status).toBe(404);

    // The Discord server still has its run.
    const history = await discord(command('history'));
    expect(history.data?.content).toMatch(/B07GTFSCHB/);
    // Every balance still equals its ledger (the operator's check, run beside the service).
    const check = await d.cli(['credits', 'check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  }, 120_000);

  test('Discord delete: Cancel leaves everything; a member cannot confirm', async () => {
    const ask = await discord(command('data delete', {}, { permissions: ADMIN }));
    const ids = JSON.stringify(ask.data?.components);
    const confirm = /"custom_id":"(ll:delete:[0-9a-f-]{36})"/.exec(ids)?.[1];
    expect(confirm, ids).toBeDefined();
    expect((await discord(button(confirm!, { permissions: MEMBER }))).data?.content).toMatch(/Only server admins/);
    const cancelled = await discord(button('ll:keep', { permissions: ADMIN }));
    expect(cancelled.type).toBe(7);
    expect(cancelled.data?.content).toBe('Nothing was deleted.');
    expect((await discord(command('history'))).data?.content).toMatch(/B07GTFSCHB/);
  }, 60_000);

  test('Slack without users:read: the admin is told to reinstall, nothing is done', async () => {
    d.slack.failMethod('users.info', 'missing_scope');
    try {
      expect(textOf(await slack('data export', 'U_ADMIN'))).toMatch(/could not check that you administer this workspace \(Slack said: missing_scope\).*reinstall/);
    } finally {
      d.slack.failMethod('users.info', undefined);
    }
    expect(d.leakedSecrets()).toEqual([]);
  }, 30_000);
});
