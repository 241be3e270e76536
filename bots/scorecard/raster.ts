import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import sharp from 'sharp';

/**
 * An SVG document → opaque pixels → a PNG: the two steps of drawing a scorecard, with nothing of
 * the rest of the code (the raster thread, raster-thread.ts, loads only this).
 */

export interface Pixels {
  readonly pixels: Buffer;
  readonly width: number;
  readonly height: number;
}

/** The page as RGBA pixels (opaque: drawn on the options' background), by resvg on this thread. */
export function drawPixels(svg: string | Buffer, options: ResvgRenderOptions): Pixels {
  const image = new Resvg(svg, options).render();
  return { pixels: image.pixels, width: image.width, height: image.height };
}

/**
 * Opaque RGBA pixels as an RGB PNG, by sharp (zlib-ng) on the thread pool: resvg's own encoder
 * took ~44 ms. zlib level 1 (zlib-ng's fastest) costs ~14 ms of CPU against ~19 ms at level 3,
 * for a file ~30 % larger (~670 KB against ~510 KB for a golden comparison, well inside what
 * Slack and Discord take) — measured on the golden scorecards with bench/scorecard-cpu.ts (issue
 * 22). Lossless at any level: what a seller sees does not change. Unfiltered rows (sharp's
 * default): adaptive filtering made it ~3 × slower.
 */
export async function encodePng(image: Pixels): Promise<Buffer> {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 1 })
    .toBuffer();
}
