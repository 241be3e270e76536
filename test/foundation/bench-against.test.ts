import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { flatten, mean } from '../../bench/against.ts';
import { runNode } from '../support/processes.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run bench -- --against <ref>', () => {
  test('figures are flattened to dotted names and averaged over the rounds that reported them', () => {
    expect(flatten({ runs: 3, ack_ms: { p50: 5, p99: 9 }, note: 'x', missing: null })).toEqual({ runs: 3, 'ack_ms.p50': 5, 'ack_ms.p99': 9 });
    // An older build that lacks a figure is averaged over the rounds that have it.
    expect(mean([{ a: 1, b: 4 }, { a: 3 }])).toEqual({ a: 2, b: 4 });
  });

  test('a ref that is not a commit is refused before anything is built', async () => {
    const ran = await runNode(['bench/main.ts', '--against', 'no-such-ref-anywhere'], { cwd: root, env: {} });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/no-such-ref-anywhere is not a commit of this repository/);
    const bare = await runNode(['bench/main.ts', '--against'], { cwd: root, env: {} });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Usage: npm run bench -- --against <git-ref>/);
  });
});
