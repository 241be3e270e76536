import { afterAll, describe, expect, test } from 'vitest';
import { ACTION } from '../../bots/slack/render.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { buttonBody, FORM, slashCommandBody } from '../emulators/slack-requests.ts';
import { BOT_TOKEN, startSlackHarness } from './harness.ts';

/**
 * Issue 5's "done means", end to end: a signed `/listing compare <A> <B>` against the HTTP app
 * (Slack, Apify and image-host emulators, no model keys) is acknowledged in under 3 s and ends
 * with ONE root message edited in place to the verdict and every stage's card in one thread reply.
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-slack-tests' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));

const h = await startSlackHarness({ APIFY_TOKEN: 'apify-token-for-slack-tests', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host });
const { slack } = h;
const CHANNEL = 'C_COMPARE';
const STAGES = ['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'];
/** The stage cards' titles (their header blocks) in thread replies, in order. */
const cardTitles = (replies: readonly { blocks: readonly Record<string, unknown>[] }[]) =>
  replies.flatMap((r) => r.blocks.filter((b) => b['type'] === 'header').map((b) => (b['text'] as { text: string }).text));

describe('/listing compare in Slack', () => {
  let rootTs = '';
  let runId = '';

  test('acknowledged in under 3 s; one root message updated in place to the verdict; the stage cards together in one thread reply', async () => {
    // A rate limit on the first edit must be waited out (Retry-After), not lose the update.
    slack.rateLimitOnce('chat.update', 1);
    const body = slashCommandBody({ text: 'compare B0799CK52K https://www.amazon.com/dp/B074M5HPBD', channelId: CHANNEL, responseUrl: slack.responseUrl('compare') });
    const started = Date.now();
    const res = await h.send(body, FORM);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.statusCode).toBe(200);

    const root = await slack.waitFor(() => slack.roots(CHANNEL)[0], 10_000);
    rootTs = root.ts;
    expect(root.versions[0]!.text).toMatch(/B0799CK52K vs B074M5HPBD/);
    expect(JSON.stringify(root.versions[0]!.blocks)).toMatch(/Job `[0-9a-f]{8}`/);

    const final = await slack.waitFor(() => (/^Verdict: /.test(root.text) ? root : undefined), 60_000);
    expect(final.text).toMatch(/^Verdict: (B0799CK52K wins|B074M5HPBD wins|tie) /);
    // The stage cards arrive together once the run is finished: one reply (with the scorecard).
    const replies = await slack.waitFor(() => (slack.replies(root.ts).length ? slack.replies(root.ts) : undefined), 20_000);

    // One root, edited in place (every update names it), never a second one.
    expect(slack.roots(CHANNEL)).toHaveLength(1);
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && !c.error);
    expect(posts.filter((c) => !c.args['thread_ts'])).toHaveLength(1);
    const updates = slack.callsTo('chat.update');
    expect(updates.length).toBeGreaterThan(1); // the 429 and its retry at least
    expect(updates.some((c) => c.status === 429)).toBe(true);
    expect(new Set(updates.map((c) => c.args['ts']))).toEqual(new Set([root.ts]));
    // Edits are coalesced (debounced per run), but the root did change in place.
    expect(root.versions.length).toBeGreaterThanOrEqual(2);
    expect(root.versions[0]!.text).not.toBe(root.text);

    // One card per stage, all in one reply in the root's thread (the scorecard's message: the
    // detail and the picture together), each card once, in the stages' order.
    expect(replies).toHaveLength(1);
    expect(replies[0]!.files).toHaveLength(1);
    expect(cardTitles(replies)).toEqual(['Fetch listings', 'Click (main image)', 'Conversion (gallery)', 'Copy (title, bullets, description)', 'Buyer personas', 'Verdict']);
    expect(cardTitles(replies)).toHaveLength(STAGES.length);
    // The root showed the stages as they settled: its versions count up, never down.
    const done = root.versions.map((v) => Number(/ (\d) of 6 stages done/.exec(v.text)?.[1] ?? 6));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // Every call used the configured bot token against SLACK_API_URL (the emulator saw them all).
    expect(slack.calls.every((c) => c.token === BOT_TOKEN)).toBe(true);

    const blocks = JSON.stringify(final.blocks);
    expect(blocks).toContain('Fixes for ');
    expect(blocks).toContain(ACTION.rerunFresh);
    expect(blocks).toContain(ACTION.saveExperiment);
    expect(blocks).toContain('listing_record_outcome'); // Record real result
    // 30 free credits − 10 leaves 20: not low, no Buy button.
    expect(blocks).not.toContain(ACTION.buyCredits);
    const m = /Job `([0-9a-f]{8})`/.exec(blocks);
    runId = (await h.tdb.sql<{ id: string }[]>`select id from runs where id::text like ${`${m![1]}%`}`)[0]!.id;
    const view = await h.waitForRun(runId);
    expect(view.status).toBe('succeeded');
    expect(view.verdict).not.toBeNull();
  });

  test('a retried delivery (X-Slack-Retry-Num) and a redelivered command (same trigger_id) create no second run', async () => {
    const before = await h.runCount();
    const body = slashCommandBody({ text: 'compare B074M5HPBD B0799CK52K fresh', channelId: 'C_RETRY', triggerId: 'trigger-redelivered' });
    expect((await h.send(body, FORM)).statusCode).toBe(200);
    await expect.poll(() => h.runCount(), { timeout: 5000 }).toBe(before + 1);
    const retried = await h.send(body, FORM, { retryNum: 1 });
    expect(retried.statusCode).toBe(200);
    expect(retried.body).toBe('');
    // The same command delivered again without the header still finds its run by trigger_id.
    expect((await h.send(body, FORM)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.runCount()).toBe(before + 1);
    await slack.waitFor(() => slack.roots('C_RETRY').find((m) => /^Verdict: /.test(m.text)), 60_000);
  });

  test('"Save as experiment" saves the run as a baseline, privately; "Re-run fresh" double-clicked creates one run', async () => {
    const save = await h.send(buttonBody({ actionId: ACTION.saveExperiment, value: runId, channelId: CHANNEL, responseUrl: slack.responseUrl('save') }), FORM);
    expect(save.statusCode).toBe(200);
    const saved = await slack.waitFor(() => slack.responses.find((r) => r.id === 'save'));
    expect(saved.body['response_type']).toBe('ephemeral');
    expect(String(saved.body['text'])).toMatch(/Saved run `[0-9a-f]{8}` as the baseline of experiment `[0-9a-f]{8}`/);

    const before = await h.runCount();
    const press = (n: number) => h.send(buttonBody({ actionId: ACTION.rerunFresh, value: runId, channelId: CHANNEL, messageTs: rootTs, responseUrl: slack.responseUrl(`rerun-${n}`) }), FORM);
    const [first, second] = await Promise.all([press(1), press(2)]);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    const told = await slack.waitFor(() => slack.responses.find((r) => r.id.startsWith('rerun-')));
    expect(String(told.body['text'])).toMatch(/Already started as job `[0-9a-f]{8}`/);
    expect(await h.runCount()).toBe(before + 1);
    // The re-run gets its own root message in the channel, and finishes.
    const rerun = await slack.waitFor(() => slack.roots(CHANNEL)[1]);
    await slack.waitFor(() => /^Verdict: /.test(rerun.text), 60_000);
  });
});
