import sharp from 'sharp';
import { colourName } from '../../domain/colour-names.ts';
import type { ImageMetrics } from './image-metrics.ts';
import { channelDistance, dominantColours, type Rgb } from './pixels.ts';

/**
 * The colours of the product itself: pixels inside the measured product box that differ from the
 * background's reference colour, binned (pixels.ts) and merged by the name a shopper would use.
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
  const kept: number[] = [];
  for (let i = 0; i + 2 < data.length; i += info.channels) {
    if (channelDistance(data, i, reference) > BACKGROUND_TOLERANCE) kept.push(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0);
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
