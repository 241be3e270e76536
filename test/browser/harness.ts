import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Opens a page in a real browser (Debian's chromium, driven by playwright-core) the way a person
 * would see it, and reports what a person would be hurt by: console errors, failed requests,
 * Content-Security-Policy violations, images that did not decode, a page wider than the phone,
 * and axe-core's serious or critical accessibility violations. Screenshots go to /tmp, never
 * into the repository.
 *
 * Two navigations per viewport:
 * 1. the real page under its own CSP: console, requests, CSP (Chromium's console messages and the
 *    CDP Audits domain, since a `securitypolicyviolation` listener injected into the page would
 *    itself be blocked by a strict CSP), images, overflow and the screenshot;
 * 2. the same URL in a context that bypasses CSP, only to inject and run axe-core (a strict
 *    `default-src 'none'` blocks any injected script).
 *
 * Playwright's own browser download cannot be reached from our machines or CI: `.ci/run`
 * installs Debian's `chromium` package instead.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

/** A phone (iPhone 12–15 class) and a laptop. */
export const PHONE: Viewport = { width: 390, height: 844 };
export const LAPTOP: Viewport = { width: 1280, height: 800 };

export interface AxeViolation {
  readonly id: string;
  readonly impact: 'serious' | 'critical';
  readonly help: string;
  /** CSS selectors of the offending elements (at most five) and axe's summary of the first. */
  readonly targets: string[];
  readonly summary: string;
}

export interface PageReport {
  readonly url: string;
  readonly viewport: Viewport;
  /** HTTP status of the page itself. */
  readonly status: number | null;
  /** Console errors and uncaught exceptions, CSP messages excluded (they are in cspViolations). */
  readonly consoleErrors: string[];
  /** Requests that failed at the network level, and responses with status ≥ 400. */
  readonly failedRequests: string[];
  readonly cspViolations: string[];
  /** `<img>` elements that did not load and decode (src and why). */
  readonly brokenImages: string[];
  readonly imageCount: number;
  readonly scrollWidth: number;
  readonly innerWidth: number;
  /** Elements whose right edge passes the viewport (at most ten), to say what is too wide. */
  readonly overflowing: string[];
  readonly axe: AxeViolation[];
  /** Where the full-page screenshot was written, if one was asked for. */
  readonly screenshot: string | null;
}

export interface CheckOptions {
  /** Absolute path under /tmp for a full-page screenshot; none by default. */
  readonly screenshot?: string;
}

/** Launches Debian's chromium; fails with the command that installs it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM_PATH}, which is missing: ` +
        'run `apt-get update && apt-get install -y chromium` as root (.ci/run does this). ' +
        "Playwright's own browser download is not used.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

const require = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;
const loadAxe = () => (axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));

/**
 * The little of the DOM the in-page functions use, typed here so the project keeps Node's lib only
 * (tsconfig has no "dom"); the in-page functions reach it through `globalThis`.
 */
interface DomElement {
  readonly id: string;
  readonly className: unknown;
  readonly tagName: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  getBoundingClientRect(): { readonly left: number; readonly right: number };
  contains(other: DomElement): boolean;
}
interface DomImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
  readonly currentSrc: string;
  readonly src: string;
  decode(): Promise<void>;
}
interface DomWindow {
  readonly document: {
    readonly images: Iterable<DomImage>;
    readonly documentElement: { readonly scrollWidth: number; readonly scrollHeight: number };
    readonly body: { querySelectorAll(selector: string): Iterable<DomElement> };
  };
  readonly innerWidth: number;
  readonly innerHeight: number;
  scrollTo(x: number, y: number): void;
  getComputedStyle(element: DomElement): { readonly overflowX: string };
  readonly axe: { run(context: unknown, options: object): Promise<AxeResult> };
}

const isFavicon = (url: string) => url !== '' && new URL(url).pathname === '/favicon.ico';

const CSP_MESSAGE = /Content Security Policy|Content-Security-Policy/i;

/** Opens `url` at `viewport` and reports everything above. Never throws for what it finds. */
export async function checkPage(browser: Browser, url: string, viewport: Viewport, options: CheckOptions = {}): Promise<PageReport> {
  const real = await observeRealPage(browser, url, viewport, options);
  const axe = await runAxe(browser, url, viewport);
  return { ...real, axe };
}

/** Everything a report found, as lines for an assertion message; empty when the page is clean. */
export function problems(report: PageReport, { allowOverflow = false } = {}): string[] {
  const at = `${report.viewport.width}×${report.viewport.height}`;
  const out: string[] = [];
  if (report.status === null || report.status >= 400) out.push(`[${at}] page status ${String(report.status)}`);
  for (const e of report.consoleErrors) out.push(`[${at}] console error: ${e}`);
  for (const r of report.failedRequests) out.push(`[${at}] failed request: ${r}`);
  for (const c of report.cspViolations) out.push(`[${at}] CSP violation: ${c}`);
  for (const i of report.brokenImages) out.push(`[${at}] image did not decode: ${i}`);
  if (!allowOverflow && report.scrollWidth > report.innerWidth) {
    out.push(`[${at}] horizontal overflow: scrollWidth ${report.scrollWidth} > innerWidth ${report.innerWidth}; too wide: ${report.overflowing.join(', ')}`);
  }
  for (const v of report.axe) out.push(`[${at}] axe ${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')} — ${v.summary}`);
  return out;
}

type RealPage = Omit<PageReport, 'axe'>;

async function observeRealPage(browser: Browser, url: string, viewport: Viewport, options: CheckOptions): Promise<RealPage> {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const cspViolations: string[] = [];
    const failedRequests: string[] = [];
    page.on('console', (m) => {
      const where = m.location().url;
      if (CSP_MESSAGE.test(m.text())) cspViolations.push(`[console] ${m.text()}`);
      // Chromium asks for /favicon.ico by itself, whatever the page says (a 404 there is not the
      // page's doing, and Playwright reports no request for it); any other resource counts.
      else if (m.type() === 'error' && !isFavicon(where)) consoleErrors.push(where ? `${m.text()} (${where})` : m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
    });
    await watchCspIssues(context, page, cspViolations);

    const response = await page.goto(url, { waitUntil: 'load' });
    await loadEverything(page);
    const images = await page.evaluate(inspectImages);
    const width = await page.evaluate(measureWidth);
    let screenshot: string | null = null;
    if (options.screenshot !== undefined) {
      await page.screenshot({ path: options.screenshot, fullPage: true });
      screenshot = options.screenshot;
    }
    return {
      url, viewport, status: response?.status() ?? null,
      consoleErrors, failedRequests, cspViolations,
      brokenImages: images.broken, imageCount: images.count,
      ...width, screenshot,
    };
  } finally {
    await context.close();
  }
}

/** The CDP Audits domain reports each CSP violation as an issue, whatever the console says. */
async function watchCspIssues(context: BrowserContext, page: Page, into: string[]): Promise<void> {
  const cdp = await context.newCDPSession(page);
  cdp.on('Audits.issueAdded', ({ issue }) => {
    const csp = issue.details.contentSecurityPolicyIssueDetails;
    if (issue.code !== 'ContentSecurityPolicyIssue' || csp === undefined) return;
    const what = csp.blockedURL ?? csp.sourceCodeLocation?.url ?? 'inline';
    into.push(`[audits] ${csp.contentSecurityPolicyViolationType} blocked ${what} (directive ${csp.violatedDirective})`);
  });
  await cdp.send('Audits.enable');
}

/** Scrolls to the bottom (lazy images load), waits for the network to settle, decodes images. */
async function loadEverything(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const window = globalThis as unknown as DomWindow;
    const document = window.document;
    const step = Math.max(200, window.innerHeight);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 30));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  await page.evaluate(() => Promise.all([...(globalThis as unknown as DomWindow).document.images].map((i) => i.decode().catch(() => undefined))));
}

// The two functions below run inside the page (page.evaluate serialises them): no closures.
function inspectImages(): { count: number; broken: string[] } {
  const imgs = [...(globalThis as unknown as DomWindow).document.images];
  const broken = imgs
    .filter((i) => !(i.complete && i.naturalWidth > 0))
    .map((i) => `${i.currentSrc || i.src || '(no src)'} (complete ${String(i.complete)}, naturalWidth ${i.naturalWidth})`);
  return { count: imgs.length, broken };
}

function measureWidth(): { scrollWidth: number; innerWidth: number; overflowing: string[] } {
  const window = globalThis as unknown as DomWindow;
  const document = window.document;
  const innerWidth = window.innerWidth;
  // An element's own box, or content that spills out of it visibly (a long word in a <p>).
  const rightEdge = (e: DomElement) => {
    const rect = e.getBoundingClientRect();
    const spills = window.getComputedStyle(e).overflowX === 'visible' && e.scrollWidth > e.clientWidth;
    return Math.max(rect.right, spills ? rect.left + e.scrollWidth : rect.right);
  };
  const describe = (e: DomElement) => {
    const id = e.id ? `#${e.id}` : '';
    const cls = typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
    return `${e.tagName.toLowerCase()}${id}${cls} (right ${Math.round(rightEdge(e))}px)`;
  };
  const wide = [...document.body.querySelectorAll('*')].filter((e) => rightEdge(e) > innerWidth + 0.5);
  // The innermost offenders say most: drop an element whose descendant is also listed.
  const innermost = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth, overflowing: innermost.slice(0, 10).map(describe) };
}

interface AxeResult {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

async function runAxe(browser: Browser, url: string, viewport: Viewport): Promise<AxeViolation[]> {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.addScriptTag({ content: await loadAxe() });
    const result = await page.evaluate(async () => {
      const window = globalThis as unknown as DomWindow;
      return window.axe.run(window.document, { resultTypes: ['violations'] });
    });
    return result.violations
      .filter((v): v is typeof v & { impact: 'serious' | 'critical' } => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
        summary: (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      }));
  } finally {
    await context.close();
  }
}
