import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { runStages } from '../../service/db/schema.ts';
import { computeVerdict, type VerdictInput } from '../../service/domain/verdict.ts';
import type { AvatarsOutput, CtrOutput, PdpOutput, TextOutput, Winner } from '../../service/domain/stage-outputs.ts';
import { chatText, positionBiasedAnswer, promptTokens, requestedSchema, startOpenAiEmulator, type RecordedRequest } from '../emulators/openai.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * Issue 19: every pairwise model judgement is asked in both presentation orders, (A, B) and
 * (B, A), through the real SDK against a model that always favours the listing it is shown first.
 * The run does not follow the order the ASINs were given in; both answers are stored.
 */

const PAIRS = path.resolve(import.meta.dirname, '../../golden_tests/pairs');
const MODEL_STAGES = ['ctr', 'pdp', 'text', 'avatars'] as const;
const SCHEMA_OF = { ctr: 'ctr_evaluation', pdp: 'pdp_evaluation', text: 'text_evaluation', avatars: 'buyer_personas' } as const;
const titleOf = (pair: string, side: 'A' | 'B') => (JSON.parse(readFileSync(path.join(PAIRS, pair, side, 'listing.json'), 'utf8')) as { title: string }).title;
const swap = (w: Winner | undefined) => (w === 'A' ? 'B' : w === 'B' ? 'A' : w);

const openai = await startOpenAiEmulator({ positionBias: true });
afterAll(() => openai.close());
const pipeline = await startTestPipeline({ OPENAI_API_KEY: 'sk-test-orders-0001', OPENAI_BASE_URL: openai.url, OPENAI_MODEL: 'gpt-test' });

type Body = Parameters<typeof requestedSchema>[0];
type Orders = { consistent: boolean; first: unknown; second: unknown; firstError?: string; secondError?: string };
const rowsOf = async (runId: string) => new Map((await pipeline.tdb.db.select().from(runStages).where(eq(runStages.runId, runId))).map((r) => [r.stage, r]));
const named = (sent: RecordedRequest<Body>[], stage: (typeof MODEL_STAGES)[number]) => sent.filter((r) => requestedSchema(r.body)?.name === SCHEMA_OF[stage]);
/** The title the request shows in the "A" slot. */
const slotA = (r: RecordedRequest<Body>) => /Listing A(?::[ \t]*|\s*\nTitle:[ \t]*)(.*)/.exec(chatText(r.body))?.[1]?.trim();

describe('both presentation orders', () => {
  test('a position-biased model: X vs Y and Y vs X give mirrored winners and scores; both orders stored, tokens summed', async () => {
    const pair = 'duffel-compliance';
    const before = openai.requests.length;
    const xy = await pipeline.compareFolders(path.join(PAIRS, pair, 'A'), path.join(PAIRS, pair, 'B'));
    const sentXY = openai.requests.slice(before);
    const yx = await pipeline.compareFolders(path.join(PAIRS, pair, 'B'), path.join(PAIRS, pair, 'A'));
    expect(xy.status).toBe('succeeded');
    expect(yx.status).toBe('succeeded');

    // Never the first-shown listing both times: the same listing wins both ways, or a tie both ways.
    expect(xy.verdict!.winner).toBe(swap(yx.verdict!.winner));
    expect(xy.verdict!.score).toEqual({ A: yx.verdict!.score.B, B: yx.verdict!.score.A });
    const rows = await rowsOf(xy.id);
    const mirror = await rowsOf(yx.id);
    for (const stage of MODEL_STAGES) {
      const sent = named(sentXY, stage);
      expect(sent, stage).toHaveLength(2);
      // The second order shows B's content in the "A" slot.
      expect(sent.map(slotA).sort(), stage).toEqual([titleOf(pair, 'A'), titleOf(pair, 'B')].sort());
      const row = rows.get(stage)!;
      const orders = row.orders as Orders;
      expect(orders.first, stage).not.toBeNull();
      expect(orders.second, stage).not.toBeNull();
      expect(orders.consistent, stage).toBe(false); // the model always picked the first-shown listing
      expect(xy.stages.find((s) => s.name === stage)!.orders).toBe('order-sensitive');
      expect(row.inputTokens, stage).toBe(sent.reduce((n, r) => n + promptTokens(r.body), 0));
      if (stage !== 'avatars') {
        const [out, mirrored] = [row.output as CtrOutput, mirror.get(stage)!.output as CtrOutput];
        expect(swap(out.winner), stage).toBe(mirrored.winner);
        expect(out.listings.A.scores, stage).toEqual(mirrored.listings.B.scores);
        expect((orders.first as CtrOutput).winner).toBe('A');
        expect((orders.second as CtrOutput).winner).toBe('B'); // mapped back: the model's "A" was listing B
      } else {
        // Each order's majority bought the first-shown listing, so every persona's vote became a tie.
        expect((row.output as AvatarsOutput).personas.map((p) => [p.clicks, p.buys])).toEqual([['tie', 'tie'], ['tie', 'tie'], ['tie', 'tie']]);
      }
    }
    // Four order-sensitive stages: confidence × 0.8⁴ against the same outputs asked once.
    const input = verdictInputOf(rows);
    expect(computeVerdict(input).hash).toBe(xy.verdict!.hash);
    expect(xy.verdict!.confidence).toBeLessThan(computeVerdict({ ...input, orderSensitive: [] }).confidence);
  }, 90_000);

  test('the same pair again: both orders come from the evaluation cache, each its own entry', async () => {
    const before = openai.requests.length;
    const again = await pipeline.compareFolders(path.join(PAIRS, 'duffel-compliance', 'A'), path.join(PAIRS, 'duffel-compliance', 'B'));
    expect(openai.requests.length).toBe(before);
    const rows = await rowsOf(again.id);
    for (const stage of MODEL_STAGES) {
      expect(rows.get(stage)!.cached, stage).toBe(true);
      expect((rows.get(stage)!.orders as Orders).second, stage).not.toBeNull();
    }
  }, 60_000);

  test('one order failing: the stage completes from the other alone (second: null, the error kept) with lower confidence', async () => {
    const pair = 'vitamin-gallery';
    const swappedTitle = titleOf(pair, 'B');
    openai.setHandler((r) => {
      // The swapped ctr request (B's title in the "A" slot) fails for good: a 400, no fallback configured.
      if (requestedSchema(r.body)?.name === 'ctr_evaluation' && slotA(r) === swappedTitle) return { kind: 'status', status: 400 };
      return { kind: 'json', body: positionBiased(r) };
    });
    const view = await pipeline.compareFolders(path.join(PAIRS, pair, 'A'), path.join(PAIRS, pair, 'B'));
    expect(view.status).toBe('succeeded');
    const rows = await rowsOf(view.id);
    const ctr = rows.get('ctr')!;
    expect(ctr.status).toBe('succeeded');
    const orders = ctr.orders as Orders;
    expect(orders.second).toBeNull();
    expect(orders.secondError).toMatch(/^provider_failed: /);
    expect(orders.consistent).toBe(false);
    expect(ctr.output).toEqual(orders.first);
    expect(view.stages.find((s) => s.name === 'ctr')!.orders).toBe('one-order');
    const input = verdictInputOf(rows);
    expect(input.singleOrder).toEqual(['ctr']);
    expect(computeVerdict(input).hash).toBe(view.verdict!.hash);
    expect(view.verdict!.confidence).toBeLessThan(computeVerdict({ ...input, singleOrder: [] }).confidence);
  }, 60_000);

  test('both orders failing fails the stage with the first order\'s error, refunded; the rest go on', async () => {
    openai.setHandler((r) => (requestedSchema(r.body)?.name === 'text_evaluation' ? { kind: 'status', status: 400 } : { kind: 'json', body: positionBiased(r) }));
    const view = await pipeline.compareFolders(path.join(PAIRS, 'oat-milk-instore', 'A'), path.join(PAIRS, 'oat-milk-instore', 'B'));
    expect(view.status).toBe('partial');
    const text = view.stages.find((s) => s.name === 'text')!;
    expect(text.status).toBe('failed');
    expect(text.error?.code).toBe('provider_failed');
    expect((await rowsOf(view.id)).get('text')!.orders).toBeNull();
    expect(view.verdict?.missing).toEqual(['text']);
  }, 60_000);
});

/** The emulator's own biased answer, for handlers that fail some requests. */
const positionBiased = (r: RecordedRequest<Body>): unknown => positionBiasedAnswer(requestedSchema(r.body)?.schema, chatText(r.body));

/** The verdict's input as run-stage.ts builds it from the stored rows. */
function verdictInputOf(rows: Map<string, { status: string; output: unknown; orders: unknown }>): VerdictInput {
  const out = <T>(s: string) => (rows.get(s)?.status === 'succeeded' ? (rows.get(s)!.output as T) : undefined);
  const state = (s: string) => {
    const o = rows.get(s)?.orders as Orders | null | undefined;
    if (!o || rows.get(s)?.status !== 'succeeded') return undefined;
    return o.first == null || o.second == null ? 'single' : o.consistent ? 'consistent' : 'sensitive';
  };
  return {
    ctr: out<CtrOutput>('ctr'),
    pdp: out<PdpOutput>('pdp'),
    text: out<TextOutput>('text'),
    avatars: out<AvatarsOutput>('avatars'),
    rulesOnly: false,
    missing: MODEL_STAGES.filter((s) => rows.get(s)?.status !== 'succeeded'),
    orderSensitive: MODEL_STAGES.filter((s) => state(s) === 'sensitive'),
    singleOrder: MODEL_STAGES.filter((s) => state(s) === 'single'),
  };
}
