/**
 * Small pure helpers over raw, interleaved 8-bit RGB pixel buffers (what sharp's `.raw()` gives
 * after flattening to sRGB). No I/O; every function is deterministic.
 */

export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type Rgb = readonly [number, number, number];

export function hex([r, g, b]: Rgb): string {
  const h = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** Rec. 601 luma, 0–255. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Largest per-channel difference: how far a pixel is from a reference colour, 0–255. */
export function channelDistance(data: Uint8Array, i: number, ref: Rgb): number {
  return Math.max(Math.abs((data[i] ?? 0) - ref[0]), Math.abs((data[i + 1] ?? 0) - ref[1]), Math.abs((data[i + 2] ?? 0) - ref[2]));
}

/** Median of a 256-bin histogram holding `total` samples. */
export function histogramMedian(hist: Uint32Array, total: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v] ?? 0;
    if (seen * 2 >= total) return v;
  }
  return 255;
}

export interface DominantColour {
  readonly hex: string;
  readonly share: number;
}

/**
 * Top colours by a 512-bin histogram (3 bits per channel); each bin reports the mean colour of
 * its pixels, so the hex is a real colour of the image, not a bin corner.
 */
export function dominantColours(img: RgbImage, top = 3): DominantColour[] {
  const bins = 512;
  const count = new Uint32Array(bins);
  const sum = new Float64Array(bins * 3);
  const { data } = img;
  const n = img.width * img.height;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = data[i] ?? 0, g = data[i + 1] ?? 0, b = data[i + 2] ?? 0;
    const bin = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
    count[bin] = (count[bin] ?? 0) + 1;
    sum[bin * 3] = (sum[bin * 3] ?? 0) + r;
    sum[bin * 3 + 1] = (sum[bin * 3 + 1] ?? 0) + g;
    sum[bin * 3 + 2] = (sum[bin * 3 + 2] ?? 0) + b;
  }
  const order = [...count.keys()].filter((b) => (count[b] ?? 0) > 0).sort((a, b) => (count[b] ?? 0) - (count[a] ?? 0) || a - b);
  return order.slice(0, top).map((b) => {
    const c = count[b] ?? 1;
    return {
      hex: hex([(sum[b * 3] ?? 0) / c, (sum[b * 3 + 1] ?? 0) / c, (sum[b * 3 + 2] ?? 0) / c]),
      share: n === 0 ? 0 : c / n,
    };
  });
}

/**
 * Hasler & Süsstrunk (2003) colourfulness: ~0 for greyscale, ~15 slightly, ~33 moderately,
 * ~59 highly, 80+ extremely colourful.
 */
export function colourfulness(img: RgbImage): number {
  const { data } = img;
  const n = img.width * img.height;
  if (n === 0) return 0;
  let sRg = 0, sYb = 0, sRg2 = 0, sYb2 = 0;
  for (let i = 0; i < n * 3; i += 3) {
    const r = data[i] ?? 0, g = data[i + 1] ?? 0, b = data[i + 2] ?? 0;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg; sYb += yb; sRg2 += rg * rg; sYb2 += yb * yb;
  }
  const mRg = sRg / n, mYb = sYb / n;
  const vRg = Math.max(0, sRg2 / n - mRg * mRg), vYb = Math.max(0, sYb2 / n - mYb * mYb);
  return Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
}

/**
 * dHash: the image as a 9×8 grid of mean luma; each bit says whether a cell is brighter than its
 * right neighbour. 64 bits as 16 hex digits. Robust to scaling and re-encoding, which is what
 * near-duplicate detection in a gallery needs.
 */
export function differenceHash(img: RgbImage): string {
  const cols = 9, rows = 8;
  const cells = new Float64Array(cols * rows);
  for (let cy = 0; cy < rows; cy++) {
    const y0 = Math.min(img.height - 1, Math.floor((cy * img.height) / rows));
    const y1 = Math.max(y0 + 1, Math.floor(((cy + 1) * img.height) / rows));
    for (let cx = 0; cx < cols; cx++) {
      const x0 = Math.min(img.width - 1, Math.floor((cx * img.width) / cols));
      const x1 = Math.max(x0 + 1, Math.floor(((cx + 1) * img.width) / cols));
      let s = 0, k = 0;
      for (let y = y0; y < y1 && y < img.height; y++) {
        for (let x = x0; x < x1 && x < img.width; x++) {
          const i = (y * img.width + x) * 3;
          s += luma(img.data[i] ?? 0, img.data[i + 1] ?? 0, img.data[i + 2] ?? 0);
          k++;
        }
      }
      cells[cy * cols + cx] = k === 0 ? 0 : s / k;
    }
  }
  let out = '';
  let nibble = 0;
  let bits = 0;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols - 1; cx++) {
      nibble = (nibble << 1) | ((cells[cy * cols + cx] ?? 0) > (cells[cy * cols + cx + 1] ?? 0) ? 1 : 0);
      if (++bits === 4) {
        out += nibble.toString(16);
        nibble = 0;
        bits = 0;
      }
    }
  }
  return out;
}

const HEX64 = /^[0-9a-f]{16}$/i;

/** Number of differing bits between two 64-bit hashes given as 16 hex digits. */
export function hammingDistance(a: string, b: string): number {
  if (!HEX64.test(a) || !HEX64.test(b)) throw new RangeError(`expected two 64-bit hex hashes, got "${a}" and "${b}"`);
  let distance = 0;
  for (let i = 0; i < 16; i++) {
    let x = parseInt(a[i] ?? '0', 16) ^ parseInt(b[i] ?? '0', 16);
    while (x !== 0) {
      distance += x & 1;
      x >>= 1;
    }
  }
  return distance;
}
