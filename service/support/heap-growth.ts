import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived its last full collection before it
 * collects again: 1.5 × here. V8 picks the factor itself from how fast it collects against how
 * fast the program allocates, and for this service it picked ~1.1: the live heap is ~53 MB
 * (mostly the loaded modules), and what a comparison holds across its model calls (4–15 s) is
 * promoted, then dies, so at 20 runs at once it marked those ~53 MB again every ~5 MB promoted —
 * 0.65 full collections per run, most of the GC threads' CPU. At 1.5 ×: 0.45 per run and
 * ~0.02 CPU-seconds less per run, peak RSS unchanged (bench, issue 22; 2 × gave 0.25 per run and
 * no further CPU gain). A flag on the command line (`node --heap-growing-percent=N`) wins.
 *
 * V8 reads the flag each time it sets the next limit, so setting it when the command starts
 * (service/main/cli.ts) applies from the next full collection on.
 */
export const HEAP_GROWING_PERCENT = 50;

export function setHeapGrowth(): void {
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
