import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { MANUAL_VIEW } from '../../bots/slack/manual-modal.ts';
import { ACTION } from '../../bots/slack/render.ts';
import { putImage } from '../../service/db/repos/blobs.ts';
import { runs } from '../../service/db/schema.ts';
import { isUserError } from '../../service/domain/errors.ts';
import { appServices } from '../../service/main/wiring.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { buttonBody, FORM, viewSubmissionBody } from '../emulators/slack-requests.ts';
import { startSlackHarness } from './harness.ts';

/**
 * The manual fallback: a listing that cannot be fetched fails the run (refunded) and its root
 * offers "Enter listing by hand"; the button opens a modal (views.open), and submitting it
 * completes the same run, in the same root message.
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-slack-tests' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
apify.setItem('B0799CK52K', axessoItem('B0799CK52K', images.url));
apify.setItem('B07GTFSCHB', null); // the actor finds nothing
const h = await startSlackHarness({ APIFY_TOKEN: 'apify-token-for-slack-tests', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host });
const { slack } = h;
const CHANNEL = 'C_MANUAL';

describe('manual fallback in Slack', () => {
  let runId = '';
  let metadata = '';

  test('a failed acquisition ends in a root offering to enter the listing by hand; credits refunded', async () => {
    await h.command('compare B0799CK52K B07GTFSCHB', { channelId: CHANNEL, teamId: 'T_MANUAL' });
    const root = await slack.waitFor(() => slack.roots(CHANNEL).find((m) => /failed/.test(m.text)), 30_000);
    expect(root.text).toMatch(/B07GTFSCHB/);
    const blocks = JSON.stringify(root.blocks);
    expect(blocks).toContain(ACTION.manualFallback);
    runId = /"action_id":"listing_manual_fallback","value":"([0-9a-f-]{36})"/.exec(blocks)![1]!;
    expect(await h.balance('T_MANUAL')).toBe(30);
  });

  test('the button opens the modal with the failed side preselected', async () => {
    const res = await h.send(buttonBody({ actionId: ACTION.manualFallback, value: runId, channelId: CHANNEL, teamId: 'T_MANUAL', triggerId: 'trigger-modal', responseUrl: slack.responseUrl('manual') }), FORM);
    expect(res.statusCode).toBe(200);
    const open = await slack.waitFor(() => slack.callsTo('views.open')[0]);
    expect(open.args['trigger_id']).toBe('trigger-modal');
    const view = open.args['view'] as { callback_id: string; private_metadata: string; title: { text: string }; blocks: { block_id?: string; element?: { initial_option?: { value: string } } }[] };
    expect(view.callback_id).toBe(MANUAL_VIEW);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.find((b) => b.block_id === 'side')!.element!.initial_option!.value).toBe('B');
    metadata = view.private_metadata;
  });

  const values = (images: string) => ({
    side: { value: { type: 'static_select', selected_option: { value: 'B' } } },
    title: { value: { type: 'plain_text_input', value: 'Vitamin E Oil 2.5 oz, unscented' } },
    bullets: { value: { type: 'plain_text_input', value: 'Moisturises dry skin\nPure, no fragrance' } },
    description: { value: { type: 'plain_text_input', value: null } },
    images: { value: { type: 'plain_text_input', value: images } },
  });

  test('a submission without a usable image URL is answered with field errors, and changes nothing', async () => {
    const res = await h.send(viewSubmissionBody({ callbackId: MANUAL_VIEW, privateMetadata: metadata, values: values('not a url'), teamId: 'T_MANUAL' }), FORM);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ response_action: 'errors', errors: { images: expect.stringMatching(/Not an image URL/) } });
    expect((await h.waitForRun(runId)).status).toBe('failed');
  });

  test('a stored-image reference (sha256:…) is refused by the form and by the use-case itself; nothing changes', async () => {
    // A photo in the image store, which all workspaces share (another workspace's, say): knowing its
    // content address must never be enough to put it into a run.
    const bytes = Buffer.from('another workspace’s product photo');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await putImage(h.tdb.db, { sha256, mediaType: 'image/jpeg', width: 1000, height: 1000, bytes, sourceUrl: null });
    const blob = `sha256:${sha256}`;
    const res = await h.send(viewSubmissionBody({ callbackId: MANUAL_VIEW, privateMetadata: metadata, values: values(blob), teamId: 'T_MANUAL' }), FORM);
    expect(res.json()).toMatchObject({ response_action: 'errors', errors: { images: expect.stringMatching(/Not an image URL/) } });

    // No front end can get past it: the use-case behind every form refuses the reference too.
    const services = await appServices(h.config, { ...h.tdb, embedded: false });
    const [before] = await h.tdb.db.select().from(runs).where(eq(runs.id, runId));
    const e = await services
      .completeManually({ platform: 'slack', externalId: 'T_MANUAL' }, runId, { B: { title: 'Vitamin E Oil', images: [`${images.url}/abo/B07GTFSCHB/844a1cce.jpg`, blob] } })
      .catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('image_refused');
    expect((e as Error).message).toMatch(/^Listing B: `sha256:[0-9a-f]{64}` is a stored-image reference, which only ListingLab itself can use\. Give each image as an http\(s\) link/);
    const [after] = await h.tdb.db.select().from(runs).where(eq(runs.id, runId));
    expect(after).toEqual(before);
    expect(after!.status).toBe('failed');
    expect(await h.balance('T_MANUAL')).toBe(30);
  });

  test('submitting the listing completes the same run, edited in place to a verdict', async () => {
    const res = await h.send(viewSubmissionBody({ callbackId: MANUAL_VIEW, privateMetadata: metadata, values: values(`${images.url}/abo/B07GTFSCHB/844a1cce.jpg`), teamId: 'T_MANUAL' }), FORM);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(''); // closes the modal
    await slack.waitFor(() => slack.responses.find((r) => r.id === 'manual' && /continues/.test(String(r.body['text']))));
    const root = await slack.waitFor(() => slack.roots(CHANNEL).find((m) => /^Verdict: /.test(m.text)), 60_000);
    expect(root.text).toMatch(/B0799CK52K vs B07GTFSCHB/);
    expect(slack.roots(CHANNEL)).toHaveLength(1);
    const view = await h.waitForRun(runId);
    expect(view.status).toBe('succeeded');
    expect(view.pair.B.title).toBe('Vitamin E Oil 2.5 oz, unscented');
    expect(await h.balance('T_MANUAL')).toBe(20);
  });
});
