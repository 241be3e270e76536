import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startReportServer } from '../report/support.ts';
import { checkPage, launchChromium, LAPTOP, PHONE, problems } from './harness.ts';

/**
 * Issue 20 item 4: a finished comparison's report page (`/r/<token>`) in a real browser, served
 * by the real HTTP app over a real socket, under its own CSP: at a phone's 390 px and a laptop's
 * 1,280 px no console error, no failed request, no CSP violation, every image decoded, nothing
 * wider than the phone, and no serious or critical axe-core violation. Screenshots go to
 * /tmp/report-390.png and /tmp/report-1280.png for people to look at.
 */

const server = await startReportServer();
// A golden pair through the whole (offline) pipeline, the asker's own listing marked.
const view = await server.compare('duffel-compliance', { mine: 'B' });
await server.app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}${server.pathOf(view.reportUrl)}`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('the report page in a browser', () => {
  test.each([PHONE, LAPTOP])('at $width px: clean console, requests, CSP, images, width and axe', async (viewport) => {
    expect(view.status).toBe('succeeded');
    const report = await checkPage(browser, url, viewport, { screenshot: `/tmp/report-${viewport.width}.png` });
    expect(problems(report)).toEqual([]);
    expect(report.status).toBe(200);
    // Both listings' stored images are on the page, and each one decoded.
    expect(report.imageCount).toBeGreaterThanOrEqual(2);
    expect(report.brokenImages).toEqual([]);
  }, 60_000);
});
