import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkPage, launchChromium, LAPTOP, PHONE, problems } from './harness.ts';

/**
 * The harness proven on pages served here: a clean page under a strict CSP passes every check at
 * both widths, and a page with one of each fault has each one reported, naming what is wrong.
 */

const style = 'body{margin:0;font:16px/1.4 sans-serif}main{padding:16px}img{max-width:100%;height:auto}.below{margin-top:1500px}';
const styleHash = createHash('sha256').update(style).digest('base64');

const cleanPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Clean</title><style>${style}</style></head>
<body><main><h1>A clean page</h1><p>Served under default-src 'none'.</p>
<img src="/pixel.png" alt="A red rectangle" width="600" height="400">
<img src="/lazy.png" alt="A lazily loaded rectangle" loading="lazy" width="600" height="400" class="below">
</main></body></html>`;

const brokenPage = `<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Broken</title><style>p{color:red}</style></head>
<body><main><h1>A broken page</h1>
<script src="/boom.js"></script><script>document.title = 'inline ran';</script>
<img src="/missing.png">
<p>${'x'.repeat(400)}</p>
</main></body></html>`;

const CLEAN_CSP = `default-src 'none'; img-src 'self'; style-src 'sha256-${styleHash}'`;
const BROKEN_CSP = "default-src 'none'; img-src 'self'; script-src 'self'";

let server: http.Server;
let base = '';
let browser: Browser;

beforeAll(async () => {
  const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#c33' } }).png().toBuffer();
  server = http.createServer((req, res) => {
    const send = (status: number, type: string, body: string | Buffer, csp?: string) => {
      res.writeHead(status, { 'content-type': type, ...(csp === undefined ? {} : { 'content-security-policy': csp }) });
      res.end(body);
    };
    switch (req.url ?? '') {
      case '/clean': return send(200, 'text/html; charset=utf-8', cleanPage, CLEAN_CSP);
      case '/broken': return send(200, 'text/html; charset=utf-8', brokenPage, BROKEN_CSP);
      case '/pixel.png': case '/lazy.png': return send(200, 'image/png', png);
      case '/boom.js': return send(200, 'text/javascript', "console.error('said by boom.js'); throw new Error('boom.js threw');");
      default: return send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('browser harness', () => {
  test('chromium is installed where the harness looks (apt-get install -y chromium)', () => {
    expect(existsSync('/usr/bin/chromium'), 'run `apt-get install -y chromium` as root; .ci/run does it').toBe(true);
  });

  test.each([PHONE, LAPTOP])('a clean page under a strict CSP passes every check at $width px', async (viewport) => {
    const report = await checkPage(browser, `${base}/clean`, viewport, { screenshot: `/tmp/harness-clean-${viewport.width}.png` });
    expect(problems(report)).toEqual([]);
    expect(report.status).toBe(200);
    expect(report.imageCount).toBe(2);
    expect(report.scrollWidth).toBeLessThanOrEqual(viewport.width);
    expect(existsSync(report.screenshot!)).toBe(true);
  }, 30_000);

  test('a faulty page has every fault reported, each naming what is wrong', async () => {
    const report = await checkPage(browser, `${base}/broken`, PHONE);
    expect(report.consoleErrors).toEqual(expect.arrayContaining([
      expect.stringContaining('said by boom.js'),
      expect.stringContaining('boom.js threw'),
    ]));
    expect(report.failedRequests).toEqual(expect.arrayContaining([expect.stringMatching(/GET .*\/missing\.png: HTTP 404/)]));
    // The inline script and the inline <style> are both blocked, and seen by both sources.
    expect(report.cspViolations.filter((c) => c.startsWith('[console]')).length).toBeGreaterThanOrEqual(2);
    expect(report.cspViolations.filter((c) => c.startsWith('[audits]')).length).toBeGreaterThanOrEqual(2);
    expect(report.cspViolations.join('\n')).toMatch(/script-src/);
    expect(report.cspViolations.join('\n')).toMatch(/style-src/);
    expect(report.brokenImages).toEqual([expect.stringContaining('/missing.png')]);
    expect(report.scrollWidth).toBeGreaterThan(report.innerWidth);
    expect(report.overflowing.join()).toMatch(/^p \(right \d+px\)/);
    expect(report.axe.map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'html-has-lang']));
    expect(problems(report).some((p) => p.includes('horizontal overflow'))).toBe(true);
    expect(problems(report, { allowOverflow: true }).some((p) => p.includes('horizontal overflow'))).toBe(false);
  }, 30_000);
});
