import sharp from 'sharp';
import type { ImageMetrics } from '../providers/rules/image-metrics.ts';
import type { OcrResult, OcrWord } from '../providers/rules/ocr.ts';

/**
 * A second OCR pass on the product itself. Read whole, a packshot's logo is a few pixels tall and
 * OCR misses it (Tropicana's at 198 px); cut out to the measured product box and enlarged, the same
 * photo reads "Tropicana" at 96%. The crop is deterministic (same bytes → same crop), so the
 * measurement cache keys it by content like any image. Busy scenes have no product box worth
 * cropping (it is the whole scene): they get no second pass.
 */

/** Margin kept around the product box, as a share of its longer side. */
const MARGIN = 0.02;
/** The crop is enlarged to this long side (OCR reads logos best with letters ~100 px tall). */
const CROP_LONG_SIDE = 1600;
/** A box covering more of the photo than this is the scene, not a product. */
const MAX_BOX_AREA = 0.85;

export interface ProductCrop {
  readonly bytes: Buffer;
  /** Where the crop sits in the photo, and how much it was enlarged. */
  readonly left: number;
  readonly top: number;
  readonly scale: number;
}

export async function productCrop(bytes: Buffer, metrics: ImageMetrics): Promise<ProductCrop | null> {
  const box = metrics.productBox;
  if (!box || box.width < 8 || box.height < 8) return null;
  if ((box.width * box.height) / Math.max(1, metrics.width * metrics.height) > MAX_BOX_AREA) return null;
  const pad = Math.round(Math.max(box.width, box.height) * MARGIN);
  const left = Math.max(0, box.x - pad);
  const top = Math.max(0, box.y - pad);
  const width = Math.max(1, Math.min(metrics.width - left, box.width + 2 * pad));
  const height = Math.max(1, Math.min(metrics.height - top, box.height + 2 * pad));
  const scale = Math.max(1, CROP_LONG_SIDE / Math.max(width, height));
  const out = await sharp(bytes, { failOn: 'none' })
    .autoOrient()
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .extract({ left, top, width, height })
    .resize({ width: Math.round(width * scale), height: Math.round(height * scale), fit: 'fill', kernel: 'lanczos3' })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { bytes: out, left, top, scale };
}

/**
 * The photo's words and the crop's, in the photo's pixels: a word read on both is kept once, at
 * the better confidence (the crop usually reads it better).
 */
export function mergeOcr(photo: OcrResult | null, crop: OcrResult | null, at: Pick<ProductCrop, 'left' | 'top' | 'scale'>): OcrResult | null {
  if (!crop) return photo;
  const lines = photo ? Math.max(0, ...photo.words.map((w) => w.line + 1)) : 0;
  const placed: OcrWord[] = crop.words.map((w) => ({
    text: w.text,
    confidence: w.confidence,
    bbox: {
      x0: Math.round(at.left + w.bbox.x0 / at.scale), y0: Math.round(at.top + w.bbox.y0 / at.scale),
      x1: Math.round(at.left + w.bbox.x1 / at.scale), y1: Math.round(at.top + w.bbox.y1 / at.scale),
    },
    line: lines + w.line,
  }));
  const best = new Map<string, OcrWord>();
  for (const w of [...(photo?.words ?? []), ...placed]) {
    const key = w.text.toLowerCase();
    const prev = best.get(key);
    if (!prev || w.confidence > prev.confidence) best.set(key, w);
  }
  const words = [...best.values()].sort((a, b) => a.line - b.line);
  return { text: [photo?.text, crop.text].filter(Boolean).join('\n'), words };
}
