import sharp from 'sharp';
import { afterEach, expect, test } from 'vitest';
import { createRasterThread, type RasterThread } from './raster-client.ts';
import { RESVG_OPTIONS } from './render.ts';

const page = (colour: string, height = 120) => `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="${height}"><rect x="10" y="10" width="100" height="50" fill="${colour}"/></svg>`;
let thread: RasterThread | undefined;
afterEach(async () => thread?.close());

test('draws cards one after another on its thread, each answer to its own document', async () => {
  thread = createRasterThread({ options: RESVG_OPTIONS });
  expect(thread.running()).toBe(false);
  const heights = [100, 140, 180, 220, 260];
  const pngs = await Promise.all(heights.map((h) => thread!.render(page('#1a7f37', h))));
  expect(thread.running()).toBe(true);
  for (const [i, png] of pngs.entries()) {
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([300, heights[i], 3]);
    expect([...data.subarray((20 * 300 + 20) * 3, (20 * 300 + 20) * 3 + 3)]).toEqual([0x1a, 0x7f, 0x37]); // inside the rect
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]); // the background
  }
});

test('a document resvg cannot read fails its card only; the next is drawn', async () => {
  thread = createRasterThread({ options: RESVG_OPTIONS });
  const [bad, good] = await Promise.allSettled([thread.render('<svg'), thread.render(page('#000000'))]);
  expect(bad.status === 'rejected' && String(bad.reason)).toMatch(/scorecard not drawn/);
  expect(good.status).toBe('fulfilled');
});

test('ends its thread after idleMs without work, and starts a new one for the next card', async () => {
  thread = createRasterThread({ options: RESVG_OPTIONS, idleMs: 200 });
  await thread.render(page('#000000'));
  expect(thread.running()).toBe(true);
  await new Promise((r) => setTimeout(r, 500));
  expect(thread.running()).toBe(false);
  expect((await thread.render(page('#000000'))).subarray(1, 4).toString()).toBe('PNG');
});

test('close() fails the cards still waiting and ends the thread', async () => {
  thread = createRasterThread({ options: RESVG_OPTIONS });
  const cards = Promise.allSettled([thread.render(page('#000000')), thread.render(page('#000000'))]);
  await thread.close();
  for (const card of await cards) expect(card.status).toBe('rejected');
  expect(thread.running()).toBe(false);
});
