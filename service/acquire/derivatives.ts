import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS } from './image-inspect.ts';

/**
 * Derivatives of an accepted image, pure functions of its bytes (same bytes → same output, so
 * they can be cached by the original's SHA-256).
 *
 * Every derivative is flattened onto WHITE: Amazon shows transparent product shots on white, so
 * that is what a buyer sees and what a model must judge. sharp's `flatten` composites through the
 * alpha channel whatever its source — RGBA, grey + alpha (LA) and palette PNGs with a tRNS chunk
 * alike — where a naive "drop the alpha channel" would show the hidden colour (black, or the
 * palette's background green) instead. EXIF orientation is applied; an animation yields its
 * first frame.
 */

/** Anthropic's recommended long side for vision input (no server-side downscale above it). */
export const MODEL_LONG_SIDE = 1568;
/**
 * Long side for a low-detail look (a thumbnail glance): OpenAI's `detail: "low"` sees a 512 px
 * image whatever it is sent, so larger only costs upload time and request encoding.
 */
export const MODEL_LOW_DETAIL_LONG_SIDE = 512;
/** Thumbnail sizes as on a search-result page (long side, px). */
export const THUMBNAIL_SIZES = [160, 320] as const;

const WHITE = { r: 255, g: 255, b: 255 };

export interface Derivative {
  readonly data: Buffer;
  readonly mediaType: 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

export interface RawRgb {
  /** Packed 8-bit RGB, row-major, `width * height * 3` bytes. */
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
}

export interface DerivativeOptions {
  /** Passed to sharp's `limitInputPixels` (default 50 megapixels). */
  readonly maxPixels?: number;
}

function flattened(bytes: Buffer, options: DerivativeOptions) {
  return sharp(bytes, { limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS, failOn: 'error' })
    .autoOrient()
    .flatten({ background: WHITE })
    .toColourspace('srgb');
}

/**
 * The image as sent to a vision model: long side ≤ 1568 px (≤ 512 px for a low-detail look; never
 * enlarged), JPEG quality 90 with 4:4:4 chroma so small print on infographics stays legible.
 */
export async function forModel(bytes: Buffer, options: DerivativeOptions & { readonly detail?: 'low' | 'high' | 'auto' } = {}): Promise<Derivative> {
  return jpeg(bytes, options.detail === 'low' ? MODEL_LOW_DETAIL_LONG_SIDE : MODEL_LONG_SIDE, 90, options);
}

/** A search-result-sized thumbnail (e.g. 160 or 320 px long side; never enlarged). */
export async function thumbnail(bytes: Buffer, size: number, options: DerivativeOptions = {}): Promise<Derivative> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`thumbnail size must be a positive integer, got ${size}`);
  return jpeg(bytes, size, 85, options);
}

/**
 * Raw RGB pixels on white, for measurements (background whiteness, fill ratio…).
 * `maxSide` bounds the work on large images (default: full size).
 */
export async function flattenOnWhite(bytes: Buffer, options: DerivativeOptions & { readonly maxSide?: number } = {}): Promise<RawRgb> {
  let pipeline = flattened(bytes, options);
  if (options.maxSide !== undefined) {
    pipeline = pipeline.resize(options.maxSide, options.maxSide, { fit: 'inside', withoutEnlargement: true });
  }
  const { data, info } = await pipeline.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after flattening, got ${info.channels}`);
  return { data, width: info.width, height: info.height, channels: 3 };
}

async function jpeg(bytes: Buffer, longSide: number, quality: number, options: DerivativeOptions): Promise<Derivative> {
  const { data, info } = await flattened(bytes, options)
    .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0', mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { data, mediaType: 'image/jpeg', width: info.width, height: info.height };
}
