import { describe, expect, test } from 'vitest';
import type { RunView, StageView } from '../../service/app/views/index.ts';
import type { Verdict } from '../../service/domain/stage-outputs.ts';
import { LIMITS, type Block } from './blocks.ts';
import { ACTION, rootMessage, rootText, stageDetail } from './render.ts';

/** Block Kit limits hold for any RunView, however long what the listings and models wrote. */

const long = (n: number, unit = 'word <!channel> & ') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const evidence = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `A.x.${i}`, observation: long(400), effect: 'negative' as const, fix: long(300), impact: 3, ease: 2, dimension: null, current: long(120), target: long(120), effort: 'text' as const, compliance: null, scoreIfFixed: null }));
const scoredOutput = (dims: string[]) => ({
  listings: Object.fromEntries(['A', 'B'].map((s) => [s, { scores: Object.fromEntries(dims.map((d) => [d, 6.5])), evidence: evidence(20), images: [], answered: [long(200)], open: Array(12).fill(long(200)) }])),
  winner: 'A',
  summary: long(600),
});
const verdict: Verdict = {
  winner: 'B',
  score: { A: 5.25, B: 6.75 },
  stages: { ctr: { A: 5, B: 7, winner: 'B', weight: 0.4 }, pdp: { A: 5, B: 6, winner: 'B', weight: 0.3 }, text: { A: 6, B: 6, winner: 'tie', weight: 0.3 } },
  confidence: 0.72,
  clickWinner: 'B',
  saleWinner: 'B',
  fixes: Array.from({ length: 60 }, (_, i) => ({ listing: i % 2 ? 'A' : 'B', priority: i + 1, action: long(500), evidence: [`A.ctr.${i}`], observation: long(400), stage: 'ctr', impact: 3, ease: 3, current: long(120), target: long(120), effort: 'new-shoot', compliance: i % 3 === 0, effect: { points: 1.25, changesWinner: i % 2 === 0 } })),
  missing: [],
  rulesOnly: true,
  hash: 'a'.repeat(64),
};
const persona = { name: long(80), profile: long(400), caresAbout: Array(6).fill({ aspect: long(80), citation: long(300), from: 'A' }), clicks: 'A', buys: 'B', why: long(500), objections: Array(5).fill(long(300)) };

function stage(name: string, output: unknown, extra: Partial<StageView> = {}): StageView {
  return { name, title: name, status: 'succeeded', provider: 'rules', model: 'rules-v1', madeWithoutModel: true, winner: 'A', score: { A: 6, B: 5 }, summary: long(100), error: null, credits: 3, latencyMs: 1200, output, orders: null, ...extra };
}

function view(over: Partial<RunView> = {}): RunView {
  const side = (asin: string) => ({ label: asin, asin, title: long(2000), url: `https://www.amazon.com/dp/${asin}` });
  return {
    id: '3f2a9c1e-0000-4000-8000-000000000000',
    shortId: '3f2a9c1e',
    kind: 'compare',
    status: 'succeeded',
    createdAt: new Date(0),
    finishedAt: new Date(0),
    pair: { A: side('B0799CK52K'), B: side('B074M5HPBD') },
    mine: null,
    mineSource: null,
    cost: 10,
    refunded: 0,
    stages: [
      stage('acquire', { A: { source: 'apify', label: 'B0799CK52K', listing: { title: long(3000), bullets: [], description: '', images: [], brand: long(200), price: 9.5, rating: 4.4, reviewCount: 10 }, images: [] }, B: { source: 'cache', label: 'B074M5HPBD', listing: { title: long(3000), bullets: [], description: '', images: [] }, images: [{ index: 0, ref: 'x', refused: 'too_large' }] } }),
      stage('ctr', scoredOutput(['compliance', 'fill', 'legibility', 'quality', 'appeal'])),
      stage('pdp', scoredOutput(['coverage', 'count', 'quality', 'questions', 'uniqueness'])),
      stage('text', scoredOutput(['title_rules', 'clarity', 'keywords', 'review_alignment', 'bullets'])),
      stage('avatars', { personas: [persona, persona, persona], categoryDefault: true }, { winner: null, score: null }),
      stage('verdict', verdict, { winner: 'B' }),
    ],
    verdict,
    avatars: null,
    errorCode: null,
    errorMessage: null,
    queuePosition: null,
    ...over,
  };
}

function assertWithinLimits(blocks: readonly Block[], text: string): void {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(text.length).toBeLessThanOrEqual(LIMITS.messageText);
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'context') for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'actions') for (const e of b.elements) expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
  }
  // Whatever a listing or a model wrote cannot ping a channel.
  expect(JSON.stringify(blocks)).not.toContain('<!channel>');
}

describe('root message', () => {
  test('stays within Block Kit limits with oversized content, escapes it, and states the verdict in its text', () => {
    const msg = rootMessage(view(), { lowBalance: true });
    assertWithinLimits(msg.blocks, msg.text);
    expect(msg.text).toMatch(/^Verdict: B074M5HPBD wins — B0799CK52K vs B074M5HPBD: A 5\.3 vs B 6\.8 out of 10, a clear win \(job 3f2a9c1e\)/);
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('&lt;!channel&gt;');
    for (const id of [ACTION.rerunFresh, ACTION.saveExperiment, ACTION.buyCredits]) expect(json).toContain(id);
    expect(json).not.toContain(ACTION.manualFallback);
  });

  test('a tie says so; no buttons in a status reply; no Buy button when the balance is fine', () => {
    const tie = view({ verdict: { ...verdict, winner: 'tie' } });
    expect(rootText(tie)).toMatch(/^Verdict: tie — /);
    expect(JSON.stringify(rootMessage(tie, { buttons: false }).blocks)).not.toContain('"actions"');
    expect(JSON.stringify(rootMessage(tie).blocks)).not.toContain(ACTION.buyCredits);
  });

  test('while running: the checklist and job id, no verdict text; queued runs say where they are in line', () => {
    const running = view({ status: 'running', verdict: null, stages: view().stages.map((s, i) => (i < 2 ? s : { ...s, status: 'running', output: null })) });
    const msg = rootMessage(running);
    expect(msg.text).toBe('Comparing B0799CK52K vs B074M5HPBD — 2 of 6 stages done (job 3f2a9c1e)');
    expect(JSON.stringify(msg.blocks)).toContain('Job `3f2a9c1e`');
    expect(JSON.stringify(msg.blocks)).not.toContain('"actions"');
    const queued = rootMessage(view({ status: 'queued', verdict: null, queuePosition: 2 }));
    expect(queued.text).toContain('queued (#2 in line)');
  });

  test('a failed acquisition offers the manual fallback and states the refund', () => {
    const failed = view({ status: 'failed', verdict: null, errorCode: 'listing_not_found', errorMessage: 'B074M5HPBD: listing not found', refunded: 10 });
    const msg = rootMessage(failed);
    assertWithinLimits(msg.blocks, msg.text);
    expect(msg.text).toMatch(/failed: B074M5HPBD: listing not found/);
    expect(JSON.stringify(msg.blocks)).toContain(ACTION.manualFallback);
    expect(JSON.stringify(msg.blocks)).toContain('10 credits were refunded');
  });
});

describe('who made what', () => {
  test('stages judged by a model are credited to it; the verdict is arithmetic, never "made without a model"', () => {
    const byModel = { provider: 'openai', model: 'gpt-4.1-mini', madeWithoutModel: false };
    const v = view({
      verdict: { ...verdict, rulesOnly: false },
      stages: view().stages.map((s) => (s.name === 'verdict' || s.name === 'acquire' ? s : { ...s, ...byModel })),
    });
    const root = JSON.stringify(rootMessage(v, {}).blocks);
    expect(root).not.toContain('no model');
    const verdictCard = JSON.stringify(stageDetail(v, v.stages.find((s) => s.name === 'verdict')!).blocks);
    expect(verdictCard).toContain('computed from the stages');
    expect(JSON.stringify(stageDetail(v, v.stages.find((s) => s.name === 'ctr')!).blocks)).toContain('openai gpt-4.1-mini');
  });
});

describe('stage detail cards', () => {
  test.each(['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'])('%s stays within Block Kit limits', (name) => {
    const v = view();
    const card = stageDetail(v, v.stages.find((s) => s.name === name)!);
    assertWithinLimits(card.blocks, card.text);
  });

  test('a failed stage says why and what was refunded', () => {
    const v = view();
    const card = stageDetail(v, { ...v.stages[1]!, status: 'failed', output: null, winner: null, score: null, error: { code: 'provider_failed', message: 'timeout' } });
    expect(card.text).toMatch(/^ctr: failed/);
    expect(JSON.stringify(card.blocks)).toContain('Its 3 credits were refunded');
  });
});
