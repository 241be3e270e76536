import type { Rgb, RgbImage } from './pixels.ts';
import { channelDistance, luma } from './pixels.ts';

/**
 * Where the product is (pixels that differ from the background) and how readable that region is
 * at search-result size. Pure functions over raw RGB buffers.
 */

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Bounding box of the pixels differing from `background` by more than `tolerance` (largest
 * channel difference). Noise filter: a pixel counts only when at least 4 of its 8 neighbours also
 * differ (drops JPEG ringing and dust specks), and a row or column bounds the box only when it
 * holds at least 2 such pixels. Null when nothing differs.
 */
export function productBox(img: RgbImage, background: Rgb, tolerance: number): Box | null {
  const { width: w, height: h, data } = img;
  if (w < 3 || h < 3) return null;
  const mask = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) mask[p] = channelDistance(data, p * 3, background) > tolerance ? 1 : 0;
  const rows = new Uint32Array(h);
  const cols = new Uint32Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (mask[p] !== 1) continue;
      let neighbours = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= w) continue;
          neighbours += mask[yy * w + xx] ?? 0;
        }
      }
      if (neighbours >= 4) {
        rows[y] = (rows[y] ?? 0) + 1;
        cols[x] = (cols[x] ?? 0) + 1;
      }
    }
  }
  const first = (a: Uint32Array) => a.findIndex((v) => v >= 2);
  const last = (a: Uint32Array) => a.findLastIndex((v) => v >= 2);
  const y0 = first(rows), y1 = last(rows), x0 = first(cols), x1 = last(cols);
  if (y0 < 0 || x0 < 0) return null;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export interface Legibility {
  /** 0–1 combined score (weights below). */
  readonly score: number;
  /** Share of region pixels on a visible edge (Sobel magnitude over 0.4 on 0–1 luma). */
  readonly edgeDensity: number;
  /** RMS contrast: standard deviation of luma (0–1) inside the region. */
  readonly contrast: number;
  /** Mean colour distance (0–1) of the region from the background: does it stand out? */
  readonly separation: number;
}

/**
 * How readable the product is in a search-result thumbnail (`thumb`, ~160 px on its long side).
 * A heuristic, stated as such: 0.4 × edges (saturating at 25% edge pixels) + 0.3 × contrast
 * (saturating at 0.25) + 0.3 × separation (saturating at 0.35), then scaled by how much of the
 * frame the product reaches (a product reaching < 85% of the frame is drawn smaller than it could
 * be): × (0.5 + 0.5 × min(1, reach / 0.85)).
 */
export function legibility(thumb: RgbImage, region: Box | null, background: Rgb, reach: number): Legibility {
  const { width: w, height: h, data } = thumb;
  const r = region ?? { x: 0, y: 0, width: w, height: h };
  const x0 = clampInt(r.x, 0, w - 1), y0 = clampInt(r.y, 0, h - 1);
  const x1 = clampInt(r.x + r.width - 1, x0, w - 1), y1 = clampInt(r.y + r.height - 1, y0, h - 1);
  const L = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) L[p] = luma(data[p * 3] ?? 0, data[p * 3 + 1] ?? 0, data[p * 3 + 2] ?? 0) / 255;
  const at = (x: number, y: number) => L[clampInt(y, 0, h - 1) * w + clampInt(x, 0, w - 1)] ?? 0;
  let n = 0, edges = 0, sum = 0, sum2 = 0, sep = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      if (Math.hypot(gx, gy) > 0.4) edges++;
      const v = at(x, y);
      sum += v;
      sum2 += v * v;
      sep += channelDistance(data, (y * w + x) * 3, background) / 255;
      n++;
    }
  }
  if (n === 0 || w === 0 || h === 0) return { score: 0, edgeDensity: 0, contrast: 0, separation: 0 };
  const edgeDensity = edges / n;
  const mean = sum / n;
  const contrast = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  const separation = sep / n;
  const quality = 0.4 * Math.min(1, edgeDensity / 0.25) + 0.3 * Math.min(1, contrast / 0.25) + 0.3 * Math.min(1, separation / 0.35);
  const size = 0.5 + 0.5 * Math.min(1, Math.max(0, reach) / 0.85);
  return { score: quality * size, edgeDensity, contrast, separation };
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}
