import type { RunView, SideView, StageView } from '../../service/app/views/index.ts';
import type { Winner } from '../../service/domain/stage-outputs.ts';
import { actions, button, clampBlocks, clip, context, divider, esc, header, section, truncate, LIMITS, type Block } from './blocks.ts';
import { ACTION, type RootOptions, type SlackMessage } from './render-common.ts';
import { draftRootMessage } from './render-draft.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * RunView → the run's root message in Block Kit: the pair with titles, cost and job id, a stage
 * checklist, and once finished the verdict, scores, top fixes and buttons. Pure: the sink decides
 * whether it is posted or edited. Stage detail cards are in render-stage.ts.
 */

/** Acquisition failures that pasting the listing by hand can get past (service/app/comparisons/manual-fallback.ts). */
export const RESUMABLE_ERRORS: ReadonlySet<string> = new Set(['listing_not_found', 'acquisition_failed', 'timeout']);

const ICON = STAGE_ICONS.slack;

const FINISHED: readonly RunView['status'][] = ['succeeded', 'partial', 'failed'];

/** A side's name as people know it: its ASIN, or the label of a listing given by hand. */
export const sideName = (s: SideView) => s.asin ?? s.label;

function sideLink(s: SideView): string {
  const name = clip(sideName(s), 40);
  return s.url ? `<${s.url}|${name}>` : name;
}

function winnerText(v: RunView, w: Winner): string {
  return w === 'tie' ? 'tie' : `${w} (${esc(sideName(v.pair[w]))})`;
}

export function stageLine(v: RunView, s: StageView): string {
  const head = `${ICON[s.status]} *${esc(s.title)}*`;
  switch (s.status) {
    case 'failed':
      return `${head} — failed: ${clip(s.error?.message || s.error?.code || 'unknown error', 200)}${s.credits ? ` (${s.credits} credits refunded)` : ''}`;
    case 'skipped':
      return `${head} — skipped`;
    case 'pending':
    case 'queued':
      return `${head} — waiting`;
    case 'running':
      return `${head} — running…`;
    case 'succeeded': {
      const parts: string[] = [];
      if (s.score) parts.push(`A ${s.score.A.toFixed(1)} vs B ${s.score.B.toFixed(1)}`);
      if (s.winner) parts.push(s.winner === 'tie' ? 'tie' : `${winnerText(v, s.winner)} wins`);
      if (s.name === 'avatars' && s.summary) parts.push(esc(s.summary));
      if (s.madeWithoutModel) parts.push('_rules engine_');
      return parts.length ? `${head} — ${parts.join(' · ')}` : `${head} — done`;
    }
  }
}

/** The notification text: `Verdict: <ASIN> wins …` / `Verdict: tie …` once there is a verdict. */
export function rootText(v: RunView): string {
  const pair = `${sideName(v.pair.A)} vs ${sideName(v.pair.B)}`;
  const verdict = v.verdict;
  if (verdict) {
    const score = `A ${verdict.score.A.toFixed(2)} vs B ${verdict.score.B.toFixed(2)}`;
    const head = verdict.winner === 'tie' ? 'Verdict: tie' : `Verdict: ${sideName(v.pair[verdict.winner])} wins`;
    return truncate(`${head} — ${pair}, ${score} (job ${v.shortId})`, LIMITS.messageText);
  }
  if (v.status === 'failed') return truncate(`Comparison ${pair} failed: ${v.errorMessage ?? v.errorCode ?? 'unknown error'} (job ${v.shortId})`, LIMITS.messageText);
  const done = v.stages.filter((s) => s.status === 'succeeded' || s.status === 'failed' || s.status === 'skipped').length;
  const state = v.queuePosition != null ? `queued (#${v.queuePosition} in line)` : `${done}/${v.stages.length} stages done`;
  return `Comparing ${pair} — ${state} (job ${v.shortId})`;
}

function verdictBlocks(v: RunView): Block[] {
  const verdict = v.verdict;
  if (!verdict) return [];
  const head = verdict.winner === 'tie' ? '*Verdict: tie*' : `*Verdict: ${esc(sideName(v.pair[verdict.winner]))} (${verdict.winner}) wins*`;
  const lines = [
    `${head} — A ${verdict.score.A.toFixed(2)} vs B ${verdict.score.B.toFixed(2)} · confidence ${Math.round(verdict.confidence * 100)}%`,
    `Wins the click: ${winnerText(v, verdict.clickWinner)} · wins the sale: ${winnerText(v, verdict.saleWinner)}`,
  ];
  if (verdict.missing.length) lines.push(`_Left out (failed): ${esc(verdict.missing.join(', '))} — confidence lowered._`);
  const out: Block[] = [divider, section(lines.join('\n'))];
  const top = verdict.fixes.slice(0, 3);
  if (top.length) {
    const fixLines = top.map((f) => `${f.priority}. *${f.listing}* (${esc(sideName(v.pair[f.listing]))}): ${clip(f.action, 280)}`);
    out.push(section(`*Top fixes*\n${fixLines.join('\n')}`));
  }
  if (verdict.rulesOnly) out.push(context('Made without a model: the offline rules engine measured what can be measured. Details are in the thread.'));
  return out;
}

function failureBlocks(v: RunView): Block[] {
  if (v.status !== 'failed' || v.verdict) return [];
  const refund = v.refunded ? ` ${v.refunded} credits were refunded.` : '';
  const lines = [`:warning: *No verdict*: ${clip(v.errorMessage ?? v.errorCode ?? 'the run failed', 600)}.${refund}`];
  if (RESUMABLE_ERRORS.has(v.errorCode ?? '')) lines.push('You can enter the listing by hand (title, bullets, description, image URLs) to finish the comparison.');
  return [section(lines.join('\n'))];
}

function buttons(v: RunView, opts: RootOptions): Block | undefined {
  if (opts.buttons === false || !FINISHED.includes(v.status)) return undefined;
  const els = [];
  if (v.status === 'failed' && !v.verdict && RESUMABLE_ERRORS.has(v.errorCode ?? '')) {
    els.push(button('Enter listing by hand', ACTION.manualFallback, v.id, 'primary'));
  }
  // Re-running needs both ASINs (a listing given by hand cannot be fetched again).
  if (v.pair.A.asin && v.pair.B.asin) els.push(button('Re-run fresh', ACTION.rerunFresh, v.id));
  if (v.verdict) els.push(button('Save as experiment', ACTION.saveExperiment, v.id));
  if (opts.lowBalance) els.push(button('Buy credits', ACTION.buyCredits, v.id, 'primary'));
  return actions(`run:${v.id}`, els);
}

export function rootMessage(v: RunView, opts: RootOptions = {}): SlackMessage {
  if (v.kind === 'draft') return draftRootMessage(v, opts);
  const sides = (['A', 'B'] as const).map((k) => {
    const s = v.pair[k];
    return `*${k}* ${sideLink(s)}${s.title ? ` — ${clip(s.title, 160)}` : ''}`;
  });
  const meta = [`Job \`${v.shortId}\``, `Cost: ${v.cost} credits`];
  if (v.refunded) meta.push(`${v.refunded} refunded`);
  if (v.queuePosition != null) meta.push(`:hourglass: queued, #${v.queuePosition} in line: starts when one of this workspace's running comparisons finishes`);
  const blocks = [
    header(`Listing comparison: ${sideName(v.pair.A)} vs ${sideName(v.pair.B)}`),
    section(sides.join('\n')),
    context(meta.join(' · ')),
    section(v.stages.map((s) => stageLine(v, s)).join('\n')),
    ...verdictBlocks(v),
    ...failureBlocks(v),
    buttons(v, opts),
  ];
  return { text: rootText(v), blocks: clampBlocks(blocks, `More in \`/listing status ${v.shortId}\`.`) };
}
