import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { anthropicImageTokens, imageSize, openAiImageTokens } from './image-tokens.ts';

/** The emulators bill images as the providers document it (image-tokens.ts names the pages). */

describe('image tokens', () => {
  test.each([
    // OpenAI's worked examples: 1024 × 1024 is 1024 patches; 1800 × 2400 is scaled to 1452 patches.
    [1024, 1024, 'gpt-4.1', 1024],
    [1800, 2400, 'gpt-4.1', 1452],
    [1024, 1024, 'gpt-4.1-mini', Math.ceil(1024 * 1.62)],
    [1800, 2400, 'gpt-4.1-mini-2025-04-14', Math.ceil(1452 * 1.62)],
    // What ListingLab sends: a main image at 512 px (low detail), a gallery image within 576 patches.
    [512, 512, 'gpt-4.1-mini', Math.ceil(256 * 1.62)],
    [768, 768, 'gpt-4.1-mini', Math.ceil(576 * 1.62)], // a 1,500-px square gallery image as sent now: 934
    [1440, 406, 'gpt-4.1-mini', Math.ceil(45 * 13 * 1.62)], // partial patches count whole
    // What a 1,500-px gallery image cost when sent at its own size: scaled to 1248 × 1248, 39 × 39 patches.
    [1500, 1500, 'gpt-4.1-mini', Math.ceil(1521 * 1.62)],
    [1500, 1500, 'gpt-4.1-nano', Math.ceil(1521 * 2.46)],
  ])('OpenAI: %i × %i on %s is %i tokens', (width, height, model, expected) => {
    expect(openAiImageTokens({ width, height }, model)).toBe(expected);
  });

  test('Anthropic: width × height / 750, within 1568 px', () => {
    expect(anthropicImageTokens({ width: 1000, height: 1000 })).toBe(1334); // the docs' table: ~1334
    expect(anthropicImageTokens({ width: 3136, height: 3136 })).toBe(anthropicImageTokens({ width: 1568, height: 1568 }));
  });

  test('sizes are read from the JPEG and PNG headers; anything else is the smallest budget', async () => {
    const jpeg = readFileSync(path.join(import.meta.dirname, '../../golden_tests/pairs/duffel-compliance/B/main-badge.jpg'));
    expect(imageSize(jpeg)).toEqual({ width: 1500, height: 1500 });
    const png = await sharp({ create: { width: 37, height: 21, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(imageSize(png)).toEqual({ width: 37, height: 21 });
    expect(imageSize(Buffer.from('png-bytes'))).toBeUndefined();
    expect(openAiImageTokens(undefined, 'gpt-4.1-mini')).toBe(85);
  });
});
