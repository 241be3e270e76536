import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../test/emulators/image-host.ts';
import { MODEL_HIGH_DETAIL_PATCHES, MODEL_LONG_SIDE, MODEL_LOW_DETAIL_LONG_SIDE, MODEL_PATCH, flattenOnWhite, forModel, thumbnail, withinPatches } from './derivatives.ts';
import type { RawRgb } from './derivatives.ts';

const fixture = (path: string) => readFile(`${FIXTURES_DIR}${path}`);

/** The transparent cutouts, one per PNG mode that a naive flatten gets wrong. */
const TRANSPARENT_PNGS = [
  ['saleor/saleor-apple-drink.png', 'RGBA'],
  ['saleor/saleor-dash-tee-back.png', 'LA (grey + alpha)'],
  ['saleor/saleor-white-parrot-cushion.png', 'palette + tRNS'],
] as const;

function corners(image: RawRgb): number[][] {
  const at = (x: number, y: number) => {
    const i = (y * image.width + x) * 3;
    return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
  };
  return [at(0, 0), at(image.width - 1, 0), at(0, image.height - 1), at(image.width - 1, image.height - 1)];
}

describe('derivatives of transparent PNGs', () => {
  it.each(TRANSPARENT_PNGS)('%s (%s): flattened onto white', async (file) => {
    const bytes = await fixture(file);
    const meta = await sharp(bytes).metadata();
    expect(meta.hasAlpha).toBe(true);

    const raw = await flattenOnWhite(bytes);
    expect(raw.data.length).toBe(raw.width * raw.height * 3);
    for (const pixel of corners(raw)) for (const channel of pixel) expect(channel).toBeGreaterThanOrEqual(250);

    // The model derivative (JPEG) shows white corners too.
    const model = await forModel(bytes);
    expect(Math.max(model.width, model.height)).toBeLessThanOrEqual(MODEL_LONG_SIDE);
    const decoded = await flattenOnWhite(model.data);
    for (const pixel of corners(decoded)) for (const channel of pixel) expect(channel).toBeGreaterThanOrEqual(250);
  });

  it('the product itself is kept (the centre is not flattened away)', async () => {
    const raw = await flattenOnWhite(await fixture('saleor/saleor-apple-drink.png'), { maxSide: 200 });
    expect(Math.max(raw.width, raw.height)).toBe(200);
    let dark = 0;
    for (let i = 0; i < raw.data.length; i += 3) if (raw.data[i]! + raw.data[i + 1]! + raw.data[i + 2]! < 600) dark++;
    expect(dark).toBeGreaterThan(raw.width * raw.height * 0.05);
  });
});

/** What gpt-4.1-mini bills an image as: the 32-px patches covering it. */
const patches = (d: { width: number; height: number }) => Math.ceil(d.width / MODEL_PATCH) * Math.ceil(d.height / MODEL_PATCH);

describe('forModel', () => {
  it('brings a 2160 px square down to 768 × 768 (576 patches, 934 gpt-4.1-mini tokens), as JPEG', async () => {
    const model = await forModel(await fixture('saleor/saleor-sunnies.png'));
    expect(model.mediaType).toBe('image/jpeg');
    expect([model.width, model.height]).toEqual([768, 768]);
    expect(patches(model)).toBe(MODEL_HIGH_DETAIL_PATCHES);
    expect((await sharp(model.data).metadata()).format).toBe('jpeg');
  });

  it('gives a wide banner the same patch budget (a longer side than a square gets), keeping its aspect ratio', async () => {
    const banner = await forModel(await fixture('saleor/apparel.jpg')); // 1950×550
    expect(patches(banner)).toBeLessThanOrEqual(MODEL_HIGH_DETAIL_PATCHES);
    expect(patches(banner)).toBeGreaterThan(MODEL_HIGH_DETAIL_PATCHES * 0.9);
    expect(banner.width).toBeGreaterThan(1_300);
    expect(Math.abs(banner.height - (550 * banner.width) / 1950)).toBeLessThanOrEqual(1);
  });

  it('never enlarges an image already within the budget', async () => {
    const bytes = await fixture('abo/B07GTFSCHB/31afd5f5.jpg'); // 1024×378: 32 × 12 = 384 patches
    const model = await forModel(bytes);
    expect([model.width, model.height]).toEqual([1024, 378]);
    const small = await forModel(await fixture('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg'));
    const meta = await sharp(await fixture('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg')).metadata();
    expect(patches(small)).toBeLessThanOrEqual(MODEL_HIGH_DETAIL_PATCHES);
    if (patches(meta) <= MODEL_HIGH_DETAIL_PATCHES) expect([small.width, small.height]).toEqual([meta.width, meta.height]);
  });

  it('sends a low-detail look at 512 px, the size the model sees it at', async () => {
    const bytes = await fixture('saleor/saleor-sunnies.png');
    const [low, high] = await Promise.all([forModel(bytes, { detail: 'low' }), forModel(bytes, { detail: 'high' })]);
    expect(Math.max(low.width, low.height)).toBe(MODEL_LOW_DETAIL_LONG_SIDE);
    expect(Math.max(high.width, high.height)).toBe(768);
    expect(low.data.length).toBeLessThan(high.data.length);
  });

  it('is a pure function of the bytes', async () => {
    const bytes = await fixture('abo/B0799CK52K/d80a51d3.jpg');
    const a = await forModel(bytes);
    const b = await forModel(Buffer.from(bytes));
    expect(a).not.toBe(b); // nothing is kept once made: the caller caches
    expect(a.data.equals(b.data)).toBe(true);
  });

  it('calls in flight for the same bytes and detail share one resize (both orders of a stage ask at once)', async () => {
    const bytes = await fixture('abo/B0799CK52K/d80a51d3.jpg');
    const [a, b, low, other] = await Promise.all([
      forModel(bytes, { detail: 'high' }),
      forModel(Buffer.from(bytes), { detail: 'high' }),
      forModel(bytes, { detail: 'low' }),
      forModel(await fixture('abo/B0799CK52K/528c608a.jpg'), { detail: 'high' }),
    ]);
    expect(b).toBe(a);
    expect(low).not.toBe(a);
    expect(Math.max(low.width, low.height)).toBe(MODEL_LOW_DETAIL_LONG_SIDE);
    expect(other.data.equals(a.data)).toBe(false);
  });
});

describe('withinPatches', () => {
  const sizes = [[1500, 1500], [2000, 2000], [1000, 1000], [1950, 550], [550, 1950], [1024, 923], [783, 1024], [3000, 300], [100, 8000], [769, 769], [1, 1], [4000, 3000]] as const;
  it.each(sizes)('%i × %i: within the budget and the long side, never enlarged, as large as fits', (width, height) => {
    const box = withinPatches({ width, height }, MODEL_HIGH_DETAIL_PATCHES);
    expect(patches(box)).toBeLessThanOrEqual(MODEL_HIGH_DETAIL_PATCHES);
    expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(MODEL_LONG_SIDE);
    expect(box.width).toBeLessThanOrEqual(width);
    expect(box.height).toBeLessThanOrEqual(height);
    expect(Math.abs(box.width / box.height - width / height)).toBeLessThanOrEqual((width / height) * 0.02 + 1 / box.height);
    // As large as fits: 3 % more on each side would exceed the budget or the long side, unless it is the image's own size.
    const bigger = { width: Math.ceil(box.width * 1.03), height: Math.ceil(box.height * 1.03) };
    const atOwnSize = box.width === width && box.height === height;
    expect(atOwnSize || patches(bigger) > MODEL_HIGH_DETAIL_PATCHES || Math.max(bigger.width, bigger.height) > MODEL_LONG_SIDE).toBe(true);
  });

  it('a 1,500-px square gallery image is 768 × 768: 576 patches where at 1568 px it was 1521', () => {
    expect(withinPatches({ width: 1500, height: 1500 }, MODEL_HIGH_DETAIL_PATCHES)).toEqual({ width: 768, height: 768 });
  });
});

describe('thumbnail', () => {
  it.each([160, 320])('%i px long side, flattened on white', async (size) => {
    const thumb = await thumbnail(await fixture('saleor/saleor-white-parrot-cushion.png'), size);
    expect(Math.max(thumb.width, thumb.height)).toBe(size);
    const raw = await flattenOnWhite(thumb.data);
    for (const pixel of corners(raw)) for (const channel of pixel) expect(channel).toBeGreaterThanOrEqual(250);
  });

  it('rejects a nonsensical size', async () => {
    await expect(thumbnail(Buffer.alloc(0), 0)).rejects.toThrow(RangeError);
  });
});
