import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeEach, expect, test } from 'vitest';
import { FIXTURES_DIR } from '../../test/emulators/image-host.ts';
import { embed, forgetEmbedded, type LoadImage } from './images.ts';

/**
 * A photo drawn in scorecards is read and resized once per size while it is recent: the same
 * content hash and box give the same image without reading the store again; another box, or an
 * image that could not be read, is read again.
 */

const photo = readFileSync(path.join(FIXTURES_DIR, 'grocery/Oatly-Oat-Milk', 'Oatly-Oat-Milk_Iconic.jpg'));
let reads = 0;
const load: LoadImage = async (sha) => {
  reads++;
  return sha === 'missing' ? undefined : photo;
};

beforeEach(() => {
  forgetEmbedded();
  reads = 0;
});

test('the same photo in the same box is read and resized once', async () => {
  const first = await embed(load, 'sha-a', 400);
  const again = await embed(load, 'sha-a', 400);
  expect(reads).toBe(1);
  expect(again).toBe(first);
  const meta = await sharp(Buffer.from(first!.href.split(',')[1]!, 'base64')).metadata();
  expect(Math.max(meta.width, meta.height)).toBe(400);
  expect([meta.width, meta.height]).toEqual([first!.width, first!.height]);
});

test('another box is made from the stored photo again', async () => {
  await embed(load, 'sha-a', 400);
  const small = await embed(load, 'sha-a', 120);
  expect(reads).toBe(2);
  expect(Math.max(small!.width, small!.height)).toBe(120);
});

test('an image that could not be read is not remembered', async () => {
  expect(await embed(load, 'missing', 400)).toBeUndefined();
  expect(await embed(load, 'missing', 400)).toBeUndefined();
  expect(reads).toBe(2);
});

test('what is remembered is bounded: the least recently used photos go first', async () => {
  const one = await embed(load, 'sha-0', 1000);
  const size = one!.href.length;
  // Enough distinct photos to pass the bound (8 M characters) twice over.
  const n = Math.ceil((16 * 1024 * 1024) / size);
  for (let i = 1; i < n; i++) await embed(load, `sha-${i}`, 1000);
  const before = reads;
  await embed(load, `sha-${n - 1}`, 1000); // recent: still there
  expect(reads).toBe(before);
  await embed(load, 'sha-0', 1000); // the oldest: gone
  expect(reads).toBe(before + 1);
}, 60_000);
