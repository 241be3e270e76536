import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { drawPixels, encodePng } from './raster.ts';

/**
 * The raster thread's entry (started by raster-client.ts): draws one SVG document at a time into
 * a PNG and posts it back. Messages in: `{ id, svg }`; out: `{ id, png }` (a transferred
 * Uint8Array) or `{ id, error }`.
 *
 * resvg keeps its page (1200 × ~2300 RGBA, ~11 MB), its copy handed to JavaScript and the decoded
 * photos in native memory that is freed only when their JavaScript wrappers are collected, and V8
 * does not know their size — so after each card this thread runs a young-generation collection
 * (a fraction of a millisecond on its small heap): the wrappers are still young, the memory goes
 * back to resvg's allocator on this same thread, and the next card reuses it.
 */

setFlagsFromString('--expose-gc');
/** V8's collector, or nothing where it cannot be reached (the memory is then freed by the next ordinary collection). */
const collect = ((): ((options: { type: 'minor' }) => void) => {
  try {
    return runInNewContext('gc') as (options: { type: 'minor' }) => void;
  } catch {
    return () => undefined;
  }
})();
// libvips' operation cache only holds memory here: no operation repeats (native-memory.ts).
sharp.cache(false);

const options = (workerData as { options: ResvgRenderOptions }).options;
const port = parentPort;
if (!port) throw new Error('raster-thread.ts runs as a worker thread');

port.on('message', (message: { id: number; svg: string }) => {
  void draw(message).then(
    (png) => {
      collect({ type: 'minor' });
      port.postMessage({ id: message.id, png }, [png.buffer]);
    },
    (error: unknown) => {
      collect({ type: 'minor' });
      port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    },
  );
});

/** The PNG in an ArrayBuffer of its own (sharp's output is native memory and cannot be transferred). */
async function draw({ svg }: { svg: string }): Promise<Uint8Array<ArrayBuffer>> {
  const png = await encodePng(drawPixels(svg, options));
  const out = new Uint8Array(png.length);
  out.set(png);
  return out;
}
