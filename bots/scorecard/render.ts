import type { ResvgRenderOptions } from '@resvg/resvg-js';
import type { RunView } from '../../service/app/views/index.ts';
import { compareCard, mainImageSha, TILE } from './compare-card.ts';
import { draftCard, draftImages } from './draft-card.ts';
import { FONT_FAMILY, FONT_FILES } from './font-metrics.ts';
import { embed, type LoadImage } from './images.ts';
import { tileImageSide } from './parts.ts';
import { createRasterThread } from './raster-client.ts';
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

/** resvg's options: the bundled fonts only (text is drawn as paths anyway), at the page's size, on white. */
export const RESVG_OPTIONS: ResvgRenderOptions = {
  font: { loadSystemFonts: false, fontFiles: [FONT_FILES.regular, FONT_FILES.bold], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  fitTo: { mode: 'original' },
  background: '#ffffff',
};

/** Cards are drawn off the event loop, on the raster thread (raster-client.ts: why, and measured). */
const rasterThread = createRasterThread({ options: RESVG_OPTIONS });

/** An SVG document as a PNG, with the bundled fonts only, drawn on the raster thread. */
export async function rasterise(svg: string): Promise<Buffer> {
  return rasterThread.render(svg);
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
