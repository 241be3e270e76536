import sharp from 'sharp';
import type { DominantColour, Rgb, RgbImage } from './pixels.ts';
import { channelDistance, colourfulness, differenceHash, dominantColours, hex, histogramMedian } from './pixels.ts';
import type { Box } from './product-region.ts';
import { legibility, productBox } from './product-region.ts';
import { IMAGE_RULES } from './rule-sets.ts';

export { hammingDistance } from './pixels.ts';

/**
 * Honest measurements of one product image: bytes in, numbers out. No model, no network.
 *
 * - Transparency is flattened onto white first: a transparent PNG is shown on Amazon's white page,
 *   so it legitimately has a white background.
 * - Background whiteness is measured on the full-resolution border (outer 1% frame), because
 *   downscaling averages pixels and would change "exactly 255".
 * - Everything else runs on a copy at most 512 px on its long side (a run measures ~12 images).
 */

/** Long side of the analysis copy. */
export const ANALYSIS_MAX_PX = 512;
/** Long side of a search-result thumbnail, for legibility. */
export const THUMBNAIL_PX = 160;
/**
 * Border frame thickness as a share of each side. 1%, not more: Amazon wants the product to reach
 * ≥ 85% of the frame and tight crops reach 98%, so a thicker frame measures the product, not the
 * backdrop (the ABO duffel bag: 88% near-white at 2%, 100% at 1%).
 */
export const BORDER_SHARE = 0.01;
/** Amazon's zoom threshold and recommended size (long side); see rule-sets.ts. */
const ZOOM_MIN_PX = IMAGE_RULES.zoomMinPx;
const RECOMMENDED_PX = IMAGE_RULES.recommendedPx;
/** Share of border pixels that must be near-white (≥ 250 on every channel) to call a background white. */
const WHITE_MIN_SHARE = IMAGE_RULES.whiteMinShare;

export interface BackgroundMetrics {
  /** Share of border pixels at exactly RGB 255,255,255 (what Amazon requires). */
  readonly whitePure: number;
  /** Share of border pixels at ≥ 250 on every channel (looks white). */
  readonly whiteNear: number;
  /** Mean colour of the border. */
  readonly meanColour: string;
  /** The colour product pixels are told apart from: pure white for a white background, else the border's per-channel median. */
  readonly referenceColour: string;
  readonly isWhite: boolean;
  /** Share of border pixels close to the reference colour: low means a busy or cluttered scene. */
  readonly uniformity: number;
}

export interface ImageMetrics {
  readonly width: number;
  readonly height: number;
  /** Decoder's name for the format: jpeg, png, webp, gif, … */
  readonly format: string;
  readonly hadAlpha: boolean;
  readonly longSide: number;
  /** Long side ≥ 1000 px: Amazon enables zoom. */
  readonly zoomReady: boolean;
  /** Long side ≥ 1600 px: Amazon's recommended size. */
  readonly recommendedSize: boolean;
  readonly background: BackgroundMetrics;
  /** Product bounding box in original pixels; null when nothing stands out from the background. */
  readonly productBox: Box | null;
  /** Bounding-box area / frame area. */
  readonly fillArea: number;
  readonly fillWidth: number;
  readonly fillHeight: number;
  /**
   * The larger of fillWidth and fillHeight: how far the product reaches along its longest axis
   * relative to the frame. This is how the 85% rule is checked in practice (the product is scaled
   * until its longest dimension meets the frame); on a square frame it equals bbox long side /
   * frame side.
   */
  readonly fillLongSide: number;
  /** Top 3 colours of the whole image with their shares. */
  readonly dominantColours: readonly DominantColour[];
  /** Hasler–Süsstrunk colourfulness (0 greyscale … 80+ extremely colourful). */
  readonly colourfulness: number;
  /** 64-bit dHash as 16 hex digits; compare with hammingDistance. */
  readonly hash: string;
  /** 0–1: how readable the product region is at a 160 px thumbnail. */
  readonly legibility: number;
  readonly legibilityParts: { readonly edgeDensity: number; readonly contrast: number; readonly separation: number };
}

const WHITE: Rgb = [255, 255, 255];

/** Rejects when the bytes are not an image sharp can decode. */
export async function measureImage(bytes: Buffer): Promise<ImageMetrics> {
  const meta = await sharp(bytes, { failOn: 'none' }).metadata();
  const decoded = await sharp(bytes, { failOn: 'none' })
    .autoOrient()
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const full = toRgb(decoded.data, decoded.info);
  const { width, height } = full;

  const border = borderStats(full);
  const reference = border.isWhite ? WHITE : border.median;
  // Coloured or textured backdrops vary more than a studio white; widen the tolerance with the
  // border's own spread so gradients and noise in the backdrop are not taken for product.
  const tolerance = border.isWhite ? 16 : Math.min(60, Math.max(24, 12 + 3 * border.meanDeviation));

  const analysis = await resized(full, ANALYSIS_MAX_PX);
  const box = productBox(analysis, reference, tolerance);
  const fillWidth = box === null ? 0 : box.width / analysis.width;
  const fillHeight = box === null ? 0 : box.height / analysis.height;
  const fillLongSide = Math.max(fillWidth, fillHeight);

  const thumb = await resized(analysis, THUMBNAIL_PX);
  const sx = thumb.width / analysis.width, sy = thumb.height / analysis.height;
  const thumbBox = box === null ? null : { x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy };
  const legible = legibility(thumb, thumbBox, reference, fillLongSide);

  const ox = width / analysis.width, oy = height / analysis.height;
  const longSide = Math.max(width, height);
  return {
    width,
    height,
    format: meta.format,
    hadAlpha: meta.hasAlpha,
    longSide,
    zoomReady: longSide >= ZOOM_MIN_PX,
    recommendedSize: longSide >= RECOMMENDED_PX,
    background: {
      whitePure: border.whitePure,
      whiteNear: border.whiteNear,
      meanColour: hex(border.mean),
      referenceColour: hex(reference),
      isWhite: border.isWhite,
      uniformity: border.uniformity,
    },
    productBox: box === null ? null : {
      x: Math.round(box.x * ox), y: Math.round(box.y * oy), width: Math.round(box.width * ox), height: Math.round(box.height * oy),
    },
    fillArea: fillWidth * fillHeight,
    fillWidth,
    fillHeight,
    fillLongSide,
    dominantColours: dominantColours(analysis),
    colourfulness: colourfulness(analysis),
    hash: differenceHash(analysis),
    legibility: legible.score,
    legibilityParts: { edgeDensity: legible.edgeDensity, contrast: legible.contrast, separation: legible.separation },
  };
}

interface BorderStats {
  readonly whitePure: number;
  readonly whiteNear: number;
  readonly mean: Rgb;
  readonly median: Rgb;
  readonly isWhite: boolean;
  readonly uniformity: number;
  /** Mean largest-channel distance of border pixels from the median, 0–255. */
  readonly meanDeviation: number;
}

/** Statistics of the outer frame (BORDER_SHARE of each side, at least 1 px). */
export function borderStats(img: RgbImage): BorderStats {
  const { width: w, height: h, data } = img;
  const tx = Math.max(1, Math.round(w * BORDER_SHARE));
  const ty = Math.max(1, Math.round(h * BORDER_SHARE));
  const inBorder = (x: number, y: number) => x < tx || x >= w - tx || y < ty || y >= h - ty;
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
  let n = 0, pure = 0, near = 0, sr = 0, sg = 0, sb = 0;
  forEachBorderPixel(w, h, tx, ty, inBorder, (i) => {
    const r = data[i] ?? 0, g = data[i + 1] ?? 0, b = data[i + 2] ?? 0;
    n++;
    if (r === 255 && g === 255 && b === 255) pure++;
    if (r >= 250 && g >= 250 && b >= 250) near++;
    sr += r; sg += g; sb += b;
    hist[0][r] = (hist[0][r] ?? 0) + 1;
    hist[1][g] = (hist[1][g] ?? 0) + 1;
    hist[2][b] = (hist[2][b] ?? 0) + 1;
  });
  if (n === 0) return { whitePure: 0, whiteNear: 0, mean: [0, 0, 0], median: [0, 0, 0], isWhite: false, uniformity: 0, meanDeviation: 0 };
  const median: Rgb = [histogramMedian(hist[0], n), histogramMedian(hist[1], n), histogramMedian(hist[2], n)];
  const whiteNear = near / n;
  const isWhite = whiteNear >= WHITE_MIN_SHARE;
  const reference = isWhite ? WHITE : median;
  let close = 0, deviation = 0;
  forEachBorderPixel(w, h, tx, ty, inBorder, (i) => {
    const d = channelDistance(data, i, median);
    deviation += d;
    if (channelDistance(data, i, reference) <= 24) close++;
  });
  return {
    whitePure: pure / n, whiteNear, mean: [sr / n, sg / n, sb / n], median, isWhite,
    uniformity: close / n, meanDeviation: deviation / n,
  };
}

function forEachBorderPixel(w: number, h: number, tx: number, ty: number, inBorder: (x: number, y: number) => boolean, visit: (i: number) => void): void {
  for (let y = 0; y < h; y++) {
    const fullRow = y < ty || y >= h - ty;
    for (let x = 0; x < w; x++) {
      if (!fullRow && x === tx) x = Math.max(tx, w - tx); // skip the interior of the row
      if (x >= w || !inBorder(x, y)) continue;
      visit((y * w + x) * 3);
    }
  }
}

function toRgb(data: Uint8Array, info: { readonly width: number; readonly height: number; readonly channels: number }): RgbImage {
  if (info.channels === 3) return { data, width: info.width, height: info.height };
  // Defensive: sRGB output is 3 channels after removeAlpha; expand anything else.
  const out = new Uint8Array(info.width * info.height * 3);
  for (let p = 0; p < info.width * info.height; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = data[p * info.channels + Math.min(c, info.channels - 1)] ?? 0;
  }
  return { data: out, width: info.width, height: info.height };
}

async function resized(img: RgbImage, maxPx: number): Promise<RgbImage> {
  if (Math.max(img.width, img.height) <= maxPx) return img;
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize({ width: maxPx, height: maxPx, fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return toRgb(data, info);
}
