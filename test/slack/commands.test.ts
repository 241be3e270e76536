import { afterAll, describe, expect, test } from 'vitest';
import { ACTION } from '../../bots/slack/render.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { startSlackHarness } from './harness.ts';

/**
 * The other subcommands, answered privately (response_url), and the delivery fallbacks: a channel
 * the bot is not in gets a private how-to-fix and `status <job>` re-renders the run.
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-slack-tests' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
for (const asin of ['B0799CK52K', 'B074M5HPBD', 'B07GTFSCHB'] as const) apify.setItem(asin, axessoItem(asin, images.url));
const h = await startSlackHarness({ APIFY_TOKEN: 'apify-token-for-slack-tests', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host });
const { slack } = h;

/** Sends a command and returns the private reply posted to its response_url. */
async function ask(text: string, opts: { teamId?: string; channelId?: string } = {}): Promise<Record<string, unknown>> {
  const id = `r${Math.random().toString(36).slice(2)}`;
  const res = await h.command(text, { responseUrl: slack.responseUrl(id), ...opts });
  expect(res.statusCode).toBe(200);
  if (res.body) return res.json(); // answered in the acknowledgement
  return (await slack.waitFor(() => slack.responses.find((r) => r.id === id), 20_000)).body;
}

describe('private replies', () => {
  test('help lists the subcommands with examples', async () => {
    const r = await ask('help');
    expect(r['response_type']).toBe('ephemeral');
    expect(String(r['text'])).toContain('/listing compare');
    expect(String(r['text'])).toContain('/listing credits');
  });

  test('credits: a new workspace starts with 30 free credits', async () => {
    expect(String((await ask('credits', { teamId: 'T_NEW' }))['text'])).toMatch(/^Balance: 30 credits/);
  });

  test('buy without Stripe configured and experiments answer privately', async () => {
    expect(String((await ask('buy'))['text'])).toMatch(/not configured/);
    expect(String((await ask('experiment list'))['text'])).toMatch(/No experiments yet/);
  });

  test('status of an unknown job, or of another workspace’s run, is "not found"', async () => {
    expect(String((await ask('status 0123abcd'))['text'])).toMatch(/No run/);
  });
});

describe('a channel the bot is not in', () => {
  let shortId = '';

  test('the requester is told privately how to fix it; no root message; the run still completes', async () => {
    slack.refuseChannel('C_PRIVATE');
    const id = 'not-in-channel';
    await h.command('compare B0799CK52K B074M5HPBD', { channelId: 'C_PRIVATE', responseUrl: slack.responseUrl(id), teamId: 'T_TEAM' });
    const told = await slack.waitFor(() => slack.responses.find((r) => r.id === id && /invite me/.test(String(r.body['text']))), 20_000);
    shortId = /status ([0-9a-f]{8})/.exec(String(told.body['text']))![1]!;
    expect(told.body['response_type']).toBe('ephemeral');
    expect(slack.roots('C_PRIVATE')).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args['channel'] === 'C_PRIVATE').map((c) => c.error)).toEqual(['not_in_channel']);
    const runId = (await h.tdb.sql<{ id: string }[]>`select id from runs where id::text like ${`${shortId}%`}`)[0]!.id;
    expect((await h.waitForRun(runId)).status).toBe('succeeded');
  });

  test('`status <job>` re-renders the run privately, verdict included', async () => {
    const r = await ask(`status ${shortId}`, { teamId: 'T_TEAM', channelId: 'C_PRIVATE' });
    expect(String(r['text'])).toMatch(/^Verdict: (B0799CK52K wins|B074M5HPBD wins|tie) /);
    const blocks = JSON.stringify(r['blocks']);
    expect(blocks).toContain(`Job \`${shortId}\``);
    expect(blocks).not.toContain(ACTION.rerunFresh); // a status reply has no buttons
    expect(String((await ask(`status ${shortId}`, { teamId: 'T_OTHER' }))['text'])).toMatch(/No run/);
  });

  test('history lists it with its verdict; credits shows the reservation', async () => {
    expect(String((await ask('history', { teamId: 'T_TEAM' }))['text'])).toMatch(new RegExp(`\`${shortId}\` .* B0799CK52K vs B074M5HPBD: (B0\\w+ wins|tie)`));
    const credits = String((await ask('credits', { teamId: 'T_TEAM' }))['text']);
    expect(credits).toMatch(/^Balance: 20 credits/);
    expect(credits).toContain('reserve');
  });

  test('the same pair again within 24 h gets the existing run privately, not a new one', async () => {
    const before = await h.runCount();
    const r = await ask('compare B0799CK52K B074M5HPBD', { teamId: 'T_TEAM', channelId: 'C_PRIVATE' });
    expect(String(r['text'])).toContain(`compared in the last 24 hours (job \`${shortId}\`)`);
    expect(await h.runCount()).toBe(before);
  });
});

describe('running out of credits', () => {
  test('a finished run offers "Buy credits" when the balance is low; a run that cannot be paid is refused privately', async () => {
    // T_TEAM has 20 credits left: two more comparisons spend them.
    // A new run needs no private reply: its root message in the channel is the answer.
    expect((await h.command('compare B07GTFSCHB B0799CK52K', { teamId: 'T_TEAM', channelId: 'C_SHOP' })).body).toBe('');
    expect((await h.command('compare B07GTFSCHB B074M5HPBD', { teamId: 'T_TEAM', channelId: 'C_SHOP' })).body).toBe('');
    const roots = await slack.waitFor(() => {
      const r = slack.roots('C_SHOP');
      return r.length === 2 && r.every((m) => /^Verdict: /.test(m.text)) ? r : undefined;
    }, 60_000);
    expect(JSON.stringify(roots.at(-1)!.blocks)).toContain(ACTION.buyCredits);
    const refused = await ask('compare B074M5HPBD B07GTFSCHB', { teamId: 'T_TEAM', channelId: 'C_SHOP' });
    expect(String(refused['text'])).toMatch(/credits/);
    expect(JSON.stringify(refused['blocks'])).toContain(ACTION.buyCredits);
    expect(slack.roots('C_SHOP')).toHaveLength(2);
  });
});
