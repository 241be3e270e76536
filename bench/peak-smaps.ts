/**
 * `npm exec -- node bench/peak-smaps.ts [--out DIR (default $TMPDIR/listinglab-peak-smaps)] [--every-ms 100]`,
 * started next to a bench
 * (`flock /tmp/bench.lock sh -c 'npm exec -- node bench/peak-smaps.ts & npm run bench -- …'`):
 * waits for the `listinglab serve` child of this checkout, then until it exits keeps its
 * /proc/<pid>/smaps at the highest RSS seen (DIR/peak.smaps) and prints what that RSS is made of
 * (bench/smaps-breakdown.ts) with the threads alive, and a line every 2 s of the whole life.
 *
 * Why beside `--memory`: the bench's VmHWM covers the warm-up too, and the highest RSS is often
 * there — where a burst of new images is OCR'd while the warm-up runs' scorecards are drawn —
 * while `--memory` samples the measured runs only (issue 22).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { classify, parseSmaps } from './smaps-breakdown.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(tmpdir(), 'listinglab-peak-smaps') }, 'every-ms': { type: 'string', default: '100' } } });
const out = path.resolve(values.out);
const everyMs = Number(values['every-ms']);
const entry = path.resolve(import.meta.dirname, '..', 'bin', 'listinglab.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (p: string) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

function findService(): string | undefined {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .find((d) => {
      const args = read(`/proc/${d}/cmdline`)?.split('\0') ?? [];
      return args.includes(entry) && args.includes('serve');
    });
}

function threads(pid: string): Record<string, number> {
  const names: Record<string, number> = {};
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const name = read(`/proc/${pid}/task/${t}/comm`)?.trim() ?? '?';
    names[name] = (names[name] ?? 0) + 1;
  }
  return names;
}

let pid: string | undefined;
for (const giveUp = Date.now() + 15 * 60_000; !(pid = findService()); await sleep(200)) {
  if (Date.now() > giveUp) throw new Error(`no ${entry} serve process within 15 min`);
}
mkdirSync(out, { recursive: true });
// Seconds since the service started: /proc/<pid>/stat's starttime (field 22, in USER_HZ ticks since boot) against /proc/uptime.
const stat = read(`/proc/${pid}/stat`) ?? '';
const startedAtS = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) / 100;
const t0 = Date.now() - (Number(read('/proc/uptime')?.split(' ')[0]) - startedAtS) * 1000;
const at = () => ((Date.now() - t0) / 1000).toFixed(1);
let peak: { at: string; rssMb: number; byKind: Record<string, number>; threads: Record<string, number> } | undefined;
for (let tick = 0; ; tick++) {
  const status = read(`/proc/${pid}/status`);
  if (status === undefined) break;
  const rssMb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  const every2s = tick % Math.max(1, Math.round(2000 / everyMs)) === 0;
  if (rssMb > (peak?.rssMb ?? 0) + 1 || every2s) {
    const smaps = read(`/proc/${pid}/smaps`);
    if (smaps === undefined) break;
    const { byKind } = classify(parseSmaps(smaps));
    const alive = threads(pid);
    if (every2s) process.stdout.write(`+${at()} s RSS ${Math.round(rssMb)} MB ${JSON.stringify(byKind)} ocr worker ${alive['WorkerThread'] ?? 0}\n`);
    if (rssMb > (peak?.rssMb ?? 0) + 1) {
      peak = { at: at(), rssMb: Math.round(rssMb), byKind, threads: alive };
      writeFileSync(path.join(out, 'peak.smaps'), smaps);
    }
  }
  await sleep(everyMs);
}
process.stdout.write(`highest RSS ${peak?.rssMb} MB at +${peak?.at} s (from the service's start): ${JSON.stringify(peak?.byKind)}, threads ${JSON.stringify(peak?.threads)}; its smaps in ${path.join(out, 'peak.smaps')}\n`);
