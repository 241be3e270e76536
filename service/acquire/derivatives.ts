import { hash } from 'node:crypto';
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

/**
 * The longest side ever sent to a model: Anthropic's recommended maximum (it downscales above it,
 * so larger only costs upload time and request encoding).
 */
export const MODEL_LONG_SIDE = 1568;
/**
 * Long side for a low-detail look (a thumbnail glance): OpenAI's `detail: "low"` sees a 512 px
 * image whatever it is sent, so larger only costs upload time and request encoding.
 */
export const MODEL_LOW_DETAIL_LONG_SIDE = 512;
/** The side of the square patches OpenAI meters gpt-4.1-mini's (and -nano's, o4-mini's) images in. */
export const MODEL_PATCH = 32;
/**
 * The most 32-px patches a high-detail image (a gallery image, a draft's photo) may cover: 576,
 * a 768 × 768 square. gpt-4.1-mini bills an image ⌈w/32⌉·⌈h/32⌉ × 1.62 tokens (at most 1536
 * patches, the size it sees), so a 1,500-px gallery image sent at 1568 px was 1521 patches =
 * 2,465 tokens and a full 7 + 7 gallery, asked in both orders, 83 % of a comparison's $0.035
 * (issue 22). At 576 patches it is 934 tokens (Anthropic, w·h/750: 786) and the comparison about
 * $0.02. 768 px is also the side OpenAI's own high-detail pass reduces a square image to for its
 * tile-metered models (the gpt-4o family), and the size at which an Amazon infographic's body text
 * (≈ 30–40 px tall at 1,500 px) is still 15–20 px tall. A budget of patches rather than a long side
 * keeps a wide infographic or banner as sharp as a square image of the same cost.
 * @see https://platform.openai.com/docs/guides/images-vision#calculating-costs
 */
export const MODEL_HIGH_DETAIL_PATCHES = 576;
/**
 * What names a model derivative's recipe: a cache of model answers keyed by image content must
 * include it, so an answer about the image at another size is not reused as if it were this one.
 */
export const MODEL_DERIVATIVE_RECIPE = `jpeg-q90-444;low=${MODEL_LOW_DETAIL_LONG_SIDE}px;high=${MODEL_HIGH_DETAIL_PATCHES}x${MODEL_PATCH}px-patches`;
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
 * The image as sent to a vision model: a low-detail look (a main image judged as a buyer sees it
 * in search results — the click stage, and the gallery's first image) at ≤ 512 px long side; any
 * other within MODEL_HIGH_DETAIL_PATCHES 32-px patches and ≤ 1568 px long side; never enlarged.
 * JPEG quality 90 with 4:4:4 chroma, so small (often coloured) print on infographics stays sharp:
 * the bytes do not change what the model bills, only the upload.
 */
export function forModel(bytes: Buffer, options: DerivativeOptions & { readonly detail?: 'low' | 'high' | 'auto' } = {}): Promise<Derivative> {
  // Calls in flight for the same image share one resize: a stage's two presentation orders, and
  // the click and gallery stages' main images, ask for it at the same moment (each from its own
  // copy of the bytes), so a cache of finished results alone would resize it up to four times.
  const key = `${options.detail === 'low' ? 'low' : 'high'}:${options.maxPixels ?? ''}:${bytes.length}:${hash('sha256', bytes)}`;
  const running = inFlight.get(key);
  if (running) return running;
  const made = resizeForModel(bytes, options).finally(() => inFlight.delete(key));
  inFlight.set(key, made);
  return made;
}

const inFlight = new Map<string, Promise<Derivative>>();

async function resizeForModel(bytes: Buffer, options: DerivativeOptions & { readonly detail?: 'low' | 'high' | 'auto' }): Promise<Derivative> {
  if (options.detail === 'low') return jpeg(bytes, { width: MODEL_LOW_DETAIL_LONG_SIDE, height: MODEL_LOW_DETAIL_LONG_SIDE }, 90, options);
  const meta = await sharp(bytes, { limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS, failOn: 'error' }).metadata();
  return jpeg(bytes, withinPatches(meta.autoOrient, MODEL_HIGH_DETAIL_PATCHES), 90, options);
}

/**
 * The largest box of the image's aspect ratio within `patches` 32-px patches and
 * MODEL_LONG_SIDE (no larger than the image: the resize never enlarges).
 */
export function withinPatches(size: { readonly width: number; readonly height: number }, patches: number): { width: number; height: number } {
  const { width, height } = size;
  const cover = (s: number) => Math.ceil(Math.round(width * s) / MODEL_PATCH) * Math.ceil(Math.round(height * s) / MODEL_PATCH);
  let scale = Math.min(1, MODEL_LONG_SIDE / Math.max(width, height), Math.sqrt((patches * MODEL_PATCH * MODEL_PATCH) / (width * height)));
  // Partial patches count whole: shrink a pixel at a time on the long side until they fit.
  const long = Math.max(width, height);
  while (cover(scale) > patches && scale * long > 1) scale = (Math.round(scale * long) - 1) / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A search-result-sized thumbnail (e.g. 160 or 320 px long side; never enlarged). */
export async function thumbnail(bytes: Buffer, size: number, options: DerivativeOptions = {}): Promise<Derivative> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`thumbnail size must be a positive integer, got ${size}`);
  return jpeg(bytes, { width: size, height: size }, 85, options);
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

async function jpeg(bytes: Buffer, box: { readonly width: number; readonly height: number }, quality: number, options: DerivativeOptions): Promise<Derivative> {
  const { data, info } = await flattened(bytes, options)
    .resize(box.width, box.height, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0', mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { data, mediaType: 'image/jpeg', width: info.width, height: info.height };
}
