import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { EXPERIMENT_ACTION, RERUN_VIEW } from '../../bots/slack/experiment-modal.ts';
import { ACTION } from '../../bots/slack/render.ts';
import { experimentRuns, experiments, runs } from '../../service/db/schema.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { buttonBody, FORM, viewSubmissionBody } from '../emulators/slack-requests.ts';
import { startSlackHarness } from '../slack/harness.ts';

/**
 * Issue 8 through Slack (signed requests against the HTTP app, the Slack, Apify and image-host
 * emulators, no model keys): Save as experiment → the tag picker → a fresh re-run whose deltas
 * against the baseline land in its thread → `experiment show`; pin and list.
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-experiments' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));

const h = await startSlackHarness({ APIFY_TOKEN: 'apify-token-for-experiments', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host });
const { slack, tdb } = h;
const db = tdb.db;
const CHANNEL = 'C_EXPERIMENTS';

const reply = (id: string) => slack.waitFor(() => slack.responses.find((r) => r.id === id), 20_000);
const replyText = async (id: string) => String((await reply(id)).body['text']);
const ask = async (text: string, id: string) => {
  await h.command(text, { channelId: CHANNEL, responseUrl: slack.responseUrl(id) });
  return replyText(id);
};
const verdictRoot = (n: number) => slack.waitFor(() => {
  const root = slack.roots(CHANNEL)[n];
  return root && /^Verdict: /.test(root.text) ? root : undefined;
}, 60_000);

let baselineRun = '';
let experimentId = '';
let rerunRun = '';

describe('the experiment loop in Slack', () => {
  test('"Save as experiment" on a finished run makes it the baseline, and offers the re-run picker', async () => {
    await h.command('compare B0799CK52K B074M5HPBD', { channelId: CHANNEL });
    const root = await verdictRoot(0);
    const shortId = /Job `([0-9a-f]{8})`/.exec(JSON.stringify(root.blocks))![1]!;
    baselineRun = (await tdb.sql<{ id: string }[]>`select id from runs where id::text like ${`${shortId}%`}`)[0]!.id;
    await h.waitForRun(baselineRun);

    await h.send(buttonBody({ actionId: ACTION.saveExperiment, value: baselineRun, channelId: CHANNEL, responseUrl: slack.responseUrl('save') }), FORM);
    const saved = await reply('save');
    expect(saved.body['response_type']).toBe('ephemeral');
    expect(String(saved.body['text'])).toMatch(new RegExp(`Saved run \`${shortId}\` as the baseline of experiment \`[0-9a-f]{8}\``));
    expect(JSON.stringify(saved.body['blocks'])).toContain(EXPERIMENT_ACTION.rerun);
    const [exp] = await db.select().from(experiments);
    experimentId = exp!.id;
    expect(exp).toMatchObject({ baselineRunId: baselineRun, name: 'B0799CK52K vs B074M5HPBD' });
  });

  test('"Re-run with changes…" opens a multi-select of the eight tags; submitting it starts a fresh, linked re-run', async () => {
    // What the seller changed: B's title, now promotional and long.
    apify.setItem('B074M5HPBD', axessoItem('B074M5HPBD', images.url, { productTitle: 'BEST SELLER!!! AmazonBasics LED Light Bulb 40W Soft White HOT SALE FREE SHIPPING, Best Bulb, Bulb for Lamps, Bulb for Ceilings, Cheap Bulb, Top Rated Bulb, Gift Idea, Perfect Gift, Amazing Deal Bulb' }));
    await h.send(buttonBody({ actionId: EXPERIMENT_ACTION.rerun, value: experimentId, channelId: CHANNEL, responseUrl: slack.responseUrl('picker'), triggerId: 'trigger-picker' }), FORM);
    const opened = await slack.waitFor(() => slack.callsTo('views.open')[0]);
    expect(opened.args['trigger_id']).toBe('trigger-picker');
    const view = opened.args['view'] as { callback_id: string; private_metadata: string; blocks: { element?: { type: string; options: { value: string }[]; max_selected_items: number } }[] };
    expect(view.callback_id).toBe(RERUN_VIEW);
    const select = view.blocks.find((b) => b.element?.type === 'multi_static_select')!.element!;
    expect(select.options.map((o) => o.value)).toEqual(['main-image', 'gallery', 'title', 'bullets', 'description', 'price', 'aplus', 'other']);
    expect(select.max_selected_items).toBe(8);

    // Nothing picked: Slack shows the error under the field; nothing starts.
    const before = await h.runCount();
    const empty = await h.send(viewSubmissionBody({ callbackId: RERUN_VIEW, privateMetadata: view.private_metadata, values: { tags: { value: { type: 'multi_static_select', selected_options: [] } } } }), FORM);
    expect(empty.json()).toMatchObject({ response_action: 'errors', errors: { tags: expect.stringMatching(/at least one/) } });

    const submit = () =>
      h.send(
        viewSubmissionBody({
          callbackId: RERUN_VIEW,
          privateMetadata: view.private_metadata,
          viewId: 'V_PICKER_1',
          values: { tags: { value: { type: 'multi_static_select', selected_options: [{ text: { type: 'plain_text', text: 'Title' }, value: 'title' }] } } },
        }),
        FORM,
      );
    expect((await submit()).statusCode).toBe(200);
    expect(await replyText('picker')).toMatch(new RegExp(`Re-running experiment \`${experimentId.slice(0, 8)}\` .* as job \`[0-9a-f]{8}\`, changed: title`));
    await submit(); // the same modal submitted twice: one run
    await expect.poll(() => h.runCount(), { timeout: 5000 }).toBe(before + 1);
    const [link] = await db.select().from(experimentRuns).where(eq(experimentRuns.experimentId, experimentId));
    expect(link!.tags).toEqual(['title']);
    rerunRun = link!.runId!;
    const [run] = await db.select().from(runs).where(eq(runs.id, rerunRun));
    expect(run?.fresh).toBe(true);
  });

  test("the re-run's thread gets a card with its deltas against the baseline, after the stage cards", async () => {
    const root = await verdictRoot(1);
    const card = await slack.waitFor(() => slack.replies(root.ts).find((m) => m.text.startsWith('Experiment `')), 30_000);
    expect(card.text).toContain(`Experiment \`${experimentId.slice(0, 8)}\``);
    expect(card.text).toContain('changed: title');
    expect(card.text).toMatch(/Copy \(title, bullets, description\): A [\d.]+ → [\d.]+ \(±0\.0\) · B [\d.]+ → [\d.]+ \(-\d+\.\d\)/);
    expect(card.text).toMatch(/Click \(main image\): A [\d.]+ → [\d.]+ \(±0\.0\) · B [\d.]+ → [\d.]+ \(±0\.0\)/);
    expect(JSON.stringify(card.blocks)).toContain(EXPERIMENT_ACTION.rerun);
    const replies = slack.replies(root.ts);
    expect(replies.at(-1)).toBe(card); // after the verdict card
    expect(replies.filter((m) => m.text.startsWith('Experiment `'))).toHaveLength(1);
  });

  test('`experiment show` gives the baseline and the per-stage deltas; `experiment rerun <id> <tags…>` in text works too', async () => {
    const shown = await ask(`experiment show ${experimentId.slice(0, 8)}`, 'show');
    expect(shown).toContain(`Baseline: run \`${baselineRun.slice(0, 8)}\``);
    expect(shown).toContain(`Re-run \`${rerunRun.slice(0, 8)}\``);
    expect(shown).toMatch(/Overall: A [\d.]+ → [\d.]+ \(±0\.0\) · B [\d.]+ → [\d.]+ \(-\d+\.\d\)/);
    expect(shown).toMatch(/Copy \(title, bullets, description\): .*B [\d.]+ → [\d.]+ \(-/);
    expect(shown).toMatch(/Moved most: Copy \(title, bullets, description\), B -/);

    const text = await ask(`experiment rerun ${experimentId.slice(0, 8)} main-image a+`, 'rerun-text');
    expect(text).toMatch(/changed: main-image, aplus/);
    const root = await verdictRoot(2);
    await slack.waitFor(() => slack.replies(root.ts).find((m) => m.text.startsWith('Experiment `')), 30_000);
    const links = await db.select().from(experimentRuns).where(eq(experimentRuns.experimentId, experimentId));
    expect(links.map((l) => l.tags)).toEqual(expect.arrayContaining([['title'], ['main-image', 'aplus']]));
  });

  test('pin and list: pinned first, then the most recent', async () => {
    await h.send(buttonBody({ actionId: ACTION.saveExperiment, value: rerunRun, channelId: CHANNEL, responseUrl: slack.responseUrl('save-2') }), FORM);
    const second = /experiment `([0-9a-f]{8})`/.exec(await replyText('save-2'))![1]!;
    const first = experimentId.slice(0, 8);
    const order = (text: string) => text.split('\n').map((l) => /`([0-9a-f]{8})`/.exec(l)?.[1]);
    expect(order(await ask('experiment list', 'list-1'))).toEqual([second, first]);
    expect(await ask(`experiment pin ${first}`, 'pin')).toMatch(new RegExp(`Pinned experiment \`${first}\``));
    const pinned = await ask('experiment list', 'list-2');
    expect(order(pinned)).toEqual([first, second]);
    expect(pinned.split('\n')[0]).toMatch(/^📌 /);
    expect(await ask(`experiment unpin ${first}`, 'unpin')).toMatch(/Unpinned experiment/);
    expect(order(await ask('experiment list', 'list-3'))).toEqual([second, first]);
  });
});
