import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../test/emulators/image-host.ts';
import { MODEL_LONG_SIDE, MODEL_LOW_DETAIL_LONG_SIDE, flattenOnWhite, forModel, thumbnail } from './derivatives.ts';
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

describe('forModel', () => {
  it('brings a 2160 px image down to a 1568 px long side, as JPEG', async () => {
    const model = await forModel(await fixture('saleor/saleor-sunnies.png'));
    expect(model.mediaType).toBe('image/jpeg');
    expect(Math.max(model.width, model.height)).toBe(MODEL_LONG_SIDE);
    expect((await sharp(model.data).metadata()).format).toBe('jpeg');
  });

  it('keeps the aspect ratio of a wide banner and never enlarges a small image', async () => {
    const banner = await forModel(await fixture('saleor/apparel.jpg')); // 1950×550
    expect(banner.width).toBe(MODEL_LONG_SIDE);
    expect(Math.abs(banner.height - Math.round((550 * MODEL_LONG_SIDE) / 1950))).toBeLessThanOrEqual(1);
    const small = await forModel(await fixture('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg'));
    const meta = await sharp(await fixture('grocery/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg')).metadata();
    expect([small.width, small.height]).toEqual([meta.width, meta.height]);
  });

  it('sends a low-detail look at 512 px, the size the model sees it at', async () => {
    const bytes = await fixture('saleor/saleor-sunnies.png');
    const [low, high] = await Promise.all([forModel(bytes, { detail: 'low' }), forModel(bytes, { detail: 'high' })]);
    expect(Math.max(low.width, low.height)).toBe(MODEL_LOW_DETAIL_LONG_SIDE);
    expect(Math.max(high.width, high.height)).toBe(MODEL_LONG_SIDE);
    expect(low.data.length).toBeLessThan(high.data.length / 4);
  });

  it('is a pure function of the bytes', async () => {
    const bytes = await fixture('abo/B0799CK52K/d80a51d3.jpg');
    const [a, b] = await Promise.all([forModel(bytes), forModel(bytes)]);
    expect(a.data.equals(b.data)).toBe(true);
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
