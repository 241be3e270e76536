import type { RunView, StageView } from '../../service/app/views/index.ts';
import type { AvatarsOutput, CtrOutput, Evidence, PdpOutput, TextOutput, Verdict, Winner } from '../../service/domain/stage-outputs.ts';
import type { AcquireOutput } from '../../service/stages/acquired.ts';

/**
 * Hand-made RunViews for renderer and sink tests: a finished run whose every text can be made as
 * long as its schema allows (`huge`), to push the renderers against Discord's limits.
 */

const RUN_ID = '3f2a9c1e-8b7d-4e21-9a6f-0c5d4b3a2e1f';

const text = (n: number, word = 'long') => `${word} `.repeat(Math.ceil(n / (word.length + 1))).slice(0, n);

function evidence(side: 'A' | 'B', n: number, len: number): Evidence[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${side}.e${i}`,
    observation: `${side} observation ${i}: ${text(len)}`.slice(0, len),
    effect: i % 3 === 0 ? 'negative' : i % 3 === 1 ? 'positive' : 'neutral',
    fix: i % 3 === 0 ? text(Math.min(300, len), 'fix') : null,
    impact: 2,
    ease: 2,
    dimension: null,
    current: i % 3 === 0 ? text(Math.min(120, len), 'now') : null,
    target: i % 3 === 0 ? text(Math.min(120, len), 'goal') : null,
    effort: i % 3 === 0 ? 'photo-edit' : null,
    compliance: i % 3 === 0 ? i % 2 === 0 : null,
    scoreIfFixed: null,
  }));
}

function analysis(dims: readonly string[], huge: boolean, winner: Winner): CtrOutput {
  const side = (s: 'A' | 'B') => ({
    scores: Object.fromEntries(dims.map((d, i) => [d, s === 'A' ? 7 + i / 10 : 5 + i / 10])),
    evidence: evidence(s, huge ? 20 : 2, huge ? 400 : 60),
  });
  return { listings: { A: side('A'), B: side('B') }, winner, summary: huge ? text(600) : 'A shows the product larger on a pure white background.' } as CtrOutput;
}

function stage(name: string, title: string, output: unknown, extra: Partial<StageView> = {}): StageView {
  return {
    name,
    title,
    status: 'succeeded',
    provider: 'rules',
    model: 'rules-v1',
    madeWithoutModel: true,
    winner: null,
    score: null,
    summary: null,
    error: null,
    credits: 2,
    latencyMs: 1234,
    output,
    orders: null,
    ...extra,
  };
}

export function finishedView(opts: { huge?: boolean; winner?: Winner; asins?: [string, string]; mine?: 'A' | 'B' } = {}): RunView {
  const huge = opts.huge ?? false;
  const winner = opts.winner ?? 'A';
  const [a, b] = opts.asins ?? ['B0799CK52K', 'B074M5HPBD'];
  const title = (asin: string) => (huge ? `${asin} ${text(490, '@everyone')}` : `Product ${asin}`);
  const ctr = analysis(['compliance', 'fill', 'legibility', 'quality', 'appeal'], huge, winner);
  const pdp = {
    ...analysis(['coverage', 'count', 'quality', 'questions', 'uniqueness'], huge, winner),
    listings: Object.fromEntries(
      (['A', 'B'] as const).map((s) => [
        s,
        { ...ctr.listings[s], images: [], answered: Array.from({ length: huge ? 12 : 1 }, () => text(huge ? 200 : 30)), open: Array.from({ length: huge ? 12 : 1 }, () => text(huge ? 200 : 30)) },
      ]),
    ),
  } as unknown as PdpOutput;
  const txt = analysis(['title_rules', 'clarity', 'keywords', 'review_alignment', 'bullets'], huge, winner) as unknown as TextOutput;
  const persona = (i: number) => ({
    name: huge ? text(80, `P${i}`) : `Persona ${i}`,
    profile: huge ? text(400) : 'A busy parent',
    caresAbout: Array.from({ length: huge ? 6 : 1 }, () => ({ aspect: huge ? text(80) : 'Durability', citation: huge ? text(300) : 'lasts long', from: 'A' as const })),
    clicks: 'A' as const,
    buys: i === 2 ? ('B' as const) : ('A' as const),
    why: huge ? text(500) : 'Clearer main image',
    objections: Array.from({ length: huge ? 5 : 1 }, () => (huge ? text(300) : 'price')),
  });
  const avatars: AvatarsOutput = { personas: [persona(0), persona(1), persona(2)], categoryDefault: !huge };
  const verdict: Verdict = {
    winner,
    score: { A: 7.4, B: 6.1 },
    stages: { ctr: { A: 7.2, B: 5.2, winner, weight: 0.35 }, pdp: { A: 7.2, B: 5.2, winner, weight: 0.35 }, text: { A: 7.2, B: 5.2, winner, weight: 0.3 } },
    confidence: 0.62,
    clickWinner: winner,
    saleWinner: winner,
    fixes: Array.from({ length: huge ? 40 : 2 }, (_, i) => ({
      listing: i % 2 ? 'B' : 'A',
      priority: i + 1,
      action: huge ? text(900, 'action') : `Fix number ${i + 1}`,
      evidence: [`A.e${i}`],
      observation: huge ? text(400, 'seen') : `Observed ${i + 1}`,
      stage: 'ctr',
      impact: 3,
      ease: 2,
      current: huge ? text(120, 'now') : '69% of the frame',
      target: huge ? text(120, 'goal') : 'at least 85%',
      effort: 'photo-edit',
      compliance: i === 0,
      effect: { points: 0.8, changesWinner: false },
    })),
    missing: [],
    rulesOnly: true,
    hash: 'a'.repeat(64),
  };
  const listing = (asin: string) => ({ asin, title: title(asin), bullets: ['one'], description: 'd', images: ['main.jpg'], brand: 'Acme', price: 19.99, rating: 4.4, reviewCount: 12 });
  const acquire = {
    A: { source: 'apify', label: a, listing: listing(a), images: [{ index: 0, ref: 'main.jpg' }] },
    B: { source: 'apify', label: b, listing: listing(b), images: [{ index: 0, ref: 'main.jpg' }, { index: 1, ref: 'x', refused: 'host_not_allowed' }] },
    facts: {},
  } as unknown as AcquireOutput;
  const scored = { winner, score: { A: 7.3, B: 5.3 } };
  return {
    id: RUN_ID,
    shortId: RUN_ID.slice(0, 8),
    kind: 'compare',
    status: 'succeeded',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:01:00Z'),
    pair: {
      A: { label: a, asin: a, title: title(a), url: `https://www.amazon.com/dp/${a}` },
      B: { label: b, asin: b, title: title(b), url: `https://www.amazon.com/dp/${b}` },
    },
    mine: opts.mine ?? null,
    mineSource: opts.mine ? 'asked' : null,
    cost: 10,
    refunded: 0,
    stages: [
      stage('acquire', 'Fetch listings', acquire, { credits: 0 }),
      stage('ctr', 'Click (main image)', ctr, { ...scored, summary: ctr.summary, credits: 3 }),
      stage('pdp', 'Conversion (gallery)', pdp, { ...scored, summary: pdp.summary, credits: 3 }),
      stage('text', 'Copy (title, bullets, description)', txt, { ...scored, summary: txt.summary }),
      stage('avatars', 'Buyer personas', avatars, { summary: '2 of 3 would buy A, 1 would buy B' }),
      stage('verdict', 'Verdict', verdict, { winner, score: verdict.score, credits: 0 }),
    ],
    verdict,
    avatars,
    errorCode: null,
    errorMessage: null,
    queuePosition: null,
  };
}

/** The same run while stage 1–3 are still running. */
export function runningView(): RunView {
  const v = finishedView();
  return {
    ...v,
    status: 'running',
    finishedAt: null,
    verdict: null,
    avatars: null,
    stages: v.stages.map((s) => (s.name === 'acquire' ? s : { ...s, status: 'running', winner: null, score: null, summary: null, output: null })),
  };
}
