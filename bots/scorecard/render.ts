import { renderAsync } from '@resvg/resvg-js';
import sharp from 'sharp';
import pLimit from '../../service/support/limit.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { compareCard, mainImageSha, TILE } from './compare-card.ts';
import { draftCard, draftImages } from './draft-card.ts';
import { FONT_FAMILY, FONT_FILES } from './font-metrics.ts';
import { embed, type LoadImage } from './images.ts';
import { tileImageSide } from './parts.ts';
import type { RenderScorecard, Scorecard } from './scorecard.ts';
import { document, WIDTH } from './svg.ts';

/**
 * The scorecard renderer: a RunView → an SVG document → a PNG, drawn by resvg (its binary comes
 * inside its npm package) with the fonts bundled in assets/fonts only — system fonts are never
 * loaded, so a machine with none (node:24-slim) draws exactly what this one does.
 */

export interface ScorecardDeps {
  /** Reads a stored image's bytes by its SHA-256 (the image store); undefined when it is not there. */
  readonly loadImage: LoadImage;
}

/** Whether a run has something to show as a scorecard: a comparison's verdict or a draft's drafts. */
export function scorecardReady(view: RunView): boolean {
  return view.kind === 'draft' ? Boolean(view.draft?.drafts) : view.verdict !== null;
}

/** The SVG document of a run's scorecard (what is rasterised), with its size and alt text. */
export async function scorecardSvg(view: RunView, deps: ScorecardDeps): Promise<{ svg: string; width: number; height: number; alt: string }> {
  if (view.kind === 'draft') {
    const card = draftCard(view, await draftImages(view, deps.loadImage));
    return { svg: document(card.height, card.svg), width: WIDTH, height: card.height, alt: card.alt };
  }
  const [A, B] = await Promise.all([embed(deps.loadImage, mainImageSha(view, 'A'), tileImageSide(TILE)), embed(deps.loadImage, mainImageSha(view, 'B'), tileImageSide(TILE))]);
  const card = compareCard(view, { ...(A ? { A } : {}), ...(B ? { B } : {}) });
  return { svg: document(card.height, card.svg), width: WIDTH, height: card.height, alt: card.alt };
}

/**
 * An SVG document as a PNG, with the bundled fonts only. Off the event loop: resvg lays out and
 * draws on libuv's thread pool (`renderAsync`), and sharp encodes the PNG there too — a scorecard
 * is ~65 ms of CPU, which on the event loop held back every other run's messages and job pickups
 * for that long.
 */
export async function rasterise(svg: string): Promise<Buffer> {
  return drawing(async () => encodePng(await drawPixels(svg)));
}

/**
 * Two scorecards drawn at once at most: each holds its page as pixels twice (resvg's and a copy,
 * 1200 × ~2300 × 4 ≈ 11 MB each) while it is encoded, and runs of a burst finish together — four
 * at once on the thread pool put ~80 MB more on the peak (bench, issue 22). A card takes ~60 ms of CPU.
 */
const drawing = pLimit(2);

/** The page as RGBA pixels (opaque: drawn on white), by resvg on the thread pool. */
export async function drawPixels(svg: string): Promise<{ pixels: Buffer; width: number; height: number }> {
  const image = await renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: [FONT_FILES.regular, FONT_FILES.bold], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    background: '#ffffff',
  });
  return { pixels: image.pixels, width: image.width, height: image.height };
}

/**
 * Opaque RGBA pixels as an RGB PNG, by sharp (zlib-ng) on the thread pool: resvg's own encoder
 * took ~44 ms. zlib level 1 (zlib-ng's fastest) costs ~14 ms of CPU against ~19 ms at level 3,
 * for a file ~30 % larger (~670 KB against ~510 KB for a golden comparison, well inside what
 * Slack and Discord take) — measured on the golden scorecards with bench/scorecard-cpu.ts (issue 22). Lossless at any level: what a seller sees
 * does not change. Unfiltered rows (sharp's default): adaptive filtering made it ~3 × slower.
 */
export async function encodePng(image: { pixels: Buffer; width: number; height: number }): Promise<Buffer> {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * `createScorecardRenderer({ loadImage })(view)`: a run's scorecard as a PNG. Renders any run; a
 * run without a result says where it stands (check `scorecardReady` before posting one).
 */
export function createScorecardRenderer(deps: ScorecardDeps): RenderScorecard {
  return async (view: RunView): Promise<Scorecard> => {
    const made = await scorecardSvg(view, deps);
    return { png: await rasterise(made.svg), width: made.width, height: made.height, alt: made.alt, filename: `listinglab-${view.shortId}.png` };
  };
}
