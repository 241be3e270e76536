import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import type { RunView } from '../../service/app/views/index.ts';
import { readPhotoFiles, startDraft, storePhotos } from '../../service/app/drafts/index.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { FIXTURES_DIR } from '../../test/emulators/image-host.ts';
import { startTestPipeline } from '../../test/support/pipeline.ts';
import { textWidth } from './font-metrics.ts';
import { createScorecardRenderer, scorecardSvg, type LoadImage, type Scorecard } from './index.ts';
import { drawPixels, encodePng } from './raster.ts';
import { rasterise, RESVG_OPTIONS } from './render.ts';
import { COLOURS, document, MARGIN, text, WIDTH } from './svg.ts';

/**
 * The scorecard drawn from real runs (golden pairs and a draft through the whole offline
 * pipeline): a valid PNG at least 1,000 px wide whose pixels show the layout — both main images
 * drawn, the winner's side framed green and the loser's not — and text from listings and models
 * that can neither break the SVG nor run off the page. Each PNG is also written to the temp
 * folder (listinglab-scorecards/) for a person to look at, with its SVG (what
 * bench/scorecard-cpu.ts draws).
 */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const out = path.join(os.tmpdir(), 'listinglab-scorecards');
mkdirSync(out, { recursive: true });

/** The image store, as the test knows it: every file a golden pair or fixture holds, by SHA-256. */
const store = new Map<string, Buffer>();
const remember = (dir: string) => {
  for (const f of readdirSync(dir).filter((x) => /\.(jpe?g|png|webp|gif)$/i.test(x))) {
    const bytes = readFileSync(path.join(dir, f));
    store.set(createHash('sha256').update(bytes).digest('hex'), bytes);
  }
};
const loadImage: LoadImage = async (sha) => store.get(sha);
const render = createScorecardRenderer({ loadImage });

const pipeline = await startTestPipeline();
const compare = async (pair: string, mine?: 'A' | 'B') => {
  for (const s of ['A', 'B']) remember(path.join(pairs, pair, s));
  return pipeline.compareFolders(path.join(pairs, pair, 'A'), path.join(pairs, pair, 'B'), mine ? { mine } : {});
};

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [data[(y * info.width + x) * 3]!, data[(y * info.width + x) * 3 + 1]!, data[(y * info.width + x) * 3 + 2]!] as const;
  return { info, at };
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const near = (p: readonly number[], c: readonly number[]) => p.every((v, i) => Math.abs(v - c[i]!) <= 12);

/** The longest vertical run of `colour` down column x: where a framed tile is. */
function run(px: Awaited<ReturnType<typeof pixels>>, x: number, colour: string) {
  const c = hex(colour);
  let best = { start: 0, length: 0 };
  let start = -1;
  for (let y = 0; y <= px.info.height; y++) {
    const on = y < px.info.height && near(px.at(x, y), c);
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      if (y - start > best.length) best = { start, length: y - start };
      start = -1;
    }
  }
  return best;
}

/** Spread of brightness in a box: 0 for a blank area. */
function spread(px: Awaited<ReturnType<typeof pixels>>, x0: number, y0: number, w: number, h: number): number {
  const v: number[] = [];
  for (let y = y0; y < y0 + h; y += 3) for (let x = x0; x < x0 + w; x += 3) v.push(px.at(x, y).reduce((a, b) => a + b, 0) / 3);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

const TILE = Math.floor((WIDTH - 2 * MARGIN - 40) / 2);
const tileX = { A: MARGIN, B: WIDTH - MARGIN - TILE } as const;

async function expectValid(card: Scorecard, name: string) {
  writeFileSync(path.join(out, name), card.png);
  const meta = await sharp(card.png).metadata();
  expect(meta.format).toBe('png');
  expect(meta.width).toBeGreaterThanOrEqual(1000);
  expect(meta.width).toBe(card.width);
  expect(meta.height).toBe(card.height);
  expect(card.alt.length).toBeGreaterThan(20);
  expect(card.filename).toMatch(/^listinglab-[0-9a-f]{8}\.png$/);
}

/** Every line of text starts and ends inside the page margins (measured with the bundled font). */
async function expectNoOverflow(view: RunView, name: string) {
  const { svg } = await scorecardSvg(view, { loadImage });
  writeFileSync(path.join(out, `${name}.svg`), svg);
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  // A line is a path (svg.ts `text`): its transform's translation is its left edge.
  const lines = [...svg.matchAll(/<path transform="matrix\([\d.]+ 0 0 -[\d.]+ (-?[\d.]+) [\d.]+\)" fill="[^"]+" data-font="(\d+)( bold)?" aria-label="([^"]*)"/g)];
  expect(lines.length).toBeGreaterThan(10);
  for (const [, left, size, bold, label] of lines) {
    const w = textWidth(unescape(label!), { size: Number(size), bold: Boolean(bold) });
    expect(Number(left), label).toBeGreaterThanOrEqual(MARGIN - 1);
    expect(Number(left) + w, label).toBeLessThanOrEqual(WIDTH - MARGIN + 1);
  }
  expect(svg).not.toContain('<text');
  return svg;
}

test('text is drawn with the bundled fonts alone (system fonts are never loaded)', async () => {
  const png = await rasterise(document(100, text(MARGIN, 60, 'Verdict: A wins', { size: 40, bold: true })));
  const px = await pixels(png);
  let dark = 0;
  for (let y = 20; y < 80; y++) for (let x = MARGIN; x < 400; x++) if (px.at(x, y)[0] < 100) dark++;
  expect(dark).toBeGreaterThan(500);
});

describe('comparison scorecard', () => {
  test.each([
    ['duffel-compliance', undefined],
    ['duffel-swapped', 'A'],
    ['cushion-cutout-vs-banner', undefined],
  ] as const)('%s (mine: %s): both images drawn, the winner framed green, the loser not', async (pair, mine) => {
    const view = await compare(pair, mine);
    expect(view.verdict).not.toBeNull();
    const winner = view.verdict!.winner;
    const card = await render(view);
    await expectValid(card, `${pair}.png`);
    await expectNoOverflow(view, pair);
    const px = await pixels(card.png);
    if (winner === 'tie') throw new Error(`${pair}: a golden pair with a winner was expected`);
    const loser = winner === 'A' ? 'B' : 'A';
    const frame = run(px, tileX[winner] + 3, COLOURS.win);
    expect(frame.length).toBeGreaterThan(TILE - 20);
    expect(run(px, tileX[loser] + 3, COLOURS.win).length).toBeLessThan(30);
    // Both tiles hold a picture: the upper middle of each (clear of the labels) is not blank.
    for (const side of ['A', 'B'] as const) expect(spread(px, tileX[side] + 60, frame.start + 70, TILE - 120, 200), side).toBeGreaterThan(4);
    if (mine) expect(card.alt).toContain('your listing');
  });

  test('hostile text (500 characters, <script>, &, quotes, emoji, control characters) renders without breaking the SVG or the page', async () => {
    const base = await compare('duffel-compliance', 'B');
    const hostile = `<script>alert("x")</script> & Co's "best" 🎉\u0007 ${'Ultra-Wide Waterproof Duffel Supercalifragilisticexpialidociousness '.repeat(8)}`.slice(0, 500);
    const d = base.verdict!;
    const view: RunView = {
      ...base,
      pair: { A: { ...base.pair.A, title: hostile, asin: null, label: `<b>&${hostile.slice(0, 60)}` }, B: { ...base.pair.B, title: hostile } },
      verdict: { ...d, fixes: d.fixes.map((f) => ({ ...f, action: hostile, current: '<&>', target: '"]]>' })) },
      avatars: base.avatars && { ...base.avatars, personas: base.avatars.personas.map((p) => ({ ...p, name: hostile })) },
    };
    const svg = await expectNoOverflow(view, 'hostile');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&#60;script&#62;');
    expect(svg).not.toContain('\u0007');
    await expectValid(await render(view), 'hostile.png');
  });

  test('a tie: neither side framed green, both marked as a tie', async () => {
    const base = await compare('duffel-compliance');
    const view: RunView = { ...base, verdict: { ...base.verdict!, winner: 'tie', clickWinner: 'tie', saleWinner: 'tie', confidence: 0.2 } };
    const card = await render(view);
    await expectValid(card, 'tie.png');
    const svg = await expectNoOverflow(view, 'tie');
    expect(svg.match(/aria-label="TIE"/g)).toHaveLength(2);
    expect(svg).not.toContain('aria-label="WINS"');
    const px = await pixels(card.png);
    for (const side of ['A', 'B'] as const) expect(run(px, tileX[side] + 3, COLOURS.win).length).toBeLessThan(30);
  });

  test('a run without a verdict (failed) still renders, saying so', async () => {
    const base = await compare('vitamin-gallery');
    const view: RunView = { ...base, status: 'failed', verdict: null, avatars: null, errorCode: 'timeout', errorMessage: 'The listing took too long to fetch' };
    const card = await render(view);
    await expectValid(card, 'failed.png');
    expect(card.alt).toContain('failed');
  });
});

describe('draft scorecard', () => {
  test('the Oatly photos: the main photo drawn, four marketplace bars', async () => {
    const dir = path.join(FIXTURES_DIR, 'grocery/Oatly-Oat-Milk');
    remember(dir);
    const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(dir, f));
    const deps = await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false });
    const started = await startDraft(deps, { workspace: { platform: 'cli', externalId: 'local' }, photos: await storePhotos(pipeline.tdb.db, await readPhotoFiles(files)) });
    const view = await pipeline.waitForRun(started.run.id);
    expect(view.draft?.drafts).toBeTruthy();
    const card = await render(view);
    await expectValid(card, 'draft-oatly.png');
    const svg = await expectNoOverflow(view, 'draft-oatly');
    for (const m of ['Amazon', 'eBay', 'Etsy', 'Shopify']) expect(svg).toContain(`aria-label="${m}"`);
    const px = await pixels(card.png);
    const frame = run(px, MARGIN + 3, COLOURS.win);
    expect(frame.length).toBeGreaterThan(TILE - 20);
    expect(spread(px, MARGIN + 60, frame.start + 70, TILE - 120, 200)).toBeGreaterThan(4);
  });
});

test('the PNG is lossless: it decodes to exactly the pixels resvg drew', async () => {
  const drawn = drawPixels(document(200, `${text(MARGIN, 60, 'Verdict: A wins', { size: 40, bold: true })}<circle cx="600" cy="120" r="50" fill="${COLOURS.win}" fill-opacity="0.5"/>`), RESVG_OPTIONS);
  const { data, info } = await sharp(await encodePng(drawn)).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([drawn.width, drawn.height, 3]);
  let differing = 0;
  for (let i = 0; i < info.width * info.height; i++) for (let c = 0; c < 3; c++) if (data[i * 3 + c] !== drawn.pixels[i * 4 + c]) differing++;
  expect(differing).toBe(0);
});
