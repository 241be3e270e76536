import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { discordCompareFlow, slackCompareFlow, waitUntil } from '../deployed/flows.ts';
import { startDeployed } from '../deployed/service-process.ts';

/**
 * `listinglab serve` as deployed (PUBLIC_URL and ENCRYPTION_KEY set, no LINK_SIGNING_KEY: the
 * link key is derived): the final Slack root links to the report page, which the running service
 * answers over a real socket with its images; a changed token is the ordinary 404.
 */

const d = await startDeployed();
afterAll(() => d.stop());

type Button = { type: string; text?: { text?: string }; url?: string };

describe('the report page, served by the running service', () => {
  test('the final Slack root has "Open full report"; the page and its images answer; a changed token is the ordinary 404', async () => {
    await slackCompareFlow(d, 'C_REPORT');
    const root = d.slack.roots('C_REPORT')[0]!;
    const buttons = root.blocks.flatMap((b) => (b['type'] === 'actions' ? (b['elements'] as Button[]) : []));
    const open = buttons.find((b) => b.text?.text === 'Open full report');
    expect(open?.url).toMatch(new RegExp(`^${d.url}/r/[A-Za-z0-9_-]{50}$`));

    const res = await fetch(open!.url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; img-src 'self'; style-src 'sha256-/);
    const html = await res.text();
    expect(html).toContain('B0799CK52K');
    expect(html).toContain('B074M5HPBD');
    const src = /<img src="([^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const img = await fetch(new URL(src!, d.url));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/^image\//);
    expect((await img.arrayBuffer()).byteLength).toBeGreaterThan(100);

    // The page names the same winner as the thread's root (the headline's first words).
    const winner = /^Verdict: (tie|\S+ wins)/.exec(root.text)?.[1];
    expect(winner).toBeDefined();
    expect(html).toContain(winner === 'tie' ? 'tie' : winner!.replace(' wins', ''));

    // The scorecard: one PNG, at least 1,000 px wide, completed into the run's thread through the
    // external upload flow (files.upload is never called), with alt text.
    const files = await d.slack.waitFor(() => (d.slack.threadFiles(root.ts).length ? d.slack.threadFiles(root.ts) : undefined), 30_000);
    expect(files).toHaveLength(1);
    const png = await sharp(files[0]!.bytes).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThanOrEqual(1000);
    expect(files[0]!.altText).toMatch(/B0799CK52K|B074M5HPBD/);
    expect(d.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(d.slack.callsTo('files.completeUploadExternal').map((c) => c.args['thread_ts'])).toEqual([root.ts]);
    expect(d.slack.callsTo('files.upload')).toEqual([]);

    const token = open!.url!.split('/').at(-1)!;
    const changed = `${d.url}/r/${token.slice(0, 7)}${token[7] === 'x' ? 'y' : 'x'}${token.slice(8)}`;
    const [bad, unknown] = await Promise.all([fetch(changed), fetch(`${d.url}/no-such-page`)]);
    expect(bad.status).toBe(404);
    expect(await bad.text()).toBe(await unknown.text());
    // No request line names a report URL (the token is a credential); Slack's debug log of the posted message may.
    expect(d.output().split('\n').filter((l) => l.includes('"url":"/r/'))).toEqual([]);
    expect(d.leakedSecrets()).toEqual([]);
  }, 180_000);

  test('over Discord: the final @original carries the scorecard as an attachment and links the report', async () => {
    await discordCompareFlow(d);
    const withCard = () => d.discord.messages.find((m) => m.attachments.some((a) => a.filename.endsWith('.png')) && JSON.stringify(m.components).includes('/r/'));
    const message = await waitUntil(withCard, 60_000, () => `no message with the scorecard and the report link\n${d.output().slice(-3000)}`);
    const card = message.attachments.find((a) => a.filename.endsWith('.png'))!;
    expect((await sharp(card.bytes).metadata()).width).toBeGreaterThanOrEqual(1000);
    expect(JSON.stringify(message.embeds)).toContain(`attachment://${card.filename}`);
    const url = /"url":"(http[^"]+\/r\/[A-Za-z0-9_-]{50})"/.exec(JSON.stringify(message.components))?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('B07GTFSCHB');
    expect((await fetch(url!.slice(0, -3))).status).toBe(404);
  }, 180_000);
});
