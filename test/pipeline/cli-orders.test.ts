import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { runStages } from '../../service/db/schema.ts';
import { listingMerit, requestedSchema, startOpenAiEmulator } from '../emulators/openai.ts';
import { useTestDatabase } from '../db.ts';
import { runNode, type Ran } from '../support/processes.ts';

/**
 * Issue 19 as a seller meets it: `listinglab compare X Y --json --fresh` and `compare Y X`, run as
 * a script runs them, against an OpenAI-compatible server whose model always favours the listing
 * it is shown first. The winner follows the listings, not the order they were given in.
 */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const pair = path.join(pairs, 'cushion-cutout-vs-banner');
const tdb = await useTestDatabase();
const emulator = await startOpenAiEmulator({ positionBias: true });
afterAll(() => emulator.close());

const cli = (args: string[]): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), ...args], {
    cwd: root,
    env: { DATABASE_URL: tdb.url, OPENAI_API_KEY: 'sk-test-cli-orders-0001', OPENAI_BASE_URL: emulator.url, OPENAI_MODEL: 'gpt-test', LOG_LEVEL: 'warn' },
  });

interface Doc {
  readonly job: string;
  readonly status: string;
  readonly verdict: { readonly winner: 'A' | 'B' | 'tie'; readonly score: { A: number; B: number }; readonly confidence: number };
  readonly stages: Record<string, { status: string; provider: string | null; orders: string | null }>;
}

async function compare(first: 'A' | 'B', second: 'A' | 'B', dir = pair): Promise<Doc> {
  const r = await cli(['compare', path.join(dir, first), path.join(dir, second), '--json', '--fresh']);
  expect(r.code, r.stderr.slice(-4_000)).toBe(0);
  return JSON.parse(r.stdout) as Doc;
}

describe('listinglab compare X Y and Y X against a position-biased model', () => {
  test('the same listing wins both ways (or a tie both ways), never the first-shown; every model stage stored both orders', async () => {
    const before = emulator.requests.length;
    const xy = await compare('A', 'B');
    const calls = emulator.requests.length - before;
    const yx = await compare('B', 'A');
    for (const doc of [xy, yx]) {
      expect(doc.status).toBe('succeeded');
      for (const name of ['ctr', 'pdp', 'text', 'avatars']) expect(doc.stages[name]?.provider, name).toBe('openai');
    }
    // X = the pair's A, Y = its B. Given first, each listing would win every single-order judgement.
    const winnerXY = xy.verdict.winner === 'A' ? 'X' : xy.verdict.winner === 'B' ? 'Y' : 'tie';
    const winnerYX = yx.verdict.winner === 'A' ? 'Y' : yx.verdict.winner === 'B' ? 'X' : 'tie';
    expect(winnerYX).toBe(winnerXY);
    expect(xy.verdict.score).toEqual({ A: yx.verdict.score.B, B: yx.verdict.score.A });
    expect(xy.verdict.confidence).toBe(yx.verdict.confidence);
    // Asked both ways each listing averages its merit + half the bias: the one the model rates
    // higher on its merits wins both ways (here Y, by a point), whichever was given first.
    const [mx, my] = [listingMerit(titleOf('A')), listingMerit(titleOf('B'))];
    expect(winnerXY).toBe(mx > my ? 'X' : mx < my ? 'Y' : 'tie');
    expect(winnerXY).not.toBe('tie');
    expect(calls).toBe(8); // ctr, pdp, text and avatars, each in two orders

    for (const doc of [xy, yx]) {
      const rows = await tdb.db.select().from(runStages).where(eq(runStages.runId, doc.job));
      for (const name of ['ctr', 'pdp', 'text', 'avatars']) {
        const orders = rows.find((r) => r.stage === name)?.orders as { consistent: boolean; first: unknown; second: unknown } | null;
        expect(orders?.first, name).toBeTruthy();
        expect(orders?.second, name).toBeTruthy();
        expect(orders?.consistent, name).toBe(false);
      }
      for (const name of ['acquire', 'verdict']) expect(rows.find((r) => r.stage === name)?.orders, name).toBeNull();
      // --json says it per stage too.
      for (const name of ['ctr', 'pdp', 'text', 'avatars']) expect(doc.stages[name]?.orders, name).toBe('order-sensitive');
    }
    expect(emulator.requests.slice(before).every((r) => requestedSchema(r.body) !== undefined)).toBe(true);
  }, 180_000);
});

function titleOf(side: 'A' | 'B'): string {
  return (JSON.parse(readFileSync(path.join(pair, side, 'listing.json'), 'utf8')) as { title: string }).title;
}

describe('every golden pair, both ways, against the position-biased model', () => {
  const names = readdirSync(pairs).sort();
  test.each(names)('%s: the same listing wins X Y and Y X (or a tie both ways)', async (name) => {
    const dir = path.join(pairs, name);
    const [xy, yx] = await Promise.all([compare('A', 'B', dir), compare('B', 'A', dir)]);
    const winnerXY = xy.verdict.winner === 'A' ? 'X' : xy.verdict.winner === 'B' ? 'Y' : 'tie';
    const winnerYX = yx.verdict.winner === 'A' ? 'Y' : yx.verdict.winner === 'B' ? 'X' : 'tie';
    expect(winnerYX).toBe(winnerXY);
    expect(xy.verdict.score).toEqual({ A: yx.verdict.score.B, B: yx.verdict.score.A });
  }, 180_000);
});
