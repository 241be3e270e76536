import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { drawPixels, encodePng } from './raster.ts';

/**
 * The raster thread's entry (started by raster-client.ts): draws one SVG document at a time into
 * a PNG and posts it back. Messages in: `{ id, svg }` (its UTF-8 bytes, transferred); out:
 * `{ id, png }` (a transferred Uint8Array) or `{ id, error }`. Both cross as bytes outside this
 * thread's heap: a 400 KB document received as a string went straight to the old generation of a
 * ~7 MB heap, and every few cards set off a full collection of it (3–7 ms each, `--trace-gc`).
 *
 * resvg keeps its page (1200 × ~2300 RGBA, ~11 MB), its copy handed to JavaScript and the decoded
 * photos in native memory that is freed only when their JavaScript wrappers are collected, and V8
 * does not know their size. Wrapped native objects outlive young-generation collections (V8 keeps
 * what a weak handle points to through a scavenge), so this thread collects its small heap (~7 MB)
 * itself: young after each card, fully after every fourth, and the memory goes back to resvg's
 * allocator on this same thread for the next cards. Measured on the golden cards, 168 in bursts of
 * 28 (resvg's allocator, most resident): ~80 MB with young collections only, ~58 MB with a full
 * one every fourth card, ~33 MB with one after every card; in the bench at 20 runs, a full
 * collection after every card cost ~0.01 s of CPU a run, every fourth ~0.005, and took the peak
 * RSS from ~445 to ~400 MB.
 */

setFlagsFromString('--expose-gc');
/**
 * A full collection by V8 (`gc()` with no argument: `gc(undefined)` is not one), or nothing where
 * it cannot be reached (the memory is then freed by the next ordinary collection).
 */
const gc = ((): ((options?: { type: 'minor' }) => void) | undefined => {
  try {
    return runInNewContext('gc') as (options?: { type: 'minor' }) => void;
  } catch {
    return undefined;
  }
})();
const collect = () => gc?.();
const collectYoung = () => gc?.({ type: 'minor' });

const options = (workerData as { options: ResvgRenderOptions }).options;
const port = parentPort;
if (!port) throw new Error('raster-thread.ts runs as a worker thread');

let cards = 0;
/** A full collection every fourth card, young ones between them (see above). */
const afterCard = () => (++cards % 4 === 0 ? collect() : collectYoung());

port.on('message', (message: { id: number; svg: Uint8Array }) => {
  void draw(message).then(
    (png) => {
      port.postMessage({ id: message.id, png }, [png.buffer]);
      afterCard(); // before the next card arrives: the main thread sends it on this answer
    },
    (error: unknown) => {
      port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
      afterCard();
    },
  );
});

/** The PNG in an ArrayBuffer of its own (sharp's output is native memory and cannot be transferred). */
async function draw({ svg }: { svg: Uint8Array }): Promise<Uint8Array<ArrayBuffer>> {
  const png = await encodePng(drawPixels(Buffer.from(svg.buffer, svg.byteOffset, svg.byteLength), options));
  const out = new Uint8Array(png.length);
  out.set(png);
  return out;
}
