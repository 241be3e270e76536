import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { loadRunView } from '../../service/app/views/index.ts';
import { runStages } from '../../service/db/schema.ts';
import { renderReport } from '../../bots/web/report.ts';
import { startAnthropicEmulator } from '../emulators/anthropic.ts';
import { promptTokens, startOpenAiEmulator } from '../emulators/openai.ts';
import { useTestDatabase } from '../db.ts';
import { runNode, type Ran } from '../support/processes.ts';

/**
 * Issue 22 item 5, as an operator meets it: `listinglab compare A B --json` says what the
 * comparison's model calls cost — tokens as the provider reported them (both presentation
 * orders), dollars at the configured per-model prices — and a repeat within the vision cache's
 * window costs nothing for the stages the cache answered. The model is the default
 * (gpt-4.1-mini) against the OpenAI emulator, whose usage counts text at 4 characters a token and
 * images by OpenAI's documented patch formula (test/emulators/image-tokens.ts).
 */

const root = path.resolve(import.meta.dirname, '../..');
const pairs = path.join(root, 'golden_tests/pairs');
const tdb = await useTestDatabase();
const emulator = await startOpenAiEmulator({ positionBias: true });
const anthropic = await startAnthropicEmulator({ positionBias: true });
afterAll(() => Promise.all([emulator.close(), anthropic.close()]));

const MODEL_STAGES = ['ctr', 'pdp', 'text', 'avatars'] as const;

const cli = (args: string[], extra: Record<string, string> = {}): Promise<Ran> =>
  runNode([path.join(root, 'service/main/cli.ts'), ...args], {
    cwd: root,
    env: { DATABASE_URL: tdb.url, OPENAI_API_KEY: 'sk-test-cli-cost-0001', OPENAI_BASE_URL: emulator.url, LOG_LEVEL: 'warn', ...extra },
  });

interface StageCost {
  readonly tokens?: { input: number; output: number };
  readonly estimatedUsd?: number;
  readonly cached?: boolean;
  readonly model: string | null;
}
interface Doc {
  readonly job: string;
  readonly status: string;
  readonly stages: Record<string, StageCost>;
  readonly cost: { inputTokens: number; outputTokens: number; estimatedUsd: number; modelStages: number; cachedStages: number };
}

async function compare(pair: string, extra: Record<string, string> = {}): Promise<Doc> {
  const dir = path.join(pairs, pair);
  const r = await cli(['compare', path.join(dir, 'A'), path.join(dir, 'B'), '--json', '--fresh'], extra);
  expect(r.code, r.stderr.slice(-4_000)).toBe(0);
  return JSON.parse(r.stdout) as Doc;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The report page's footer line for a run, rendered from its stored view. */
async function reportCostLine(job: string): Promise<string | undefined> {
  const view = (await loadRunView(tdb.db, job))!;
  const html = renderReport({ token: 't', view, images: { A: [], B: [] }, ruleSets: { A: null, B: null }, experiment: undefined });
  return /<dt>Cost<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1];
}
const at = (price: { inputPerMillion: number; outputPerMillion: number }, c: { inputTokens: number; outputTokens: number }) =>
  (c.inputTokens * price.inputPerMillion + c.outputTokens * price.outputPerMillion) / 1e6;

describe('what a comparison costs', () => {
  const price = DEFAULTS.modelPrices['gpt-4.1-mini'];
  let first: Doc;

  test('a new pair: --json has the tokens the provider reported and their cost at the configured price, per stage and in total', async () => {
    const before = emulator.requests.length;
    first = await compare('duffel-compliance');
    const requests = emulator.requests.slice(before);
    expect(first.status).toBe('succeeded');
    expect(requests).toHaveLength(8); // four model stages, each in both presentation orders
    expect(requests.every((r) => r.body.model === 'gpt-4.1-mini')).toBe(true);

    const { cost } = first;
    expect(cost.modelStages).toBe(4);
    expect(cost.cachedStages).toBe(0);
    // The tokens are the ones the emulator put in its responses' `usage`, summed over every call.
    const billed = sum(requests.map((r) => promptTokens(r.body)));
    expect(cost.inputTokens).toBe(billed);
    expect(cost.outputTokens).toBeGreaterThan(0);
    // Images are billed by their pixels: the gallery stage carries them, so it outweighs the text stage.
    expect(first.stages.pdp?.tokens?.input).toBeGreaterThan(2 * (first.stages.text?.tokens?.input ?? Infinity));

    for (const name of MODEL_STAGES) {
      const s = first.stages[name]!;
      expect(s.cached, name).toBe(false);
      expect(s.tokens!.input, name).toBeGreaterThan(0);
      // Each stage's cost is its tokens at the configured price (stored to six decimals).
      expect(s.estimatedUsd!, name).toBeCloseTo(at(price, { inputTokens: s.tokens!.input, outputTokens: s.tokens!.output }), 6);
    }
    expect(cost.inputTokens).toBe(sum(MODEL_STAGES.map((n) => first.stages[n]!.tokens!.input)));
    expect(cost.outputTokens).toBe(sum(MODEL_STAGES.map((n) => first.stages[n]!.tokens!.output)));
    expect(cost.estimatedUsd).toBeCloseTo(sum(Object.values(first.stages).map((s) => s.estimatedUsd ?? 0)), 6);
    expect(cost.estimatedUsd).toBeCloseTo(at(price, cost), 5);
    // What the database holds is what --json said.
    const rows = await tdb.db.select().from(runStages).where(eq(runStages.runId, first.job));
    expect(sum(rows.map((r) => Number(r.costUsd)))).toBeCloseTo(cost.estimatedUsd, 6);
    // This pair has four and two gallery images of at most 1,500 px, and the emulator answers
    // minimally, so this holds the input side to the target; a full seven-image gallery a side is
    // cli-cost-gallery.test.ts (README "What a comparison costs").
    expect(cost.estimatedUsd).toBeLessThanOrEqual(0.03);
    expect(await reportCostLine(first.job)).toBe(
      `Model calls: ${cost.inputTokens.toLocaleString('en-US')} tokens in, ${cost.outputTokens.toLocaleString('en-US')} out, about $${cost.estimatedUsd.toFixed(4)} at configured prices`,
    );
    // The measurement the issue asks for, per stage, in the test log.
    const perStage = MODEL_STAGES.map((n) => `${n} ${first.stages[n]!.tokens!.input}/${first.stages[n]!.tokens!.output}`).join(', ');
    process.stderr.write(`cli-cost: new pair duffel-compliance ${cost.inputTokens} in, ${cost.outputTokens} out, $${cost.estimatedUsd} (${perStage})\n`);
  }, 180_000);

  test('the same pair again within the vision cache window: the cached stages cost $0 and say so', async () => {
    const before = emulator.requests.length;
    const again = await compare('duffel-compliance');
    expect(emulator.requests.length).toBe(before); // no model call at all
    expect(again.job).not.toBe(first.job);
    for (const name of MODEL_STAGES) {
      expect(again.stages[name], name).toMatchObject({ cached: true, estimatedUsd: 0, tokens: { input: 0, output: 0 } });
    }
    expect(again.cost).toEqual({ inputTokens: 0, outputTokens: 0, estimatedUsd: 0, modelStages: 4, cachedStages: 4 });
    expect(again.cost.estimatedUsd).toBeLessThanOrEqual(0.005);
    expect(await reportCostLine(again.job)).toBe('No model calls: every stage was answered from the vision cache ($0)');
  }, 180_000);

  test('a configured price changes the estimate', async () => {
    const dearer = { inputPerMillion: 4, outputPerMillion: 16 };
    const doc = await compare('vitamin-gallery', { MODEL_PRICES: JSON.stringify({ 'gpt-4.1-mini': dearer }) });
    expect(doc.cost.inputTokens).toBeGreaterThan(0);
    expect(doc.cost.estimatedUsd).toBeCloseTo(at(dearer, doc.cost), 5);
    expect(doc.cost.estimatedUsd).toBeGreaterThan(at(price, doc.cost) * 5);
  }, 180_000);

  test('each model at its own price: Anthropic alone is estimated at the Anthropic default model\'s price', async () => {
    const dir = path.join(pairs, 'bulb-lowres-caps');
    const r = await runNode([path.join(root, 'service/main/cli.ts'), 'compare', path.join(dir, 'A'), path.join(dir, 'B'), '--json', '--fresh'], {
      cwd: root,
      env: { DATABASE_URL: tdb.url, ANTHROPIC_API_KEY: 'sk-ant-test-cli-cost-0001', ANTHROPIC_BASE_URL: anthropic.url, LOG_LEVEL: 'warn' },
    });
    expect(r.code, r.stderr.slice(-4_000)).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(anthropic.requests.length).toBe(8);
    expect(doc.stages.pdp?.model).toBe(DEFAULTS.anthropicModel);
    expect(doc.cost.inputTokens).toBeGreaterThan(0);
    expect(doc.cost.estimatedUsd).toBeCloseTo(at(DEFAULTS.modelPrices[DEFAULTS.anthropicModel], doc.cost), 5);
  }, 180_000);

  test.each([
    ['not JSON', '{gpt-4.1-mini: 0.4}', 'MODEL_PRICES: is not JSON'],
    ['a price that is not a number', JSON.stringify({ 'gpt-4.1-mini': { inputPerMillion: 'cheap', outputPerMillion: 1.6 } }), 'MODEL_PRICES (gpt-4.1-mini.inputPerMillion): a price is a number of dollars per million tokens'],
    ['a negative price', JSON.stringify({ 'gpt-4.1-mini': { inputPerMillion: -1, outputPerMillion: 1.6 } }), 'MODEL_PRICES (gpt-4.1-mini.inputPerMillion)'],
    ['a missing field', JSON.stringify({ 'gpt-4.1-mini': { inputPerMillion: 0.4 } }), 'MODEL_PRICES (gpt-4.1-mini.outputPerMillion)'],
  ])('an invalid MODEL_PRICES (%s) stops the command with exit 2 before any model call', async (_name, value, message) => {
    const before = emulator.requests.length;
    const dir = path.join(pairs, 'oat-milk-instore');
    const r = await cli(['compare', path.join(dir, 'A'), path.join(dir, 'B'), '--json'], { MODEL_PRICES: value });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(emulator.requests.length).toBe(before);
  }, 60_000);
});
