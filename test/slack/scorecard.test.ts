import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import type { Scorecard } from '../../bots/scorecard/scorecard.ts';
import { createSlackClients, singleWorkspaceTokens } from '../../bots/slack/clients.ts';
import { createSlackSink } from '../../bots/slack/sink.ts';
import { deliverRun } from '../../service/app/delivery/index.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { buildApp } from '../../service/http/app.ts';
import { createLifecycle } from '../../service/main/lifecycle.ts';
import { slackFrontEnd } from '../../service/main/slack.ts';
import { appServices, startWorkerProcess } from '../../service/main/wiring.ts';
import { useTestDatabase } from '../db.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { startSlackEmulator } from '../emulators/slack.ts';
import { FORM, signed, slashCommandBody } from '../emulators/slack-requests.ts';
import { memoryLogger } from '../support/logger.ts';

/**
 * Issue 20 (chat part), Slack: a finished comparison's scorecard PNG is uploaded once into the
 * run's thread through Slack's external upload flow (getUploadURLExternal → POST the bytes →
 * completeUploadExternal; never files.upload), with alt text; a retried delivery uploads nothing.
 * Issue 22: the file's message carries the stage cards (its `blocks`), so the thread gets one
 * reply with the detail and the picture.
 *
 * The app and worker are wired as test/slack/harness.ts wires them, except that the worker's
 * Slack sink gets a scorecard renderer (a tiny real PNG made with sharp) until service/main
 * injects the real one from bots/scorecard.
 */

const SIGNING_SECRET = 'slack-signing-secret-for-tests';
const BOT_TOKEN = 'xoxb-test-scorecard-token';
const CHANNEL = 'C_SCORECARD';

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-scorecard-tests' });
const slack = await startSlackEmulator();
afterAll(async () => {
  await slack.close();
  await apify.close();
  await images.close();
});
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));

const tdb = await useTestDatabase();
const env = {
  SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: BOT_TOKEN, PUBLIC_URL: 'https://listinglab.test',
  APIFY_TOKEN: 'apify-token-for-scorecard-tests', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host,
};
const parsed = parseConfig(env);
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const config = parsed.config;
const { logger, lines } = memoryLogger([SIGNING_SECRET, BOT_TOKEN]);
const lifecycle = createLifecycle();
afterAll(() => lifecycle.shutdown('test done'));

const PNG = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#2a6' } }).png().toBuffer();
let failRender = false;
const renderScorecard = async (view: RunView): Promise<Scorecard> => {
  if (failRender) throw new Error('renderer broke');
  return { png: PNG, width: 4, height: 3, alt: `Scorecard: ${view.pair.A.label} vs ${view.pair.B.label}`, filename: `listinglab-${view.shortId}.png` };
};
const sink = createSlackSink({ clients: createSlackClients({ apiUrl: slack.apiUrl, tokens: singleWorkspaceTokens(BOT_TOKEN), logger }), logger, renderScorecard });
const sinks = { slack: sink };

const db = { ...tdb, embedded: false };
const services = await appServices(config, db);
const front = slackFrontEnd(config, { services, db, logger });
if (!front) throw new Error('Slack is not configured');
await startWorkerProcess(config, db, logger, lifecycle, { schedule: false, sinks });
const app = await buildApp({ logger, readiness: () => databaseReadiness(tdb.sql), plugins: [front.plugin] });
lifecycle.onShutdown('http', () => app.close());

const compare = (text: string, channelId: string) => app.inject(signed(SIGNING_SECRET, slashCommandBody({ text, channelId, responseUrl: slack.responseUrl() }), FORM));
const runOf = async (rootText: string) => {
  const short = /Job `([0-9a-f]{8})`/.exec(rootText)?.[1];
  return (await tdb.sql<{ id: string }[]>`select id from runs where id::text like ${`${short}%`}`)[0]!.id;
};
const STAGE_TITLES = ['Fetch listings', 'Click (main image)', 'Conversion (gallery)', 'Copy (title, bullets, description)', 'Buyer personas', 'Verdict'];
/** The stage cards' titles (their header blocks) in thread replies, in order. */
const cardTitles = (replies: readonly { blocks: readonly Record<string, unknown>[] }[]) =>
  replies.flatMap((r) => r.blocks.filter((b) => b['type'] === 'header').map((b) => (b['text'] as { text: string }).text));
const scorecardRows = (runId: string) => tdb.sql<{ message_ref: string; thread_ref: string }[]>`select message_ref, thread_ref from chat_messages where run_id = ${runId} and key = 'scorecard'`;

describe('the scorecard in Slack', () => {
  let runId = '';
  let rootTs = '';

  test('a finished comparison ends with one PNG completed in its thread, with alt text, through the external upload flow', async () => {
    expect((await compare('compare B0799CK52K B074M5HPBD', CHANNEL)).statusCode).toBe(200);
    const root = await slack.waitFor(() => slack.roots(CHANNEL)[0], 10_000);
    rootTs = root.ts;
    await slack.waitFor(() => /^Verdict: /.test(root.text), 60_000);
    const [shared] = await slack.waitFor(() => (slack.threadFiles(rootTs).length ? slack.threadFiles(rootTs) : undefined), 20_000);
    runId = await runOf(JSON.stringify(root.blocks));

    expect(slack.sharedFiles).toHaveLength(1);
    expect(shared!.channel).toBe(CHANNEL);
    expect(shared!.threadTs).toBe(rootTs);
    // The bytes Slack stored are the PNG (its signature), and the image is described.
    expect(shared!.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(shared!.bytes.equals(PNG)).toBe(true);
    expect(shared!.altText).toBe('Scorecard: B0799CK52K vs B074M5HPBD');
    expect(shared!.file).toMatchObject({ name: expect.stringMatching(/^listinglab-[0-9a-f]{8}\.png$/), mimetype: 'image/png', title: 'Scorecard: B0799CK52K vs B074M5HPBD' });

    // The three steps, in order, once each; never the retired files.upload.
    const fileCalls = slack.calls.filter((c) => c.method.startsWith('files.')).map((c) => c.method);
    expect(fileCalls).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(slack.uploads).toEqual([{ fileId: shared!.file['id'], size: PNG.length, status: 200 }]);
    const [asked] = slack.callsTo('files.getUploadURLExternal');
    expect(asked!.args).toMatchObject({ filename: shared!.file['name'], length: String(PNG.length), alt_txt: 'Scorecard: B0799CK52K vs B074M5HPBD' });
    const completed = slack.callsTo('files.completeUploadExternal')[0]!.args;
    expect(completed).toMatchObject({ channel_id: CHANNEL, thread_ts: rootTs, files: [{ id: shared!.file['id'], title: 'Scorecard: B0799CK52K vs B074M5HPBD' }] });
    // No initial_comment: Slack would ignore the blocks that carry the stage cards.
    expect(completed['initial_comment']).toBeUndefined();
    expect(slack.callsTo('files.upload')).toEqual([]);

    // Recorded like a stage card: the file's id, in the root's thread.
    expect(await scorecardRows(runId)).toEqual([{ message_ref: shared!.file['id'], thread_ref: rootTs }]);
    // The stage cards are in the file's message: one reply in the thread holds the six cards and
    // the picture, and each card is recorded under its stage with the file's id (never posted again).
    const replies = slack.replies(rootTs);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.files?.map((f) => f['id'])).toEqual([shared!.file['id']]);
    expect(cardTitles(replies)).toEqual(STAGE_TITLES);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args['thread_ts'])).toEqual([]);
    // (The cards are recorded right after the file's message returns: the emulator can show it first.)
    const cardRows = async () => (await tdb.sql<{ key: string; message_ref: string }[]>`select key, message_ref from chat_messages where run_id = ${runId} and key not in ('root', 'scorecard') order by key`).map((r) => ({ ...r }));
    await expect.poll(cardRows, { timeout: 10_000 }).toEqual(['acquire', 'avatars', 'ctr', 'pdp', 'text', 'verdict'].map((key) => ({ key, message_ref: shared!.file['id'] })));
  });

  test('a retried delivery of the finished run uploads nothing again', async () => {
    const calls = slack.calls.length;
    await deliverRun({ db: tdb.db, sinks, logger }, runId);
    await deliverRun({ db: tdb.db, sinks, logger }, runId);
    expect(slack.calls.slice(calls).filter((c) => c.method.startsWith('files.') || c.method === 'chat.postMessage')).toEqual([]);
    expect(slack.threadFiles(rootTs)).toHaveLength(1);
    expect(slack.replies(rootTs)).toHaveLength(1);
  });

  test('a crash after the upload was claimed (before complete) is not repeated: at most one file', async () => {
    // As if the task died between recording the claim and completeUploadExternal.
    await tdb.sql`delete from chat_messages where run_id = ${runId} and key = 'scorecard'`;
    await tdb.sql`insert into chat_messages (run_id, key, platform, channel_id, message_ref, thread_ref) values (${runId}, 'scorecard', 'slack', ${CHANNEL}, 'F_CLAIMED', ${rootTs})`;
    const calls = slack.calls.length;
    await deliverRun({ db: tdb.db, sinks, logger }, runId);
    expect(slack.calls.slice(calls).filter((c) => c.method.startsWith('files.'))).toEqual([]);
    expect(slack.threadFiles(rootTs)).toHaveLength(1);
  });

  test('blocks the file message refuses: the file is shared alone and the cards are posted on their own, each once', async () => {
    slack.refuseFileBlocks('invalid_blocks');
    try {
      expect((await compare('compare B0799CK52K B074M5HPBD fresh', 'C_SCORECARD_BLOCKS')).statusCode).toBe(200);
      const root = await slack.waitFor(() => slack.roots('C_SCORECARD_BLOCKS')[0], 10_000);
      await slack.waitFor(() => /^Verdict: /.test(root.text) && slack.threadFiles(root.ts).length && slack.replies(root.ts).length >= 2, 60_000);
      const run = await runOf(JSON.stringify(root.blocks));
      // The refused call completed nothing; the second shared the file once, without blocks.
      const completes = slack.callsTo('files.completeUploadExternal').filter((c) => c.args['channel_id'] === 'C_SCORECARD_BLOCKS');
      expect(completes.map((c) => [c.error ?? 'ok', c.args['blocks'] === undefined])).toEqual([['invalid_blocks', false], ['ok', true]]);
      expect(slack.threadFiles(root.ts)).toHaveLength(1);
      // The six cards in one reply of their own, recorded under their stages with its ts.
      const withCards = slack.replies(root.ts).filter((r) => !r.files);
      expect(withCards).toHaveLength(1);
      expect(cardTitles(withCards)).toEqual(STAGE_TITLES);
      // Recorded right after the reply returns: the emulator can show it first.
      const refs = () => tdb.sql<{ message_ref: string }[]>`select distinct message_ref from chat_messages where run_id = ${run} and key in ('acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict')`;
      await expect.poll(async () => (await refs()).map((r) => ({ ...r })), { timeout: 10_000 }).toEqual([{ message_ref: withCards[0]!.ts }]);
      expect(lines().some((l) => l.includes('refused the stage cards'))).toBe(true);
    } finally {
      slack.refuseFileBlocks(undefined);
    }
  });

  test('a scorecard that fails is logged; the run is delivered regardless and a later delivery tries again', async () => {
    failRender = true;
    expect((await compare('compare B074M5HPBD B0799CK52K fresh', 'C_SCORECARD_FAIL')).statusCode).toBe(200);
    const root = await slack.waitFor(() => slack.roots('C_SCORECARD_FAIL')[0], 10_000);
    // Without a scorecard the cards still arrive together, in one message of their own.
    await slack.waitFor(() => /^Verdict: /.test(root.text) && slack.replies(root.ts).length >= 1, 60_000);
    const failedRun = await runOf(JSON.stringify(root.blocks));
    await expect.poll(() => lines().some((l) => l.includes('scorecard not posted') && l.includes('renderer broke')), { timeout: 10_000 }).toBe(true);
    expect(slack.threadFiles(root.ts)).toEqual([]);
    expect(await scorecardRows(failedRun)).toEqual([]);
    expect(slack.replies(root.ts)).toHaveLength(1);
    expect(cardTitles(slack.replies(root.ts))).toEqual(STAGE_TITLES);

    // A later delivery shares the scorecard alone: the cards it would carry are posted already
    // (recorded right after their message: wait for that, as a queued delivery would).
    await expect.poll(async () => (await tdb.sql<{ n: number }[]>`select count(*)::int as n from chat_messages where run_id = ${failedRun} and key in ('acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict')`)[0]?.n, { timeout: 10_000 }).toBe(6);
    failRender = false;
    await deliverRun({ db: tdb.db, sinks, logger }, failedRun);
    expect(slack.threadFiles(root.ts)).toHaveLength(1);
    expect(await scorecardRows(failedRun)).toHaveLength(1);
    expect(cardTitles(slack.replies(root.ts))).toEqual(STAGE_TITLES);
  });

});
