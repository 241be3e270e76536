/**
 * What a process's resident set is made of, by kind of mapping, from /proc/<pid>/smaps — for
 * `npm run bench -- --memory` (issue 22: the peak RSS is mostly anonymous memory, and smaps_rollup
 * alone cannot say whose). Linux only; an empty result elsewhere.
 *
 * The kinds are recognised by shape, not by name (V8 and glibc do not name their mappings):
 * - `wasm`: V8 reserves a WebAssembly memory with its guard regions (~8 GB, `---p`) and makes
 *   read-write what the module has grown to, at its start: tesseract.js's heap in the OCR worker,
 *   which only grows.
 * - `mimalloc`: a read-write anonymous mapping of 1 GB or more — mimalloc's arena (committed
 *   eagerly, resident as touched), the allocator @resvg/resvg-js (Rust) is built with: the
 *   scorecards' pixmaps and the photos drawn into them, until mimalloc purges what was freed.
 * - `arenas`: glibc's per-thread malloc arenas — 64 MB regions aligned to 64 MB (HEAP_MAX_SIZE),
 *   read-write at the start, reserved (---p) after — and `[heap]`, the main arena (brk). What the
 *   threads that malloc small blocks (libvips, tesseract's WebAssembly host, libuv, V8's own
 *   bookkeeping) hold, freed or not.
 * - `stacks`: `[stack]` and read-write mappings of 256 KB–16 MB that follow a one-page guard: the
 *   stacks of threads (libuv's pool, V8's platform workers, libvips, worker threads).
 * - `code_range`: V8's executable (`rwx`/`r-x` anonymous) mappings: JIT code of every isolate.
 * - `anon_other`: the rest of anonymous memory — V8's heap pages (256 KB each, every isolate's),
 *   and malloc's own mappings of blocks over MALLOC_MMAP_THRESHOLD_ (Buffers: images, PNGs).
 * - `files`: mapped files (the node binary, libvips and the other native modules, the ICU data).
 */
import { readFile } from 'node:fs/promises';

interface Mapping {
  readonly start: number;
  readonly end: number;
  readonly perms: string;
  readonly path: string;
  rssKb: number;
}

const MB64 = 64 * 2 ** 20;

/** Parses /proc/<pid>/smaps into mappings with their Rss. */
export function parseSmaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      out.push({ start: parseInt(head[1]!, 16), end: parseInt(head[2]!, 16), perms: head[3]!, path: head[4]!.trim(), rssKb: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = out.at(-1);
    if (rss && last) last.rssKb = Number(rss[1]);
  }
  return out;
}

export type SmapsKind = 'wasm' | 'mimalloc' | 'arenas' | 'stacks' | 'code_range' | 'anon_other' | 'files';

/** Resident MB by kind (see the module comment), and the largest anonymous mappings' Rss. */
export function classify(maps: readonly Mapping[]): { byKind: Record<SmapsKind, number>; largestAnonMb: number[] } {
  const kb: Record<SmapsKind, number> = { wasm: 0, mimalloc: 0, arenas: 0, stacks: 0, code_range: 0, anon_other: 0, files: 0 };
  const anonRss: number[] = [];
  maps.forEach((m, i) => {
    const size = m.end - m.start;
    const prev = maps[i - 1];
    const next = maps[i + 1];
    const anon = m.path === '' || m.path.startsWith('[anon');
    let kind: SmapsKind;
    if (m.path === '[heap]') kind = 'arenas';
    else if (m.path === '[stack]') kind = 'stacks';
    else if (!anon) kind = 'files';
    else if (m.perms.startsWith('rw') && next?.start === m.end && next.perms === '---p' && next.end - next.start >= 2 ** 30) kind = 'wasm';
    else if (m.perms.startsWith('rw') && size >= 2 ** 30) kind = 'mimalloc';
    else if (m.perms.includes('x')) kind = 'code_range';
    else if (m.start % MB64 === 0 && m.perms.startsWith('rw') && (size === MB64 || (next?.start === m.end && next.perms === '---p' && next.end - m.start === MB64))) kind = 'arenas';
    else if (m.perms.startsWith('rw') && prev?.end === m.start && prev.perms === '---p' && prev.end - prev.start === 4096 && size >= 256 * 1024 && size <= 16 * 2 ** 20) kind = 'stacks';
    else kind = 'anon_other';
    kb[kind] += m.rssKb;
    if (anon && m.rssKb > 0) anonRss.push(m.rssKb);
  });
  const byKind = Object.fromEntries(Object.entries(kb).map(([k, v]) => [k, Math.round(v / 1024)])) as Record<SmapsKind, number>;
  return { byKind, largestAnonMb: anonRss.sort((a, b) => b - a).slice(0, 8).map((v) => Math.round(v / 1024)) };
}

/** Threads of the process by name (/proc/<pid>/task/*\/comm): which helper threads are alive. */
export async function threadNames(pid: number, readdir: (p: string) => Promise<string[]>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const name = (await readFile(`/proc/${pid}/task/${task}/comm`, 'utf8').catch(() => '?')).trim();
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** Resident MB of the process by kind of mapping (`smaps_<kind>_mb`), for the bench's memory report. */
export async function smapsBreakdown(pid: number): Promise<Record<string, number>> {
  const text = await readFile(`/proc/${pid}/smaps`, 'utf8').catch(() => '');
  if (!text) return {};
  const { byKind } = classify(parseSmaps(text));
  return Object.fromEntries(Object.entries(byKind).map(([k, v]) => [`map_${k}_mb`, v]));
}
