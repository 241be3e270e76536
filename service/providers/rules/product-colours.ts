import sharp from 'sharp';
import { colourName } from '../../domain/colour-names.ts';
import type { ImageMetrics } from './image-metrics.ts';
import { channelDistance, dominantColours, type Rgb } from './pixels.ts';

/**
 * The colours of the product itself: pixels inside the measured product box that differ from the
 * background's reference colour and are not the backdrop seen inside the box (a shadow, a grey
 * sweep: backdropMask), binned (pixels.ts) and merged by the name a shopper would use.
 * On a busy scene the "product box" is the whole scene, so the caller trusts these less.
 */

export interface ProductColour {
  readonly hex: string;
  readonly share: number;
  readonly name: string;
}

/** Long side of the copy the colours are counted on. */
const SAMPLE_PX = 160;
/** A pixel this close (largest channel difference) to the background reference is background. */
const BACKGROUND_TOLERANCE = 28;

function parseHex(hex: string): Rgb {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A neutral (grey) pixel: its channels differ by at most this. */
const NEUTRAL_CHROMA = 24;
/** Neighbouring backdrop pixels differ by at most this per channel (a soft shadow, a sweep's gradient). */
const BACKDROP_STEP = 10;

/**
 * The backdrop as seen inside the product box: grey or white pixels joined to the box's edge by a
 * smooth run of grey or white (a shadow under the product, a grey sweep, vignetting). Flooded from
 * the edge pixels that match the background, so the product's own greys — enclosed by its
 * outline — are kept. 1 = backdrop.
 */
function backdropMask(data: Buffer, w: number, h: number, channels: number, reference: Rgb): Uint8Array {
  const mask = new Uint8Array(w * h);
  const neutral = (p: number) => {
    const i = p * channels;
    const r = data[i] ?? 0, g = data[i + 1] ?? 0, b = data[i + 2] ?? 0;
    return Math.max(r, g, b) - Math.min(r, g, b) <= NEUTRAL_CHROMA;
  };
  const near = (a: number, b: number) => {
    for (let c = 0; c < 3; c++) if (Math.abs((data[a * channels + c] ?? 0) - (data[b * channels + c] ?? 0)) > BACKDROP_STEP) return false;
    return true;
  };
  const stack: number[] = [];
  for (let x = 0; x < w; x++) stack.push(x, (h - 1) * w + x);
  for (let y = 0; y < h; y++) stack.push(y * w, y * w + w - 1);
  const seeds = stack.splice(0).filter((p) => channelDistance(data, p * channels, reference) <= BACKGROUND_TOLERANCE);
  for (const p of seeds) if (mask[p] === 0) { mask[p] = 1; stack.push(p); }
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % w, y = (p - x) / w;
    for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
      if (q < 0 || mask[q] === 1 || !neutral(q) || !near(p, q)) continue;
      mask[q] = 1;
      stack.push(q);
    }
  }
  return mask;
}

export async function productColours(bytes: Buffer, metrics: ImageMetrics, top = 4): Promise<ProductColour[]> {
  const box = metrics.productBox ?? { x: 0, y: 0, width: metrics.width, height: metrics.height };
  const region = {
    left: Math.max(0, Math.min(metrics.width - 1, box.x)),
    top: Math.max(0, Math.min(metrics.height - 1, box.y)),
    width: Math.max(1, Math.min(box.width, metrics.width - box.x)),
    height: Math.max(1, Math.min(box.height, metrics.height - box.y)),
  };
  const { data, info } = await sharp(bytes, { failOn: 'none' })
    .autoOrient()
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace('srgb')
    .removeAlpha()
    .extract(region)
    .resize({ width: SAMPLE_PX, height: SAMPLE_PX, fit: 'inside' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const reference = parseHex(metrics.background.referenceColour);
  const backdrop = backdropMask(data, info.width, info.height, info.channels, reference);
  const kept: number[] = [];
  for (let p = 0, i = 0; i + 2 < data.length; p++, i += info.channels) {
    if (backdrop[p] !== 1 && channelDistance(data, i, reference) > BACKGROUND_TOLERANCE) kept.push(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0);
  }
  const n = kept.length / 3;
  if (n === 0) return [];
  const bins = dominantColours({ data: Uint8Array.from(kept), width: n, height: 1 }, 12);
  const byName = new Map<string, ProductColour>();
  for (const b of bins) {
    const name = colourName(b.hex);
    const prev = byName.get(name);
    // The largest bin of a name gives its hex; the shares add up.
    byName.set(name, prev ? { ...prev, share: prev.share + b.share } : { hex: b.hex, share: b.share, name });
  }
  return [...byName.values()]
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name))
    .slice(0, top)
    .map((c) => ({ ...c, share: Math.round(c.share * 1000) / 1000 }));
}
