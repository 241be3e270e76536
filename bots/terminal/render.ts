import type { RunView, StageView } from '../../service/app/views/index.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * RunView → lines for a terminal. Pure: the CLI decides where they go (standard error for
 * progress, standard output for the result).
 */

const ICON = STAGE_ICONS.terminal;

const short = (s: string, n = 48) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const label = (v: RunView, side: 'A' | 'B' | 'tie') => (side === 'tie' ? 'tie' : `${side} (${v.pair[side].label})`);

export function stageLine(v: RunView, s: StageView): string {
  const head = `${ICON[s.status]} ${s.title}`;
  if (s.status === 'failed') return `${head} — failed: ${s.error?.message ?? s.error?.code ?? 'unknown error'}${s.credits ? ` (${s.credits} credits refunded)` : ''}`;
  if (s.status === 'skipped') return `${head} — skipped`;
  if (s.status !== 'succeeded') return `${head} — ${s.status}`;
  const by = s.madeWithoutModel ? 'rules engine, no model' : `${s.provider ?? '?'} ${s.model ?? ''}`.trim();
  const parts: string[] = [];
  if (s.name === 'acquire') parts.push(`A: ${short(v.pair.A.title ?? v.pair.A.label)} | B: ${short(v.pair.B.title ?? v.pair.B.label)}`);
  if (s.score) parts.push(`A ${s.score.A.toFixed(1)} vs B ${s.score.B.toFixed(1)}`);
  if (s.winner) parts.push(s.winner === 'tie' ? 'tie' : `${label(v, s.winner)} wins`);
  if (s.summary && s.name === 'avatars') parts.push(s.summary);
  return `${head} — ${parts.join(' · ')}${s.name === 'acquire' ? '' : ` [${by}]`}`;
}

export function checklist(v: RunView): string[] {
  return [`Run ${v.shortId}: ${v.pair.A.label} vs ${v.pair.B.label}`, ...v.stages.map((s) => `  ${stageLine(v, s)}`)];
}

/**
 * The result on standard output. The stages are listed only when asked: `compare` has already
 * shown each one on standard error as it settled, and a terminal shows both streams.
 */
export function finalReport(v: RunView, opts: { stages?: boolean } = {}): string[] {
  const out: string[] = [];
  out.push('', `ListingLab — ${v.pair.A.label} vs ${v.pair.B.label} (run ${v.shortId})`);
  out.push(`  A: ${v.pair.A.title ?? v.pair.A.label}`, `  B: ${v.pair.B.title ?? v.pair.B.label}`);
  if (opts.stages) {
    out.push('');
    for (const s of v.stages) out.push(`  ${stageLine(v, s)}`);
  }
  const verdict = v.verdict;
  if (!verdict) {
    out.push('', `No verdict: the run ${v.status}${v.errorMessage ? ` — ${v.errorMessage}` : ''}.`);
    if (v.refunded) out.push(`${v.refunded} credits were refunded.`);
    return out;
  }
  out.push('');
  const headline = verdict.winner === 'tie' ? 'Verdict: tie' : `Verdict: ${v.pair[verdict.winner].label} (${verdict.winner}) wins`;
  out.push(`${headline} — A ${verdict.score.A.toFixed(2)} vs B ${verdict.score.B.toFixed(2)}, confidence ${Math.round(verdict.confidence * 100)}%`);
  out.push(`  Wins the click: ${label(v, verdict.clickWinner)} · wins the sale: ${label(v, verdict.saleWinner)}`);
  if (verdict.rulesOnly) out.push('  Made without a model: the offline rules engine measured what can be measured; add a model key for visual judgement.');
  if (verdict.missing.length) out.push(`  Left out (failed): ${verdict.missing.join(', ')} — confidence lowered.`);
  if (v.avatars) {
    out.push('', `Buyer personas${v.avatars.categoryDefault ? ' (category defaults: no review insights)' : ''}:`);
    for (const p of v.avatars.personas) {
      out.push(`  • ${p.name} — ${p.profile}`);
      out.push(`    clicks ${p.clicks}, buys ${p.buys}: ${p.why}`);
      const cares = p.caresAbout.map((c) => `${c.aspect}${c.citation ? ` ("${c.citation}")` : ''}`).join('; ');
      out.push(`    cares about: ${cares}`);
      if (p.objections.length) out.push(`    objections: ${p.objections.join('; ')}`);
    }
  }
  if (verdict.fixes.length) {
    out.push('', 'Fixes, by impact:');
    for (const f of verdict.fixes) out.push(`  ${f.priority}. [${f.listing} ${v.pair[f.listing].label}] ${f.action}  (evidence: ${f.evidence.join(', ')})`);
  }
  out.push('', `verdict hash ${verdict.hash}`);
  return out;
}

/** The `--json` document (PRODUCT.md "Command line"). */
export function jsonDocument(v: RunView): unknown {
  const status = v.status === 'succeeded' || v.status === 'partial' || v.status === 'failed' ? v.status : 'failed';
  return {
    job: v.id,
    status,
    pair: { A: v.pair.A, B: v.pair.B },
    verdict: v.verdict
      ? {
          winner: v.verdict.winner,
          score: v.verdict.score,
          confidence: v.verdict.confidence,
          clickWinner: v.verdict.clickWinner,
          saleWinner: v.verdict.saleWinner,
          rulesOnly: v.verdict.rulesOnly,
          fixes: v.verdict.fixes.map((f) => ({ listing: f.listing, priority: f.priority, action: f.action, evidence: f.evidence })),
          hash: v.verdict.hash,
        }
      : null,
    avatars: v.avatars?.personas ?? [],
    stages: Object.fromEntries(
      v.stages.map((s) => [
        s.name,
        {
          status: s.status,
          provider: s.provider,
          model: s.model,
          madeWithoutModel: s.madeWithoutModel,
          winner: s.winner,
          score: s.score,
          ...(s.error ? { error: s.error } : {}),
          output: s.output,
        },
      ]),
    ),
    error: v.status === 'failed' ? { code: v.errorCode, message: v.errorMessage } : null,
  };
}
