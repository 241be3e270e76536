import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anthropicAutoReply, startAnthropicEmulator } from '../../test/emulators/anthropic.ts';
import { FIXTURES_DIR } from '../../test/emulators/image-host.ts';
import { openAiAutoReply, startOpenAiEmulator } from '../../test/emulators/openai.ts';
import { forModel } from '../acquire/derivatives.ts';
import { createAnthropicProvider } from './anthropic.ts';
import { imageEncodings, withImageBodies } from './image-body.ts';
import { createOpenAiProvider } from './openai.ts';
import type { GenerateRequest, ModelImage } from './provider.ts';

/**
 * Issue 22: an image is base64-encoded once for all the calls in flight that carry it (a stage's
 * two presentation orders, the click and gallery stages' shared main images), not once per call,
 * and the body the SDK sends is the JSON it would have made.
 */

const schema = z.object({ winner: z.enum(['A', 'B', 'tie']), notes: z.array(z.string()) });
const price = { inputPerMillion: 0.4, outputPerMillion: 1.6 };

let openai: Awaited<ReturnType<typeof startOpenAiEmulator>>;
let anthropic: Awaited<ReturnType<typeof startAnthropicEmulator>>;
let images: ModelImage[];

beforeAll(async () => {
  // Both calls of a pair are in flight together, as both orders of a stage are.
  openai = await startOpenAiEmulator({ handler: openAiAutoReply, latencyMs: () => 150 });
  anthropic = await startAnthropicEmulator({ handler: anthropicAutoReply, latencyMs: () => 150 });
  const files = ['abo/B0799CK52K/d80a51d3.jpg', 'abo/B0799CK52K/528c608a.jpg', 'saleor/saleor-sunnies.png'];
  images = await Promise.all(
    files.map(async (file, i) => {
      const d = await forModel(await readFile(`${FIXTURES_DIR}${file}`), { detail: i === 0 ? 'low' : 'high' });
      return { sha256: String(i).repeat(64), mediaType: d.mediaType, data: d.data, detail: i === 0 ? 'low' : 'high', label: `A image ${i + 1}` } as const;
    }),
  );
});
afterAll(() => Promise.all([openai.close(), anthropic.close()]));

/** The same images as another stage (or the other order) holds them: equal bytes in other Buffers. */
const copies = (xs: readonly ModelImage[]) => xs.map((x) => ({ ...x, data: Buffer.from(x.data) }));

const ask = (xs: readonly ModelImage[], prompt: string): GenerateRequest<z.infer<typeof schema>> => ({
  task: 'pdp',
  system: 'You judge Amazon galleries.',
  prompt,
  images: xs,
  schema,
  schemaName: 'pdp_evaluation',
});

describe('image bodies', () => {
  it('both orders of a stage at once: each image encoded once, and each request carries every image as a data URL', async () => {
    const provider = createOpenAiProvider({ apiKey: 'sk-test-image-body-0001', baseURL: openai.url, model: 'gpt-4.1-mini', price, timeoutMs: 10_000, maxRetries: 0 });
    const before = imageEncodings();
    const sent = openai.requests.length;
    // The second order shows the images in the other order, from its own derivatives (equal bytes).
    await Promise.all([provider.generate(ask(images, 'A first')), provider.generate(ask(copies(images).reverse(), 'B first — “quotes” and ünïcode'))]);
    expect(imageEncodings() - before).toBe(images.length);

    const [first, second] = openai.requests.slice(sent);
    const urls = (body: (typeof openai.requests)[number]['body']): string[] =>
      body.messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as { type: string; image_url?: { url: string } }[]) : [])).flatMap((p) => (p.image_url ? [p.image_url.url] : []));
    const expected = images.map((x) => `data:image/jpeg;base64,${x.data.toString('base64')}`);
    expect(urls(first!.body)).toEqual(expected);
    expect(urls(second!.body)).toEqual([...expected].reverse());
    const text = second!.body.messages[1]!.content;
    expect(Array.isArray(text) && text.at(-1)).toEqual({ type: 'text', text: 'B first — “quotes” and ünïcode' });
  });

  it('an image no call holds any more is encoded again (nothing is kept between runs)', async () => {
    const provider = createOpenAiProvider({ apiKey: 'sk-test-image-body-0002', baseURL: openai.url, model: 'gpt-4.1-mini', price, timeoutMs: 10_000, maxRetries: 0 });
    const before = imageEncodings();
    await provider.generate(ask(images.slice(0, 1), 'once'));
    await provider.generate(ask(images.slice(0, 1), 'again'));
    expect(imageEncodings() - before).toBe(2);
  });

  it('another image under the same hash and size is not taken for it', async () => {
    const a = { ...images[0]!, data: Buffer.from('first-bytes') };
    const b = { ...images[0]!, data: Buffer.from('other-bytes') };
    const seen: string[] = [];
    await withImageBodies([a], (bodyA) =>
      withImageBodies([b], async (bodyB) => {
        for (const body of [bodyA, bodyB]) seen.push((JSON.parse(await body((slot) => ({ x: slot(0, 'p:') })).text()) as { x: string }).x);
      }),
    );
    expect(seen).toEqual([`p:${Buffer.from('first-bytes').toString('base64')}`, `p:${Buffer.from('other-bytes').toString('base64')}`]);
  });

  it('a prefix JSON would have to escape is refused, and the images are released all the same', async () => {
    const before = imageEncodings();
    await expect(withImageBodies(images.slice(0, 1), (body) => Promise.resolve(body((slot) => ({ x: slot(0, 'say "hi"') }))))).rejects.toThrow(RangeError);
    await withImageBodies(images.slice(0, 1), (body) => Promise.resolve(body((slot) => ({ x: slot(0) }))));
    expect(imageEncodings() - before).toBe(2); // the first call's image was not left held
  });

  it('Anthropic: the same images as base64 sources, encoded once for calls in flight together', async () => {
    const provider = createAnthropicProvider({ apiKey: 'sk-ant-test-image-body-0001', baseURL: anthropic.url, model: 'claude-test', price, timeoutMs: 10_000, maxRetries: 0 });
    const before = imageEncodings();
    const sent = anthropic.requests.length;
    const answers = await Promise.allSettled([provider.generate(ask(images, 'A first')), provider.generate(ask(copies(images), 'B first'))]);
    expect(imageEncodings() - before).toBe(images.length);
    const [first] = anthropic.requests.slice(sent);
    const content = first!.body.messages[0]!.content as { type: string; source?: { data: string } }[];
    expect(content.filter((c) => c.type === 'image').map((c) => c.source!.data)).toEqual(images.map((x) => x.data.toString('base64')));
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});
