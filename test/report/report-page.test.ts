import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createExperimentServices } from '../../service/app/experiments/index.ts';
import { createAppServices } from '../../service/app/services.ts';
import { reportToken, withReportUrl } from '../../service/app/reports/index.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { sideName } from '../../service/app/views/index.ts';
import { runs } from '../../service/db/schema.ts';
import { signCapability } from '../../service/support/capability-token.ts';
import { rootMessage } from '../../bots/slack/render.ts';
import { eq } from 'drizzle-orm';
import { startReportServer } from './support.ts';

/**
 * Issue 20 item 3: a finished comparison's report page at `/r/<token>`, through the real HTTP app
 * and the real pipeline's stored run. Everything a token does not open is the ordinary 404.
 */

const server = await startReportServer();
const { app } = server;
const get = (url: string) => app.inject({ method: 'GET', url });
const unescape = (html: string) =>
  html.replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

const view = await server.compare('duffel-compliance', { mine: 'B' });
const other = await server.compare('bulb-lowres-caps');
const page = server.pathOf(view.reportUrl);
const unknown = await get('/r-no-such-page');

/** The refusal every bad token gets: the service's own 404, byte for byte. */
async function expectNotFound(url: string) {
  const res = await get(url);
  expect(res.statusCode, url).toBe(404);
  expect(res.body, url).toBe(unknown.body);
  expect(res.headers['content-type']).toBe(unknown.headers['content-type']);
  expect(res.headers['content-length']).toBe(unknown.headers['content-length']);
}

describe('the report page', () => {
  test('a good token: 200 HTML with a strict CSP, both ASINs, and the same verdict words as the Slack root', async () => {
    expect(view.status).toBe('succeeded');
    const res = await get(page);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/img-src 'self'/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/script-src|unsafe/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');

    const html = res.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    for (const side of ['A', 'B'] as const) {
      const asin = sideName(view.pair[side]);
      expect(html).toContain(`<a href="https://www.amazon.com/dp/${asin}" rel="noreferrer noopener">${asin}</a>`);
    }
    expect(html).toMatch(/B: <a [^>]+>B0799CK53Z<\/a> <em>\(yours\)<\/em>/);
    const headline = /<p class="headline" id="headline">([\s\S]*?)<\/p>/.exec(html)?.[1];
    expect(unescape(headline ?? '')).toBe(rootMessage(view).text);
    // Personas, every stage, the fixes and the footer's identifiers.
    for (const h of ['Click (main image)', 'Conversion (gallery)', 'Copy (title, bullets, description)', 'Buyer personas', 'Verdict']) expect(html).toContain(`>${h}</h2>`);
    expect(html).toMatch(/<div class="fix">/);
    expect(html).toContain(view.id);
    expect(html).toContain(view.verdict!.hash);
    expect(html).toMatch(/Rule sets?<\/dt><dd>A: <code>/);
  });

  test('self-contained: no script, nothing from another origin; every image same-origin, with alt text, and answered with its stored bytes', async () => {
    const html = (await get(page)).body;
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|\son[a-z]+=|\sstyle=/i);
    const imgs = [...html.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
    expect(imgs.length).toBeGreaterThanOrEqual(4);
    for (const img of imgs) expect(img).toMatch(/ alt="(A|B)&#39;s (main image|gallery image \d+(: [a-z ]+)?)"/);
    expect(html).toContain('alt="A&#39;s main image"');
    expect(html).toMatch(/alt="B&#39;s gallery image 2: [a-z ]+"/);
    const srcs = [...new Set([...html.matchAll(/ src="([^"]+)"/g)].map((m) => m[1]!))];
    for (const src of srcs) {
      expect(src.startsWith(`${page}/img/`)).toBe(true);
      const res = await get(src);
      expect(res.statusCode, src).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/(jpeg|png|webp|gif)$/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(src.split('/').at(-1));
    }
    const hrefs = [...html.matchAll(/ href="([^"]+)"/g)].map((m) => m[1]!);
    for (const href of hrefs) expect(href).toMatch(/^(#main|https:\/\/www\.amazon\.com\/dp\/[A-Z0-9]{10})$/);
  });

  test('an image of another run answers 404 with this token, 200 with its own', async () => {
    const otherHtml = (await get(server.pathOf(other.reportUrl))).body;
    const otherImg = /<img src="([^"]+)"/.exec(otherHtml)![1]!;
    const sha = otherImg.split('/').at(-1)!;
    expect((await get(otherImg)).statusCode).toBe(200);
    await expectNotFound(`${page}/img/${sha}`);
    await expectNotFound(`${page}/img/not-a-hash`);
  });

  test('a changed character, a cut, an expired token, another kind, a draft of a token: the same 404 as an unknown page', async () => {
    const token = page.slice('/r/'.length);
    const flip = (i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    for (const i of [0, 10, 25, token.length - 1]) await expectNotFound(`/r/${flip(i)}`);
    await expectNotFound(`/r/${token.slice(0, -1)}`);
    await expectNotFound(`/r/${token.slice(0, 20)}`);
    await expectNotFound(`/r/${token}A`);
    const expired = reportToken(server.links, view.id, new Date(Date.now() - 31 * 86_400_000));
    await expectNotFound(`/r/${expired}`);
    await expectNotFound(`/r/${signCapability(server.links.key, 'export', view.id, new Date(Date.now() + 86_400_000))}`);
    await expectNotFound(`/r/${token}/img/${'0'.repeat(64)}`);
    await expectNotFound(`/r/${flip(5)}/img/${/<img src="[^"]+\/img\/([0-9a-f]{64})"/.exec((await get(page)).body)![1]}`);
    await expectNotFound('/r/');
  });

  test('the token is never written to the log', () => {
    const token = page.slice('/r/'.length);
    expect(server.logLines().join('\n')).not.toContain(token);
  });

  test('an experiment re-run: its deltas against the baseline, in the experiment card’s words', async () => {
    const { pipeline } = server;
    const ex = createExperimentServices(await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false }));
    const cli = { platform: 'cli', externalId: 'local' } as const;
    const { experiment } = await ex.save(cli, { job: view.id, name: 'Duffel title test' });
    const { started } = await ex.rerun(cli, experiment.id, { tags: ['title'] });
    const rerun = withReportUrl(await pipeline.waitForRun(started.run.id), server.links);
    const html = (await get(server.pathOf(rerun.reportUrl!))).body;
    expect(html).toContain('>Experiment: Duffel title test: against the baseline</h2>');
    expect(html).toMatch(/changed: title/);
    expect(html).toMatch(/Overall: A \d+\.\d → \d+\.\d/);
    // The baseline's own page has no experiment card.
    expect((await get(page)).body).not.toContain('against the baseline');
  });

  test('`status <job>` of a finished run carries the same report URL as its final message', async () => {
    const { pipeline } = server;
    const deps = await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false });
    const status = await createAppServices({ ...deps, reportLinks: server.links }).status({ platform: 'cli', externalId: 'local' }, view.shortId);
    expect(status.reportUrl).toBe(view.reportUrl);
    expect((await createAppServices(deps).status({ platform: 'cli', externalId: 'local' }, view.shortId)).reportUrl).toBeUndefined();
  });

  test('a deleted run: its page and images are the same 404', async () => {
    const html = (await get(server.pathOf(other.reportUrl))).body;
    const img = /<img src="([^"]+)"/.exec(html)![1]!;
    await server.pipeline.tdb.db.delete(runs).where(eq(runs.id, other.id));
    await expectNotFound(server.pathOf(other.reportUrl));
    await expectNotFound(img);
  });
});
