import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { Worker } from 'node:worker_threads';

/**
 * Scorecards are drawn on one worker thread of their own (raster-thread.ts), one at a time, in the
 * order asked. Measured at 20 runs at once (`npm run bench`, issue 22), against drawing on libuv's
 * thread pool two at a time:
 * - resvg's allocator keeps what each thread it ran on used; on the pool that was four threads'
 *   worth (~115 MB resident at the peak), on one thread it is one card's;
 * - the pages' pixels (~11 MB a card) no longer pass through the main thread's heap, where they
 *   counted as external memory and set off full collections of the service's whole heap;
 * - the main thread never copies a page (~5 ms a card).
 * A card takes ~60 ms, so a burst of 20 finishing together has its last card ~1 s after its
 * verdict; nothing else waits for them.
 *
 * The thread starts on first use and ends after `idleMs` without work (its memory goes with it);
 * it keeps the process alive only while a card is being drawn. A thread that dies fails the cards
 * it was drawing; the cards still waiting go to a new one.
 */
export interface RasterThread {
  /** The SVG document drawn as a PNG. */
  render(svg: string): Promise<Buffer>;
  /** Whether the thread is running now. */
  running(): boolean;
  /** Ends the thread now (cards still waiting fail); a later `render` starts a new one. */
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly svg: string;
  resolve(png: Buffer): void;
  reject(error: Error): void;
}

export function createRasterThread(opts: { readonly options: ResvgRenderOptions; readonly idleMs?: number }): RasterThread {
  const idleMs = opts.idleMs ?? 30_000;
  const waiting: Job[] = [];
  let current: Job | undefined;
  let worker: Worker | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 0;

  const start = (): Worker => {
    const w = new Worker(new URL('./raster-thread.ts', import.meta.url), { workerData: { options: opts.options }, name: 'scorecard raster' });
    w.on('message', (m: { id: number; png?: Uint8Array; error?: string }) => {
      const job = current;
      if (!job || job.id !== m.id) return;
      current = undefined;
      if (m.png) job.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
      else job.reject(new Error(`scorecard not drawn: ${m.error ?? 'unknown error'}`));
      next();
    });
    const died = (error: Error) => {
      if (worker !== w) return;
      worker = undefined;
      const job = current;
      current = undefined;
      job?.reject(error);
      next(); // the cards still waiting go to a new thread
    };
    w.on('error', died);
    w.on('exit', (code) => died(new Error(`the scorecard thread exited (code ${code})`)));
    return w;
  };

  const next = (): void => {
    if (current) return;
    const job = waiting.shift();
    if (!job) {
      worker?.unref();
      clearTimeout(idle);
      idle = setTimeout(() => void close(), idleMs).unref();
      return;
    }
    clearTimeout(idle);
    worker ??= start();
    worker.ref();
    current = job;
    const svg = new TextEncoder().encode(job.svg); // an ArrayBuffer of its own, so it can be transferred
    worker.postMessage({ id: job.id, svg }, [svg.buffer]);
  };

  const close = async (): Promise<void> => {
    clearTimeout(idle);
    const w = worker;
    worker = undefined;
    for (const job of [...(current ? [current] : []), ...waiting.splice(0)]) job.reject(new Error('the scorecard thread was closed'));
    current = undefined;
    await w?.terminate();
  };

  return {
    render: (svg) =>
      new Promise<Buffer>((resolve, reject) => {
        waiting.push({ id: nextId++, svg, resolve, reject });
        next();
      }),
    running: () => worker !== undefined,
    close,
  };
}
