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
 * is ~100 ms of CPU, which on the event loop held back every other run's messages and job pickups
 * for that long. sharp at zlib level 3 without the (opaque) alpha channel: ~19 ms and a smaller
 * file than resvg's own encoder (~44 ms), measured on a golden scorecard (issue 22).
 */
export async function rasterise(svg: string): Promise<Buffer> {
  return drawing(() => draw(svg));
}

/**
 * Two scorecards drawn at once at most: each holds its page as pixels twice (resvg's and a copy,
 * 1200 × ~2300 × 4 ≈ 11 MB each) while it is encoded, and runs of a burst finish together — four
 * at once on the thread pool put ~80 MB more on the peak (bench, issue 22). A card takes ~0.1 s.
 */
const drawing = pLimit(2);

async function draw(svg: string): Promise<Buffer> {
  const image = await renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: [FONT_FILES.regular, FONT_FILES.bold], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    background: '#ffffff',
  });
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 3 })
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
