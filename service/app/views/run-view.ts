import type { Db } from '../../db/client.ts';
import { getRun, getStages, queuePosition, type Run, type StageRow } from '../../db/repos/runs.ts';
import type { AvatarsOutput, CtrOutput, PdpOutput, TextOutput, Verdict, Winner } from '../../domain/stage-outputs.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import type { ListingInputRef } from '../../domain/listing.ts';
import { draftRunView } from './draft-view.ts';
import { stageUsage } from './model-cost.ts';
import { runHeader } from './run-header.ts';
import { STAGE_WORDS } from './present-words.ts';
import type { RunView, SideView, StageView } from './run-view-model.ts';

/**
 * Builds a run's RunView (run-view-model.ts) from the database only: a comparison's here, a
 * draft's in draft-view.ts.
 */

export const STAGE_TITLES: Readonly<Record<string, string>> = STAGE_WORDS;

const mean = (scores: Record<string, number>) => {
  const v = Object.values(scores);
  return v.length ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 10) / 10 : 0;
};

function stageScore(name: string, output: unknown): { winner: Winner | null; score: { A: number; B: number } | null; summary: string | null } {
  switch (name) {
    case 'ctr':
    case 'pdp':
    case 'text': {
      const o = output as CtrOutput | PdpOutput | TextOutput;
      return { winner: o.winner, score: { A: mean(o.listings.A.scores), B: mean(o.listings.B.scores) }, summary: o.summary };
    }
    case 'verdict': {
      const v = output as Verdict;
      return { winner: v.winner, score: v.score, summary: null };
    }
    case 'avatars': {
      const a = output as AvatarsOutput;
      return { winner: null, score: null, summary: personaVotes(a) };
    }
    default:
      return { winner: null, score: null, summary: null };
  }
}

function sideView(ref: ListingInputRef, acquired: AcquireOutput['A'] | undefined): SideView {
  const asin = ref.kind === 'asin' ? ref.asin : (acquired?.listing.asin ?? ref.listing.asin ?? null);
  return {
    label: ref.kind === 'asin' ? ref.asin : ref.label,
    asin,
    title: acquired?.listing.title ?? (ref.kind === 'manual' ? ref.listing.title : null),
    url: asin ? `https://www.amazon.com/dp/${asin}` : null,
  };
}

/** `2 would buy A, 1 would buy B`; undecided buyers are counted as such, never given to A. */
function personaVotes(a: AvatarsOutput): string {
  const n = (w: 'A' | 'B' | 'tie') => a.personas.filter((p) => p.buys === w).length;
  const parts = [`${n('A')} would buy A`, `${n('B')} would buy B`];
  if (n('tie')) parts.push(`${n('tie')} undecided`);
  return `Of ${a.personas.length} buyers: ${parts.join(', ')}`;
}

/** What run_stages.orders says about the two presentation orders (see schema-core.ts). */
function ordersOf(stored: unknown): StageView['orders'] {
  if (stored === null || typeof stored !== 'object') return null;
  const o = stored as { consistent?: unknown; first?: unknown; second?: unknown };
  if (o.first == null || o.second == null) return 'one-order';
  return o.consistent === true ? 'consistent' : 'order-sensitive';
}

const ORDER = ['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'];

export function toRunView(run: Run, rows: readonly StageRow[], position: number | null = null): RunView {
  if (run.kind === 'draft') return draftRunView(run, rows, position);
  const byName = new Map(rows.map((r) => [r.stage, r]));
  const acquired = byName.get('acquire')?.output as AcquireOutput | null | undefined;
  const inputs = run.inputs as { a: ListingInputRef; b: ListingInputRef };
  const stages = [...rows]
    .sort((a, b) => ORDER.indexOf(a.stage) - ORDER.indexOf(b.stage))
    .map((r): StageView => {
      const ok = r.status === 'succeeded' && r.output != null;
      const s = ok ? stageScore(r.stage, r.output) : { winner: null, score: null, summary: null };
      return {
        name: r.stage,
        title: STAGE_TITLES[r.stage] ?? r.stage,
        status: r.status,
        provider: r.provider,
        model: r.model,
        madeWithoutModel: r.provider === 'rules',
        ...s,
        error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
        credits: r.credits,
        latencyMs: r.latencyMs,
        output: ok ? r.output : null,
        orders: ok ? ordersOf(r.orders) : null,
        usage: stageUsage(r),
      };
    });
  return {
    ...runHeader(run, rows, position),
    pair: { A: sideView(inputs.a, acquired?.A), B: sideView(inputs.b, acquired?.B) },
    mine: run.mine ?? null,
    mineSource: run.mine ? (run.mineSource ?? 'asked') : null,
    stages,
    verdict: (byName.get('verdict')?.status === 'succeeded' ? byName.get('verdict')?.output : null) as Verdict | null,
    avatars: (byName.get('avatars')?.status === 'succeeded' ? byName.get('avatars')?.output : null) as AvatarsOutput | null,
  };
}

/** The run's view; pass the run row when it is already in hand (saves reading it again). */
export async function loadRunView(db: Db, runId: string, loaded?: Run): Promise<RunView | undefined> {
  const run = loaded ?? (await getRun(db, runId));
  if (!run) return undefined;
  return toRunView(run, await getStages(db, runId), await queuePosition(db, run));
}
