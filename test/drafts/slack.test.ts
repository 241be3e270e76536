import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRAFT_VIEW } from '../../bots/slack/draft-form.ts';
import { runs } from '../../service/db/schema.ts';
import { FIXTURES_DIR } from '../emulators/image-host.ts';
import { FORM, viewSubmissionBody } from '../emulators/slack-requests.ts';
import { BOT_TOKEN, startSlackHarness } from '../slack/harness.ts';

/**
 * Issue 9 in Slack, end to end against the Slack Web API emulator (no model keys): `/listing
 * draft` opens a form with a file input; submitting photos starts a draft run whose root message
 * is edited in place to the result, with the photo feedback, the attributes and one copy-ready
 * card per marketplace in its thread. The photos are Slack private files, downloaded with the
 * bot token from Slack's file host only; a draft costs 4 credits through the same ledger.
 */


/**
 * The cards in thread replies: a reply carries several (bots/slack/render.ts stageDetails), a
 * divider between two, its text their headlines one a line.
 */
const cardsOf = (replies: readonly { text: string; blocks: readonly Record<string, unknown>[] }[]) =>
  replies.flatMap((r) => {
    const texts = r.text.split('\n');
    const cards: Record<string, unknown>[][] = [[]];
    for (const b of r.blocks) {
      if (b['type'] === 'divider') cards.push([]);
      else cards.at(-1)!.push(b);
    }
    return cards.map((blocks, i) => ({ text: texts[i] ?? '', blocks }));
  });

const h = await startSlackHarness({});
const { slack } = h;
const photo = (rel: string) => readFileSync(path.join(FIXTURES_DIR, rel));

function submit(files: readonly unknown[], opts: { channelId: string; viewId: string; responseUrl?: string; teamId?: string; brand?: string; productType?: string }) {
  const body = viewSubmissionBody({
    callbackId: DRAFT_VIEW,
    viewId: opts.viewId,
    ...(opts.teamId ? { teamId: opts.teamId } : {}),
    privateMetadata: JSON.stringify({ channelId: opts.channelId, responseUrl: opts.responseUrl ?? slack.responseUrl() }),
    values: {
      photos: { files: { type: 'file_input', files } },
      ...(opts.brand !== undefined ? { brand: { value: { type: 'plain_text_input', value: opts.brand } } } : {}),
      ...(opts.productType !== undefined ? { product_type: { value: { type: 'plain_text_input', value: opts.productType } } } : {}),
    },
  });
  return h.send(body, FORM);
}

describe('/listing draft in Slack', () => {
  test('the command opens the photo form (a file input for up to 8 images) and answers nothing else', async () => {
    const res = await h.command('draft', { channelId: 'C_DRAFT', triggerId: 'trigger-draft-1' });
    expect(res.statusCode).toBe(200);
    const open = await slack.waitFor(() => slack.callsTo('views.open').find((c) => c.args['trigger_id'] === 'trigger-draft-1'));
    const view = open.args['view'] as { callback_id: string; private_metadata: string; blocks: { element?: { type: string; max_files: number } }[] };
    expect(view.callback_id).toBe(DRAFT_VIEW);
    expect(view.blocks.find((b) => b.element?.type === 'file_input')?.element?.max_files).toBe(8);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ channelId: 'C_DRAFT' });
  });

  test('the form asks, optionally, for the brand and the product type; what is typed there reaches the run and its titles', async () => {
    await h.command('draft', { channelId: 'C_HINTS', triggerId: 'trigger-draft-hints' });
    const open = await slack.waitFor(() => slack.callsTo('views.open').find((c) => c.args['trigger_id'] === 'trigger-draft-hints'));
    const blocks = (open.args['view'] as { blocks: { block_id?: string; optional?: boolean; element?: { type: string } }[] }).blocks;
    for (const id of ['brand', 'product_type']) expect(blocks.find((b) => b.block_id === id), id).toMatchObject({ optional: true, element: { type: 'plain_text_input' } });

    const files = [slack.addFile('bag.jpg', photo('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg'), 'image/jpeg')];
    await submit(files, { channelId: 'C_HINTS', viewId: 'V_HINTS', brand: '  Starter ', productType: 'duffel bag' });
    const inputs = async () => (await h.tdb.db.select().from(runs).where(eq(runs.requestKey, 'slack:draft:V_HINTS')))[0]?.inputs;
    await expect.poll(inputs, { timeout: 10_000 }).toMatchObject({ hints: { brand: 'Starter', productType: 'duffel bag' } });
    const root = await slack.waitFor(() => slack.roots('C_HINTS').find((m) => /^Listing drafts (ready|written)/.test(m.text)), 60_000);
    const replies = await slack.waitFor(() => (cardsOf(slack.replies(root.ts)).length >= 6 ? cardsOf(slack.replies(root.ts)) : undefined), 20_000);
    expect(JSON.stringify(replies.find((r) => r.text.startsWith('Amazon draft:'))!.blocks)).toContain('Starter Duffel Bag');
  });

  test('a form without photos is refused in place, and no run starts', async () => {
    const before = await h.runCount();
    const res = await submit([], { channelId: 'C_DRAFT', viewId: 'V_EMPTY' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_action: 'errors', errors: { photos: 'Attach at least one photo.' } });
    expect(await h.runCount()).toBe(before);
  });

  test('submitted photos → one root message edited to the result; photo feedback, attributes and four marketplace cards in its thread', async () => {
    const files = [
      slack.addFile('Oatly-Oat-Milk_Iconic.jpg', photo('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg'), 'image/jpeg'),
      slack.addFile('shelf.jpg', photo('grocery/Oatly-Oat-Milk/natural_Oatly-Oat-Milk_001.jpg'), 'image/jpeg'),
    ];
    const res = await submit(files, { channelId: 'C_DRAFT', viewId: 'V_OATLY', teamId: 'T_DRAFTS' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');

    const root = await slack.waitFor(() => slack.roots('C_DRAFT')[0], 20_000);
    expect(root.versions[0]!.text).toMatch(/listing drafts from 2 photos/i);
    const done = await slack.waitFor(() => (/^Listing drafts (ready|written, not finished) — /.test(root.text) ? root : undefined), 60_000);
    expect(done.text).toMatch(/Amazon \d+, eBay \d+, Etsy \d+, Shopify \d+/);
    expect(slack.roots('C_DRAFT')).toHaveLength(1);

    const titles = ['Photo feedback:', 'Product attributes:', 'Amazon draft:', 'eBay draft:', 'Etsy draft:', 'Shopify draft:'];
    // The cards arrive together once the drafts are done: as few replies as Slack's 50 blocks allow.
    const replies = await slack.waitFor(() => (cardsOf(slack.replies(root.ts)).length >= titles.length ? cardsOf(slack.replies(root.ts)) : undefined), 20_000);
    expect(replies).toHaveLength(titles.length);
    expect(slack.replies(root.ts).length).toBeLessThan(titles.length);
    for (const t of titles) expect(replies.filter((r) => r.text.startsWith(t)), t).toHaveLength(1);
    // Copy-friendly: every field of a marketplace card is a code block.
    const amazon = JSON.stringify(replies.find((r) => r.text.startsWith('Amazon draft:'))!.blocks);
    expect(amazon).toContain('*Title*');
    expect(amazon).toContain('```');
    expect(amazon).toContain('*Search terms*');
    expect(JSON.stringify(replies.find((r) => r.text.startsWith('Photo feedback:'))!.blocks)).toContain('Main image: photo 1');

    // The files were fetched from Slack's file host, with the bot token.
    expect(slack.fileRequests.length).toBeGreaterThanOrEqual(2);
    expect(slack.fileRequests.every((r) => r.token === BOT_TOKEN && r.status === 200)).toBe(true);
    // 30 free credits − 4 for the draft.
    expect(await h.balance('T_DRAFTS')).toBe(26);
  });

  test('the same submission delivered again starts no second run', async () => {
    const before = await h.runCount();
    const files = [slack.addFile('again.jpg', photo('grocery/Arla-Standard-Milk/Arla-Standard-Milk_Iconic.jpg'), 'image/jpeg')];
    await submit(files, { channelId: 'C_AGAIN', viewId: 'V_TWICE' });
    await submit(files, { channelId: 'C_AGAIN', viewId: 'V_TWICE' });
    await expect.poll(() => h.runCount(), { timeout: 5000 }).toBe(before + 1);
    await slack.waitFor(() => slack.roots('C_AGAIN').find((m) => /^Listing drafts (ready|written)/.test(m.text)), 60_000);
    expect(await h.runCount()).toBe(before + 1);
  });

  test('photos Slack will not hand over fail the run with a full refund, and the root says so', async () => {
    const denied = slack.addFile('secret.jpg', photo('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg'), 'image/jpeg');
    const gone = { ...denied, id: 'FGONE', url_private_download: denied.url_private_download.replace('secret.jpg', 'deleted.jpg') };
    await submit([gone], { channelId: 'C_GONE', viewId: 'V_GONE', teamId: 'T_GONE' });
    const root = await slack.waitFor(() => slack.roots('C_GONE').find((m) => /failed/.test(m.text)), 60_000);
    expect(root.text).toMatch(/None of the 1 photos could be used/);
    expect(JSON.stringify(root.blocks)).toContain('4 credits were refunded');
    expect(await h.balance('T_GONE')).toBe(30);
  });
});
