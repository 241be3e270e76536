import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cycles, importGraph } from '../support/module-graph.ts';

/**
 * The house rules, enforced: no import circles (type-only imports count — they still tie two files
 * together), no import that runs up the layer order, service/app's capability folders reached only
 * through their entry files, and no source file over 300 lines.
 *
 * Layer order (a file may import its own layer or any lower one):
 *   0 service/domain, service/config, service/support, service/logger.ts, service/logging
 *   1 service/db, service/providers, service/acquire
 *   2 service/stages, service/jobs
 *   3 service/app
 *   4 service/http, bots
 *   5 service/main
 */

const root = path.resolve(import.meta.dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'service', 'bots', 'bench', 'golden_tests'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f.endsWith('.ts'));
const sources = tracked.filter((f) => !f.endsWith('.test.ts'));

const LAYERS: readonly (readonly [number, RegExp])[] = [
  [0, /^service\/(domain|config|support|logging)\/|^service\/logger\.ts$/],
  [1, /^service\/(db|providers|acquire)\//],
  [2, /^service\/(stages|jobs)\//],
  [3, /^service\/app\//],
  [4, /^service\/http\/|^bots\//],
  [5, /^service\/main\//],
];

export function layerOf(file: string): number | undefined {
  return LAYERS.find(([, re]) => re.test(file))?.[0];
}

/** Imports that reach into another service/app folder past its index.ts. */
function entryViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const folderOf = (f: string) => /^service\/app\/([^/]+)\//.exec(f)?.[1];
  return [...graph].flatMap(([from, targets]) =>
    targets.filter((to) => folderOf(to) !== undefined && folderOf(to) !== folderOf(from) && !to.endsWith('/index.ts')).map((to) => `${from} → ${to}`),
  );
}

describe('dependency rules', () => {
  const graph = importGraph(root, sources.filter((f) => f.startsWith('service/') || f.startsWith('bots/')));

  test('no import circles in service/ and bots/', () => {
    expect(cycles(graph).map((c) => c.join(' ↔ '))).toEqual([]);
  });

  test('no import runs up the layer order', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets.filter((to) => (layerOf(to) ?? -1) > (layerOf(from) ?? Infinity)).map((to) => `${from} → ${to}`),
    );
    expect(upward).toEqual([]);
  });

  test('every source file belongs to a layer', () => {
    expect(sources.filter((f) => (f.startsWith('service/') || f.startsWith('bots/')) && layerOf(f) === undefined)).toEqual([]);
  });

  test('outside a service/app capability folder, only its entry (index.ts) is imported', () => {
    expect(entryViolations(graph)).toEqual([]);
  });

  test('service/app holds capability folders and the AppServices facade, no loose use-cases', () => {
    const loose = sources.filter((f) => /^service\/app\/[^/]+\.ts$/.test(f) && f !== 'service/app/services.ts');
    expect(loose).toEqual([]);
  });

  test('no source file over 300 lines', () => {
    const long = sources
      .map((f) => [f, readFileSync(path.join(root, f), 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 300)
      .map(([f, lines]) => `${f}: ${lines}`);
    expect(long).toEqual([]);
  });

  test('the checks notice what they are for', () => {
    const planted = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(cycles(planted)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    expect(layerOf('service/stages/analyze.ts')).toBeLessThan(layerOf('service/app/services.ts')!);
    expect(entryViolations(new Map([['bots/a.ts', ['service/app/credits/checkout.ts', 'service/app/credits/index.ts']]]))).toEqual(['bots/a.ts → service/app/credits/checkout.ts']);
    expect(layerOf('bots/slack/render.ts')).toBe(4);
  });
});
