/**
 * The outside world the bench's service talks to — the image host, Apify and the OpenAI model
 * emulator — on a thread of its own. Real providers parse our multi-megabyte vision requests on
 * their own machines; run on the service's event loop, that parsing would be billed to the
 * service's latency and CPU figures. Posts `{ ready, … }` once listening, then one
 * `{ given: { run, stage, ms } }` per model call (the latency it chose for that call).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { startApifyEmulator } from '../test/emulators/apify.ts';
import { axessoItem, SAMPLE_ASINS } from '../test/emulators/axesso-items.ts';
import { startImageHost } from '../test/emulators/image-host.ts';
import { autoAnswer, startOpenAiEmulator } from '../test/emulators/openai.ts';

export interface ProvidersThreadInput {
  /** Model latency divisor. */
  readonly scale: number;
  /** Bench runs to serve listings for: `benchAsin(k, 0|1)` for each k. */
  readonly runs: readonly number[];
}

export type ProvidersThreadMessage =
  | { readonly ready: { readonly imageHost: string; readonly apifyUrl: string; readonly openaiUrl: string } }
  | { readonly given: { readonly run: string; readonly stage: string; readonly ms: number } };

/** The ASIN pair of bench run k (side 0 = A, 1 = B). */
export const benchAsin = (k: number, side: number): string => `B0BN${String(k * 2 + side).padStart(6, '0')}`;

const RUN_MARKER = /bench-run-(\d+)/;

/**
 * Starts this file on a thread; resolves once its emulators listen. `onGiven` hears the latency
 * the model emulator chose for each call (by the run marker in the prompt and the stage).
 */
export async function startProvidersThread(input: ProvidersThreadInput, onGiven: (given: { run: string; stage: string; ms: number }) => void) {
  const worker = new Worker(new URL(import.meta.url), { workerData: input });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const ready = await new Promise<{ imageHost: string; apifyUrl: string; openaiUrl: string }>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: ProvidersThreadMessage) => {
      if ('ready' in m) resolve(m.ready);
      else onGiven(m.given);
    });
  });
  return {
    ...ready,
    close: async () => {
      worker.postMessage('close');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
      await worker.terminate();
    },
  };
}

if (parentPort) {
  const port = parentPort;
  const input = workerData as ProvidersThreadInput;
  // Deterministic spread (a seeded LCG), so two bench runs give the emulator the same latencies.
  let seed = 42;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const stageOf = (name: string | undefined) => (name ?? '').replace(/_evaluation$/, '').replace('buyer_personas', 'avatars');

  const images = await startImageHost();
  const apify = await startApifyEmulator();
  const openai = await startOpenAiEmulator({
    record: false,
    handler: (req) => ({ kind: 'json', body: autoAnswer((req.body.response_format as { json_schema?: { schema?: unknown } }).json_schema?.schema) }),
    latencyMs: (req) => {
      const format = req.body.response_format as { json_schema?: { name?: string } } | undefined;
      // The run marker is in the listing's title (text parts); images are data URLs.
      let run: string | undefined;
      let vision = false;
      for (const message of req.body.messages) {
        const parts = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content ?? []);
        for (const part of parts) {
          if (part.type === 'image_url') vision = true;
          else if (part.type === 'text') run ??= RUN_MARKER.exec(part.text)?.[1];
        }
      }
      const ms = (vision ? between(4_000, 15_000) : between(2_000, 6_000)) / input.scale;
      if (run) port.postMessage({ given: { run, stage: stageOf(format?.json_schema?.name), ms } } satisfies ProvidersThreadMessage);
      return ms;
    },
  });
  for (const k of input.runs) {
    for (const side of [0, 1]) {
      const sample = SAMPLE_ASINS[(k + side) % SAMPLE_ASINS.length]!;
      const asin = benchAsin(k, side);
      apify.setItem(asin, axessoItem(sample, images.url, { asin, url: `https://www.amazon.com/dp/${asin}`, productTitle: `Bench listing ${side ? 'B' : 'A'} bench-run-${k}` }));
    }
  }
  port.on('message', (m: 'close') => {
    if (m === 'close') void Promise.all([images.close(), apify.close(), openai.close()]).then(() => port.close());
  });
  port.postMessage({ ready: { imageHost: images.host, apifyUrl: apify.url, openaiUrl: openai.url } } satisfies ProvidersThreadMessage);
}
