import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { drawPixels, encodePng } from '../bots/scorecard/raster.ts';
import { RESVG_OPTIONS } from '../bots/scorecard/render.ts';

/**
 * CPU per scorecard, split into resvg drawing (parse + draw + the pixels' copy) and PNG encoding,
 * on the SVG documents the scorecard test writes (golden comparisons, a tie, hostile text, a
 * draft):
 *
 *   npm run test:unit -- bots/scorecard/scorecard.test.ts
 *   MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 npm exec -- node bench/scorecard-cpu.ts [--runs 20] [--dir <svgs>]
 *
 * (the Dockerfile's allocator settings: every page-sized buffer is a fresh mapping, so its page
 * faults count as they do in the service). Process CPU (`process.cpuUsage`: every thread, so the
 * libuv pool where sharp encodes counts too; resvg draws on the calling thread, as it does on the
 * service's raster thread), each phase awaited alone, medians over the runs. Building the SVG itself (JavaScript) is ~2 ms a card and not counted here.
 */

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, dir: { type: 'string', default: path.join(os.tmpdir(), 'listinglab-scorecards') } } });
const runs = Number(values.runs);
const files = readdirSync(values.dir).filter((f) => f.endsWith('.svg')).sort();
if (files.length === 0) throw new Error(`no .svg in ${values.dir}: run the scorecard test first`);
const svgs = files.map((f) => readFileSync(path.join(values.dir, f), 'utf8'));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

const draw: number[] = [];
const encode: number[] = [];
let bytes = 0;
for (let run = -1; run < runs; run++) {
  for (const svg of svgs) {
    const t0 = cpuMs();
    const pixels = drawPixels(svg, RESVG_OPTIONS);
    const t1 = cpuMs();
    const png = await encodePng(pixels);
    const t2 = cpuMs();
    if (run < 0) continue; // the first pass warms up (code, allocator, thread pool)
    draw.push(t1 - t0);
    encode.push(t2 - t1);
    bytes += png.length;
  }
}
const d = median(draw);
const e = median(encode);
process.stdout.write(
  `${files.length} scorecards × ${runs} runs: CPU per card (median) draw ${d.toFixed(1)} ms + PNG ${e.toFixed(1)} ms = ${(d + e).toFixed(1)} ms; PNG ${(bytes / draw.length / 1024).toFixed(0)} KB on average\n`,
);
