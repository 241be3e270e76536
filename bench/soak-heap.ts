/**
 * `--heap-snapshots DIR` for the soak: a V8 heap snapshot of the service after the first runs and
 * at the end, and what grew between them, by constructor. RSS alone cannot tell a leak from a heap
 * V8 has not collected yet or from native memory the allocator keeps; a snapshot is taken after a
 * full collection, so objects that are more numerous at the end are live — held by something.
 *
 * The service is started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=DIR` and signalled;
 * writing a snapshot stops its event loop for a few seconds, so figures taken around it are not
 * load figures.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const heapSnapshotNodeArgs = (dir: string): string[] => ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${path.resolve(dir)}`];

/** Signals the service and resolves with the new snapshot's path once its size has stopped changing (60 s at most). */
export async function takeHeapSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(await readdir(dir));
  process.kill(pid, 'SIGUSR2');
  let last = -1;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 1_000));
    const made = (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!made) continue;
    const size = (await stat(path.join(dir, made))).size;
    // V8 writes the snapshot as it walks the heap: done once a second passes without growth.
    if (size > 0 && size === last) return path.join(dir, made);
    last = size;
  }
  throw new Error('no heap snapshot within 60 s');
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Objects in a snapshot by "type:name" (constructor name for objects): how many and their own bytes. */
export async function countByConstructor(file: string): Promise<Map<string, { count: number; bytes: number }>> {
  const s = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]!] ?? '?';
    // Strings are named by their content: group them by type alone.
    const name = type === 'object' || type === 'closure' || type === 'native' ? (s.strings[s.nodes[i + iName]!] ?? '?').slice(0, 60) : '';
    const key = `${type}:${name}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count += 1;
    e.bytes += s.nodes[i + iSize]!;
    out.set(key, e);
  }
  return out;
}

/** What grew most between two snapshots, by own bytes: the first places to look for a leak. */
export async function heapGrowth(first: string, last: string, top = 12): Promise<{ total_mb: [number, number]; grew: { what: string; count: [number, number]; kb: [number, number] }[] }> {
  const [a, b] = [await countByConstructor(first), await countByConstructor(last)];
  const mb = (m: Map<string, { bytes: number }>) => Math.round([...m.values()].reduce((s, e) => s + e.bytes, 0) / 2 ** 20);
  const grew = [...b.entries()]
    .map(([what, e]) => ({ what, count: [a.get(what)?.count ?? 0, e.count] as [number, number], kb: [Math.round((a.get(what)?.bytes ?? 0) / 1024), Math.round(e.bytes / 1024)] as [number, number] }))
    .sort((x, y) => y.kb[1] - y.kb[0] - (x.kb[1] - x.kb[0]))
    .slice(0, top);
  return { total_mb: [mb(a), mb(b)], grew };
}
